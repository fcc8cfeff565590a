"""Form pieces: labelled fields with their hint, choices, and forms laid out one way everywhere.

Every field's label is tied to its control (``html_for``), so screen readers and the tests'
``get_by_label`` find it; a field named ``name`` has the id ``field-<name>``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any, Literal
from zoneinfo import available_timezones

import reflex as rx

from aixplore.web.kit.feedback import form_error

GRAY = rx.color("gray", 11)
# A native <select>, drawn like the Radix inputs next to it.
SELECT_STYLE = {"padding": "4px 8px", "border": "1px solid var(--gray-7)", "borderRadius": "6px"}


# The zones most people pick, offered before the full IANA list in every zone select.
COMMON_ZONES = (
    "UTC",
    "Europe/London",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Madrid",
    "Europe/Warsaw",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Africa/Lagos",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
)


@cache
def known_zones() -> tuple[str, ...]:
    """Every IANA zone name this machine knows, sorted."""
    return tuple(sorted(available_timezones()))


# What image uploads accept (the media module checks again by decoding: this only filters the
# file picker).
IMAGE_ACCEPT: dict[str, Sequence[str]] = {
    "image/png": [".png"],
    "image/jpeg": [".jpg", ".jpeg"],
    "image/webp": [".webp"],
}


def _labelled(label: Any, control_id: str, control: rx.Component, hint: Any) -> rx.Component:
    parts = [rx.el.label(label, html_for=control_id, class_name="field-label"), control]
    if isinstance(hint, rx.Var):
        parts.append(rx.cond(hint != "", rx.text(hint, size="1", color=GRAY)))
    elif hint:
        parts.append(rx.text(hint, size="1", color=GRAY))
    return rx.vstack(
        *parts,
        spacing="1",
        width="100%",
        align="start",
    )


def field(
    label: str,
    name: str,
    *,
    type_: str = "text",
    autocomplete: str = "off",
    max_length: int = 254,
    required: bool = True,
    hint: str = "",
    default_value: Any = None,
    **props: Any,
) -> rx.Component:
    """A labelled text input with an optional hint below it."""
    input_id = f"field-{name}"
    if default_value is not None:
        props["default_value"] = default_value
    control = rx.input(
        id=input_id,
        name=name,
        type=type_,  # pyright: ignore[reportArgumentType]
        auto_complete=autocomplete,
        max_length=max_length,
        required=required,
        size="3",
        width="100%",
        **props,
    )
    return _labelled(label, input_id, control, hint)


def password_field(label: str, name: str, *, new: bool = False, hint: str = "") -> rx.Component:
    """A password input; ``new`` lets password managers offer a fresh one."""
    autocomplete = "new-password" if new else "current-password"
    return field(
        label, name, type_="password", autocomplete=autocomplete, max_length=256, hint=hint
    )


def text_area_field(
    label: str,
    name: str,
    *,
    rows: int = 4,
    max_length: int = 5000,
    required: bool = False,
    hint: str = "",
    default_value: Any = None,
    **props: Any,
) -> rx.Component:
    """A labelled multi-line text box (``props`` go to the box: an ``on_change`` say)."""
    area_id = f"field-{name}"
    if default_value is not None:
        props["default_value"] = default_value
    control = rx.text_area(
        id=area_id,
        name=name,
        rows=str(rows),
        max_length=max_length,
        required=required,
        width="100%",
        **props,
    )
    return _labelled(label, area_id, control, hint)


def select_field(
    label: str, name: str, options: Any, *, value: Any = None, hint: str = "", required: bool = True
) -> rx.Component:
    """A labelled Radix select over ``options``, a var of ``[value, text]`` pairs."""
    select_id = f"field-{name}"
    # Options read from the server arrive after the page: until then the select stays shut
    # (opened empty, it would show nothing and not fill in when they come).
    empty = options.to(list).length() == 0 if isinstance(options, rx.Var) else not options
    control = rx.select.root(
        # The placeholder is drawn in gray-11 (assets/styles.css): Radix's gray-10 misses 4.5:1.
        rx.select.trigger(id=select_id, width="100%", placeholder=f"Choose {label.lower()}"),
        rx.select.content(rx.foreach(options, lambda o: rx.select.item(o[1], value=o[0]))),
        name=name,
        default_value=value,
        required=required,
        disabled=empty,
    )
    return _labelled(label, select_id, control, hint)


def zone_options() -> list[rx.Component]:
    """The options of a native time zone select: the common zones, then every IANA zone (a
    native select: its type-ahead finds a zone among six hundred, and phones show their own
    picker)."""
    known = set(known_zones())
    return [
        rx.el.optgroup(
            *[rx.el.option(z, value=z) for z in COMMON_ZONES if z in known], label="Common zones"
        ),
        rx.el.optgroup(*[rx.el.option(z, value=z) for z in known_zones()], label="All zones"),
    ]


def zone_field(
    label: str, name: str, *, default_value: Any = "UTC", hint: str = ""
) -> rx.Component:
    """A labelled native select of IANA time zones."""
    select_id = f"field-{name}"
    control = rx.el.select(
        *zone_options(),
        id=select_id,
        name=name,
        default_value=default_value,
        style={**SELECT_STYLE, "maxWidth": "100%"},
    )
    return _labelled(label, select_id, control, hint)


def native_select(
    label: Any,
    name: str,
    options: list[tuple[str, str]],
    *,
    select_id: str,
    default_value: Any,
    label_width: str = "100px",
) -> rx.Component:
    """A label and a native select on one line (short choices such as scopes and roles)."""
    return rx.flex(
        rx.el.label(label, html_for=select_id, min_width=label_width),
        rx.el.select(
            *[rx.el.option(text, value=value) for value, text in options],
            id=select_id,
            name=name,
            default_value=default_value,
            style=SELECT_STYLE,
        ),
        spacing="3",
        align="center",
    )


def checkbox(label: Any, name: str, *, checked: Any = False, size: str = "2") -> rx.Component:
    """A native checkbox with its label to the right; the form sends "on" when ticked."""
    return rx.el.label(
        rx.hstack(
            rx.el.input(type="checkbox", name=name, default_checked=checked),
            rx.text(label, size=size),  # pyright: ignore[reportArgumentType]
            spacing="2",
            align="center",
        ),
    )


def checkbox_group(legend: str, *boxes: rx.Component) -> rx.Component:
    """Checkboxes under one legend, side by side (a fieldset, so the legend names the group)."""
    return rx.el.fieldset(
        rx.el.legend(legend, class_name="field-label"),
        rx.flex(*boxes, spacing="3", wrap="wrap"),
        class_name="plain-fieldset",
    )


def submit_button(label: Any, loading: Any = False, *, full_width: bool = False) -> rx.Component:
    """A form's submit button (full width in a narrow card form)."""
    if full_width:
        return rx.button(label, type="submit", size="3", width="100%", loading=loading)
    return rx.button(label, type="submit", loading=loading)


def form(
    *children: Any,
    on_submit: Any,
    submit: Any = None,
    error: Any = None,
    reset: bool = False,
    max_width: str | None = "480px",
    spacing: Literal["2", "3", "4"] = "3",
    **props: Any,
) -> rx.Component:
    """Fields stacked one under another, the error above them and the submit button below.

    Args:
        *children: The fields (and any text between them).
        on_submit: The handler that receives the form data.
        submit: The submit button: a label, or a component for more than one button.
        error: A state var with the form's error message, shown above the fields.
        reset: Empty the fields after a submit.
        max_width: How wide the fields may grow (None: the container's width).
        spacing: Radix spacing between the fields.
        **props: Anything else rx.form takes (key, width...).
    """
    stack: list[Any] = [] if error is None else [form_error(error)]
    stack += list(children)
    if submit is not None:
        stack.append(submit if isinstance(submit, rx.Component) else submit_button(submit))
    width: dict[str, Any] = {"max_width": max_width} if max_width else {}
    return rx.form(
        rx.vstack(*stack, spacing=spacing, width="100%", align="start", **width),
        on_submit=on_submit,
        reset_on_submit=reset,
        **props,
    )


def inline_form(*children: Any, on_submit: Any, reset: bool = False, **props: Any) -> rx.Component:
    """Controls side by side, wrapping on narrow screens (a search box, a one-field form)."""
    return rx.form(
        rx.flex(*children, spacing="3", align="end", wrap="wrap", width="100%"),
        on_submit=on_submit,
        reset_on_submit=reset,
        **props,
    )


def search_box(label: str, name: str, *, placeholder: str, max_length: int = 100) -> rx.Component:
    """A text input labelled for screen readers only (its placeholder says what to type)."""
    box_id = f"search-{name}"
    return rx.box(
        rx.el.label(label, html_for=box_id, class_name="sr-only"),
        rx.input(id=box_id, name=name, placeholder=placeholder, max_length=max_length),
        flex="1",
        min_width="160px",
    )


def grow(component: rx.Component, min_width: str = "200px") -> rx.Component:
    """A field that takes the free width of an inline form's line."""
    return rx.box(component, flex="1", min_width=min_width)
