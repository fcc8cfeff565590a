"""Confirmation before an action that cannot be undone."""

from __future__ import annotations

from typing import Any, Literal

import reflex as rx


def confirm(
    trigger: rx.Component,
    *,
    title: str,
    description: str,
    confirm_label: str,
    on_confirm: Any,
    cancel_label: str = "Cancel",
) -> rx.Component:
    """An alert dialog opened by ``trigger``; ``on_confirm`` fires only from its red button.

    Args:
        trigger: The button that opens the dialog (say, "Cancel event").
        title: The dialog's question ("Cancel this event?").
        description: What happens, and that it cannot be undone.
        confirm_label: The red button's text ("Cancel the event").
        on_confirm: The event it fires.
        cancel_label: The button that closes the dialog and does nothing.
    """
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(trigger),
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(description, size="2"),
            rx.flex(
                rx.alert_dialog.cancel(rx.button(cancel_label, variant="soft")),
                rx.alert_dialog.action(
                    rx.button(confirm_label, color_scheme="red", on_click=on_confirm)
                ),
                spacing="3",
                justify="end",
                margin_top="1em",
                wrap="wrap",
            ),
            max_width="420px",
        ),
    )


def drawer(
    trigger: rx.Component,
    header: rx.Component,
    *children: Any,
    close_label: str,
    width: str = "min(80vw, 320px)",
    spacing: Literal["4", "5"] = "5",
) -> rx.Component:
    """A panel that slides in from the left (the phone menu, the catalog's filters).

    ``header`` stands on its first line beside the close button labelled ``close_label``.
    """
    close = rx.drawer.close(
        rx.icon_button(rx.icon("x", size=20), variant="ghost", aria_label=close_label)
    )
    return rx.drawer.root(
        rx.drawer.trigger(trigger),
        rx.drawer.overlay(z_index="50"),
        rx.drawer.portal(
            rx.drawer.content(
                rx.vstack(
                    rx.hstack(header, rx.spacer(), close, width="100%"),
                    *children,
                    spacing=spacing,
                    width="100%",
                ),
                padding="1.25em",
                width=width,
                height="100%",
                overflow_y="auto",
                background_color=rx.color("gray", 1),
                top="0",
                left="0",
                z_index="60",
            )
        ),
        direction="left",
    )
