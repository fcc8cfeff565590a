"""The page shown when the front end fails to render: calm words, no stack trace."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars.base import Var
from reflex.vars.function import ArgsFunctionOperation
from reflex_components_core.base.error_boundary import ErrorBoundary


def _fallback() -> rx.Component:
    return rx.el.div(
        rx.el.h1("Something went wrong", style={"fontSize": "1.6rem", "fontWeight": "bold"}),
        rx.el.p("This page could not be shown. Nothing you saved was lost."),
        rx.el.p(
            rx.el.a("Reload the page", href="", style={"textDecoration": "underline"}),
            " or ",
            rx.el.a("go to the home page", href="/", style={"textDecoration": "underline"}),
            ".",
        ),
        role="alert",
        style={
            "maxWidth": "40rem",
            "margin": "10vh auto",
            "padding": "1.5rem",
            "fontFamily": "system-ui, sans-serif",
            "lineHeight": "1.6",
        },
    )


def error_boundary(stateful: bool) -> rx.Component:
    """An error boundary whose fallback never shows the error's details."""
    props: dict[str, Any] = {
        "fallback_render": ArgsFunctionOperation.create(("event_args",), Var.create(_fallback()))
    }
    if not stateful:
        props["on_error"] = rx.noop()
    return ErrorBoundary.create(**props)
