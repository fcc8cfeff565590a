"""Form fields the order wizard's steps share: kit fields with the wizard's lengths."""

from __future__ import annotations

from typing import Any

import reflex as rx

from aixplore.web import kit
from aixplore.web.orders.wizard_state import WizardState

W = WizardState
GRAY = rx.color("gray", 11)
MAX_TEXT = 20_000  # the wizard's text formats (forms.MAX_TEXT) allow this much


def textarea(title: str, name: str, value: Any, hint: str, rows: int = 4) -> rx.Component:
    """A labelled text area with a hint below it."""
    return kit.text_area_field(
        title, name, rows=rows, max_length=MAX_TEXT, hint=hint, default_value=value
    )


def input_field(title: str, name: str, value: Any, hint: str = "") -> rx.Component:
    """A labelled one-line input with an optional hint."""
    return kit.field(title, name, max_length=200, required=False, hint=hint, default_value=value)
