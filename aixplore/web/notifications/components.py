"""The bell in the top bar: a link to /notifications with the unread count."""

from __future__ import annotations

import reflex as rx

from aixplore.web.notifications.state import NotificationBellState


def notification_bell() -> rx.Component:
    """The bell (each page's live listener keeps its count current: ``web/live.py``)."""
    return rx.link(
        rx.icon("bell", size=20, aria_hidden="true"),
        rx.cond(
            NotificationBellState.unread > 0,
            rx.badge(
                NotificationBellState.badge,
                variant="solid",
                color_scheme="red",
                high_contrast=True,
                radius="full",
                size="1",
                position="absolute",
                top="-4px",
                right="-8px",
                aria_hidden="true",
            ),
        ),
        href="/notifications",
        aria_label=NotificationBellState.bell_label,
        position="relative",
        display="inline-flex",
        align_items="center",
        padding="6px",
        color=rx.color("gray", 12),
    )
