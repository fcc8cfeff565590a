"""Form fields the order wizard's steps share: a label, a text area, an input."""

from __future__ import annotations

import reflex as rx

from aixplore.web.orders.wizard_state import WizardState

W = WizardState
GRAY = rx.color("gray", 11)


def label(text: str, for_id: str) -> rx.Component:
    """A field's visible label."""
    return rx.el.label(text, html_for=for_id, class_name="field-label")


def textarea(
    title: str, name: str, value: rx.Var | str, hint: str, rows: str = "4"
) -> rx.Component:
    """A labelled text area with a hint below it."""
    return rx.vstack(
        label(title, f"order-{name}"),
        rx.text_area(
            id=f"order-{name}",
            name=name,
            default_value=value,
            rows=rows,
            width="100%",
            max_length=20000,
        ),
        rx.text(hint, size="1", color=GRAY),
        width="100%",
        spacing="1",
    )


def input_field(title: str, name: str, value: rx.Var | str, hint: str = "") -> rx.Component:
    """A labelled one-line input with an optional hint."""
    return rx.vstack(
        label(title, f"order-{name}"),
        rx.input(
            id=f"order-{name}",
            name=name,
            default_value=value,
            width="100%",
            size="3",
            max_length=200,
        ),
        rx.cond(hint != "", rx.text(hint, size="1", color=GRAY)),
        width="100%",
        spacing="1",
    )
