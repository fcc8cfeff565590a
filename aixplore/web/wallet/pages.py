"""/token: the ECE token in 3D with its balance, tier and statement."""

from __future__ import annotations

import reflex as rx

from aixplore.web.layout import page
from aixplore.web.wallet.state import TokenState
from components3d import token_scene

S = TokenState


def token_panel(*, height: str = "320px") -> rx.Component:
    """The 3D token with its text equivalent (used on /token and /profile)."""
    return rx.vstack(
        token_scene(
            balance=S.balance,
            tier=S.tier,
            flipped=S.flipped,
            label=S.label,
            on_flip=S.flip,
            height=height,
        ),
        rx.hstack(
            rx.text(rx.text.strong(S.balance_text), " ECE", size="5"),
            rx.badge(S.tier, size="2", variant="soft", text_transform="capitalize"),
            align="center",
            spacing="3",
        ),
        rx.text(S.progress, size="2", color=rx.color("gray", 11)),
        spacing="2",
        width="100%",
        align="center",
    )


def _statement() -> rx.Component:
    return rx.vstack(
        rx.heading("Statement", size="4", as_="h2"),
        rx.cond(
            S.statement.length() > 0,  # type: ignore[attr-defined]
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        rx.table.column_header_cell("When"),
                        rx.table.column_header_cell("What"),
                        rx.table.column_header_cell("Amount"),
                    )
                ),
                rx.table.body(
                    rx.foreach(
                        S.statement,
                        lambda line: rx.table.row(
                            rx.table.cell(line["when"]),
                            rx.table.cell(line["kind"]),
                            rx.table.cell(line["amount"]),
                        ),
                    )
                ),
                width="100%",
            ),
            rx.text("No token movements yet.", color=rx.color("gray", 11)),
        ),
        width="100%",
        spacing="2",
    )


def token_page() -> rx.Component:
    """The signed-in user's ECE token."""
    return page(
        "Your ECE tokens",
        rx.vstack(
            rx.heading("Your ECE tokens", size="7", as_="h1"),
            rx.text(
                "Drag the coin to turn it; click it, or press Enter, to flip it.",
                color=rx.color("gray", 11),
            ),
            rx.card(token_panel(height="380px"), width="100%"),
            rx.button("Refresh balance", on_click=S.load, variant="soft"),
            _statement(),
            spacing="4",
            width="100%",
        ),
        max_width="760px",
    )
