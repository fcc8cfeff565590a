"""What the forum pages share: the notification level picker and the post body field."""

from __future__ import annotations

from typing import Any

import reflex as rx

from aixplore.domain.forums.models import BODY_MAX
from aixplore.web import kit
from aixplore.web.kit.forms import SELECT_STYLE

LEVELS = ["watching", "tracking", "normal", "muted"]
BODY_HINT = "Markdown. @handle mentions someone. New members may not post links or images."


def level_select(value: Any, on_change: Any, label: str) -> rx.Component:
    """The notification level picker (watching … muted) with its label."""
    return rx.flex(
        rx.el.label("Notifications", html_for="level-select", title=label),
        rx.el.select(
            *[rx.el.option(level.capitalize(), value=level) for level in LEVELS],
            id="level-select",
            value=value,
            on_change=on_change,
            aria_label=label,
            style=SELECT_STYLE,
        ),
        spacing="2",
        align="center",
    )


def body_field(label: str, rows: int, **props: Any) -> rx.Component:
    """A post's Markdown body: required, at most ``BODY_MAX`` characters, with the hint."""
    return kit.text_area_field(
        label, "body", rows=rows, max_length=BODY_MAX, required=True, hint=BODY_HINT, **props
    )
