"""/token: the ECE token in 3D, how to earn and buy more, the next step, and the statement."""

from __future__ import annotations

from typing import Any

import reflex as rx

from aixplore.domain.wallet.earning import EVENT_MIN_ATTENDEES
from aixplore.domain.wallet.purchases import TOKEN_PACKS, TokenPack
from aixplore.web import kit
from aixplore.web.layout import stacked_page
from aixplore.web.wallet.state import TokenState
from components3d import token_scene

S = TokenState
MUTED = rx.color("gray", 11)


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
        kit.note(S.progress),
        spacing="2",
        width="100%",
        align="center",
    )


def _next_step() -> rx.Component:
    action = rx.cond(
        S.step_claim,
        rx.button(S.step_label, on_click=S.claim_welcome, size="3"),
        rx.link(S.step_label, href=S.step_href, weight="medium", size="3"),
    )
    return kit.tile(
        rx.heading("Next step", size="4", as_="h2"),
        rx.text(S.step_text),
        action,
        spacing="2",
        align="start",
    )


def _spread(start: rx.Component, end: rx.Component) -> rx.Component:
    """Two things at the ends of a line (one under the other when it is too narrow)."""
    return rx.hstack(start, end, justify="between", align="center", width="100%", wrap="wrap")


def _part(title: str, *children: Any, spacing: str = "3", **heading: Any) -> rx.Component:
    """One part of the page under its h2."""
    return rx.vstack(
        rx.heading(title, size="5", as_="h2", **heading),
        *children,
        width="100%",
        spacing=spacing,  # pyright: ignore[reportArgumentType]
    )


def _rule(rule: Any) -> rx.Component:
    return kit.tile(
        _spread(
            rx.heading(rule["title"], size="3", as_="h3"),
            rx.badge(rule["amount"], color_scheme="green", variant="soft"),
        ),
        rx.text(rule["how"], size="2"),
        _spread(
            rx.text("Limit: ", rule["limit"], size="2", color=MUTED),
            rx.badge(
                rule["progress"],
                color_scheme=rx.cond(rule["full"] == "yes", "gray", "blue"),
                variant="outline",
            ),
        ),
        spacing="2",
    )


def _earn() -> rx.Component:
    return _part(
        "Earn tokens",
        kit.two_columns(rx.foreach(S.rules, _rule)),
        kit.note(
            "Monthly limits count grants in the current calendar month (UTC); each review, "
            "solution review and event earns once. Nobody checks people in at events: the "
            f"attendees are the members other than the host (at least {EVENT_MIN_ATTENDEES}) "
            "who answered “going” and had not cancelled when it ended."
        ),
    )


def _pack(pack: TokenPack) -> rx.Component:
    return kit.tile(
        rx.heading(f"{pack.name} pack", size="3", as_="h3"),
        rx.text(rx.text.strong(f"{pack.tokens:,} ECE"), f" for {pack.price}", size="3"),
        rx.button(
            f"Buy {pack.tokens:,} ECE",
            on_click=S.buy(pack.key),
            aria_label=f"Buy {pack.tokens:,} ECE for {pack.price}",
        ),
        spacing="2",
        align="start",
    )


def _buy() -> rx.Component:
    return _part(
        "Buy tokens",
        rx.cond(
            S.buying,
            rx.vstack(
                rx.grid(
                    *[_pack(pack) for pack in TOKEN_PACKS],
                    columns=rx.breakpoints(initial="1", sm="3"),
                    spacing="3",
                    width="100%",
                ),
                kit.note(
                    "You pay by card on Stripe's page; the tokens are added once Stripe "
                    "confirms the payment."
                ),
                width="100%",
            ),
            rx.callout(
                "Buying tokens by card is not available on this server. "
                "You can still earn them as described above.",
                icon="info",
                width="100%",
            ),
        ),
        id="buy-tokens",
    )


STATEMENT_COLUMNS = [
    kit.column("When", "when", label_on_phone=False, nowrap=True),
    kit.column("What", "kind"),
    kit.column("Amount", "amount", nowrap=True),
]


def _statement() -> rx.Component:
    return _part(
        "Statement",
        kit.when_any(
            S.statement,
            kit.data_table(S.statement, STATEMENT_COLUMNS),
            "No token movements yet.",
        ),
        spacing="2",
    )


def token_page() -> rx.Component:
    """The signed-in member's ECE tokens: the coin, the next step, earning, buying, statement."""
    return stacked_page(
        "Your ECE tokens",
        kit.page_header(
            "Your ECE tokens",
            subtitle="Drag the coin to turn it; click it, or press Enter, to flip it.",
        ),
        rx.card(token_panel(height="380px"), width="100%"),
        rx.cond(
            S.returned_from_checkout,
            kit.done_callout(
                "Thank you. Your tokens are added as soon as Stripe confirms the payment, "
                "usually within seconds: refresh the balance to see them."
            ),
        ),
        rx.cond(S.loaded, _next_step()),
        kit.action("Refresh balance", S.load, size="2"),
        _earn(),
        _buy(),
        _statement(),
        spacing="5",
        max_width="760px",
    )
