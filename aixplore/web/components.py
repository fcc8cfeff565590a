"""Small building blocks shared by every page."""

from __future__ import annotations

from typing import Any

import reflex as rx


def field(
    label: str,
    name: str,
    *,
    type_: str = "text",
    autocomplete: str = "off",
    max_length: int = 254,
    required: bool = True,
    hint: str = "",
    default_value: str | rx.Var | None = None,
) -> rx.Component:
    """A labelled input; the label is tied to the input for screen readers and tests."""
    input_id = f"field-{name}"
    props: dict = {}
    if default_value is not None:
        props["default_value"] = default_value
    return rx.vstack(
        rx.el.label(label, html_for=input_id, class_name="field-label"),
        rx.input(
            id=input_id,
            name=name,
            type=type_,  # pyright: ignore[reportArgumentType]
            auto_complete=autocomplete,
            max_length=max_length,
            required=required,
            size="3",
            width="100%",
            **props,
        ),
        rx.cond(hint != "", rx.text(hint, size="1", color_scheme="gray")),
        spacing="1",
        width="100%",
        align="start",
    )


def form_error(message: rx.Var[str] | str) -> rx.Component:
    """An inline error callout, announced to screen readers."""
    return rx.cond(
        message != "",
        rx.callout(message, icon="triangle_alert", color_scheme="red", role="alert", width="100%"),
    )


def form_notice(message: rx.Var[str] | str) -> rx.Component:
    """An inline success/info callout."""
    return rx.cond(
        message != "",
        rx.callout(
            message,
            icon="info",
            color_scheme="green",
            high_contrast=True,  # green-11 on green-3 falls just short of 4.5:1
            role="status",
            width="100%",
        ),
    )


def submit_button(label: str, loading: rx.Var[bool] | bool) -> rx.Component:
    """The primary button of a form."""
    return rx.button(label, type="submit", size="3", width="100%", loading=loading)


def card_form(title: str, subtitle: str, *children: rx.Component | rx.Var) -> rx.Component:
    """A narrow card holding one form, centred on the page."""
    return rx.center(
        rx.card(
            rx.vstack(
                rx.heading(title, size="6", as_="h1"),
                rx.text(subtitle, color_scheme="gray", size="2"),
                *children,
                spacing="4",
                width="100%",
            ),
            size="3",
            width="100%",
            max_width="440px",
        ),
        width="100%",
        padding_y="2em",
    )


def link_button(label: str, href: str | rx.Var[str], **props) -> rx.Component:
    """A link that looks like a button (one focusable element, not a button inside a link)."""
    return rx.button(
        rx.link(label, href=href, underline="none", color="inherit"), as_child=True, **props
    )


def refused(title: str, message: rx.Var[str] | str) -> rx.Component:
    """What a page shows instead of its content when the viewer may not see it."""
    return rx.vstack(
        rx.heading(title, size="7", as_="h1"),
        rx.callout(message, icon="lock", color_scheme="gray", width="100%"),
        spacing="4",
        width="100%",
        max_width="760px",
    )


def owner_heading(title: str, org_id: Any, org_name: Any) -> rx.Component:
    """A page title for a page shown for the viewer or for an organization (``org_id`` > 0).

    ``org_id`` and ``org_name`` are state vars (an int and a str var).
    """
    in_org = org_id > 0
    return rx.flex(
        rx.heading(rx.cond(in_org, org_name + " · " + title, title), size="7", as_="h1"),
        rx.spacer(),
        rx.cond(
            in_org,
            link_button("Back to the organization", f"/orgs/{org_id}", variant="ghost"),
        ),
        spacing="2",
        wrap="wrap",
        width="100%",
        align="center",
    )


def shown_once(message: str, value: Any, element_id: str, on_done: Any) -> rx.Component:
    """A secret shown only now (a new key or signing secret), with Copy and Done."""
    return rx.cond(
        value != "",
        rx.box(
            rx.vstack(
                rx.text(message, weight="bold"),
                rx.code(value, id=element_id, class_name="break-all"),
                rx.hstack(
                    rx.button("Copy", size="1", on_click=rx.set_clipboard(value)),
                    rx.button("Done", size="1", variant="soft", on_click=on_done),
                ),
                spacing="2",
                align="start",
            ),
            role="status",
            width="100%",
            padding="12px",
            border="1px solid var(--green-8)",
            border_radius="8px",
            background="var(--green-2)",
        ),
    )


def counted(count: Any, noun: str) -> Any:
    """ " solution" or " solutions" after ``count`` (a state var): "1 solution", "2 solutions"."""
    return rx.cond(count == 1, f" {noun}", f" {noun}s")
