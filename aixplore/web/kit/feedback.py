"""What a page says back: errors and notices, empty lists, refusals, loading, a secret shown once."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex_components_core.core.banner import has_connection_errors


def form_error(message: Any) -> rx.Component:
    """An inline error callout, announced to screen readers; nothing while ``message`` is ""."""
    return rx.cond(
        message != "",
        rx.callout(message, icon="triangle_alert", color_scheme="red", role="alert", width="100%"),
    )


def form_notice(message: Any) -> rx.Component:
    """An inline success or information callout; nothing while ``message`` is ""."""
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


def done_callout(message: Any, *, icon: str = "circle_check") -> rx.Component:
    """A green callout saying something worked (a mail sent, a password changed)."""
    return rx.callout(message, icon=icon, color_scheme="green", role="status", width="100%")


def empty_state(message: Any, *, action: rx.Component | None = None) -> rx.Component:
    """What an empty list says instead, with what to do about it when there is something."""
    text = rx.text(message, size="2", color=rx.color("gray", 11))
    if action is None:
        return text
    return rx.vstack(text, action, spacing="2", align="start")


def when_any(items: Any, content: rx.Component, empty: Any) -> rx.Component:
    """``content`` while the list var ``items`` has entries, else the empty state ``empty``."""
    fallback = empty if isinstance(empty, rx.Component) else empty_state(empty)
    return rx.cond(items.length() > 0, content, fallback)


def refused(title: Any, message: Any) -> rx.Component:
    """What a page shows instead of its content when the viewer may not see it."""
    return rx.vstack(
        rx.heading(title, size="7", as_="h1"),
        rx.callout(message, icon="lock", color_scheme="gray", width="100%"),
        spacing="4",
        width="100%",
        max_width="760px",
    )


def not_found(title: str, message: str, action: rx.Component) -> rx.Component:
    """A missing thing's page body: a heading, why, and where to go instead."""
    return rx.center(
        rx.vstack(
            rx.heading(title, as_="h1", size="6"),
            rx.text(message),
            action,
            align="center",
            spacing="3",
        ),
        padding_y="4em",
    )


def loading() -> rx.Component:
    """A spinner in the middle of the content while its data arrives."""
    return rx.center(rx.spinner(size="3"), padding="3em", width="100%")


# The height of a solution card (solutions/components.py: a 48 px logo row, a two-line tagline
# and the badge row in a size-2 card), so a placeholder grid is as tall as the cards it stands for.
CARD_HEIGHT = "166px"


def placeholder_cards(
    count: int, *, height: str = CARD_HEIGHT, columns: Any = None
) -> rx.Component:
    """Grey tiles the size of the cards they stand for, in the same grid, while those load.

    The page keeps its height when the cards arrive: nothing below them jumps (layout shift).
    ``columns`` defaults to the solution grid's (one, two, then three).
    """
    return rx.grid(
        *[rx.box(class_name="card-placeholder", height=height) for _ in range(count)],
        columns=columns or rx.breakpoints(initial="1", sm="2", lg="3"),
        spacing="4",
        width="100%",
        aria_hidden="true",
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


def result_count(count: Any, noun: str) -> rx.Component:
    """ "**12** solutions" above a list, announced to screen readers when it changes."""
    return rx.text(
        rx.text.strong(count),
        counted(count, noun),
        size="2",
        color=rx.color("gray", 11),
        role="status",
    )


def offline_notice(
    message: str = "You are offline; reconnecting. What you type stays here and sends once you "
    "are back.",
) -> rx.Component:
    """An amber notice while the event socket is down (live pages: chat, messages)."""
    return rx.cond(
        has_connection_errors,
        rx.callout(message, icon="wifi-off", color_scheme="amber", role="status", width="100%"),
    )
