"""Confirmation before an action that cannot be undone."""

from __future__ import annotations

from typing import Any

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
