"""Copy trading's pages: the "Copy this trader" form, /trading/copies, and the disclosure
every page with results carries."""

from __future__ import annotations

from typing import Any

import reflex as rx

from aixplore.domain.trading.copying import MAX_ALLOCATION, MIN_ALLOCATION
from aixplore.domain.trading.instruments import money
from aixplore.web import kit
from aixplore.web.layout import stacked_page
from aixplore.web.trading.copy_state import CopiesState, CopyFormState
from aixplore.web.trading.market_pages import disclosure, header

S = CopiesState


def copy_form() -> rx.Component:
    """Copy the trader whose page this is: allocation, copy stop, open trades or new only."""
    return kit.section(
        "Copy this trader",
        kit.form(
            kit.field(
                "Allocation (virtual dollars)",
                "allocation",
                max_length=20,
                hint=f"From your paper cash: {money(MIN_ALLOCATION)} to {money(MAX_ALLOCATION)}",
            ),
            kit.field(
                "Copy stop (% drawdown)",
                "stop_percent",
                max_length=6,
                default_value="40",
                hint="5 to 95: the copy closes when it has lost this share of its allocation",
            ),
            kit.native_select(
                "Which trades",
                "mode",
                [("new", "Only new trades"), ("open", "Open trades too")],
                select_id="copy-mode",
                default_value="new",
            ),
            on_submit=CopyFormState.start,
            submit="Copy this trader",
            error=CopyFormState.error,
        ),
        kit.note(
            "Each copied position is the signal's size share of your copy's equity. Leaders "
            "need a 30-day record, 10 decided signals and a risk score of 7 or less."
        ),
    )


def _actions(c: Any) -> rx.Component:
    name = c["leader_name"].to(str)
    return rx.cond(
        c["status"] == "stopped",
        rx.text("Stopped", size="2"),
        rx.flex(
            rx.cond(
                c["status"] == "active",
                rx.button(
                    "Pause",
                    on_click=S.pause(c["id"]),
                    size="1",
                    variant="soft",
                    aria_label="Pause the copy of " + name,
                ),
                rx.button(
                    "Resume",
                    on_click=S.resume(c["id"]),
                    size="1",
                    variant="soft",
                    aria_label="Resume the copy of " + name,
                ),
            ),
            rx.button(
                "Stop",
                on_click=S.stop(c["id"]),
                size="1",
                variant="soft",
                color_scheme="red",
                aria_label="Stop the copy of " + name,
            ),
            spacing="2",
            wrap="wrap",
        ),
    )


COPY_COLUMNS = [
    kit.column(
        "Leader",
        lambda c: rx.vstack(
            rx.link(c["leader_name"], href=c["href"], weight="medium"),
            rx.cond(c["notice"] != "", rx.text(c["notice"], size="1")),
            spacing="1",
        ),
        label_on_phone=False,
    ),
    kit.column("Status", lambda c: rx.badge(c["status"])),
    kit.column("Allocation", "allocation", nowrap=True),
    kit.column("Equity", "equity", nowrap=True),
    kit.column(
        "P&L",
        lambda c: rx.text(
            c["pnl"].to(str) + " (" + c["pnl_percent"].to(str) + ")",
            color=rx.cond(c["rising"], rx.color("grass", 11), rx.color("red", 11)),
            white_space="nowrap",
        ),
    ),
    kit.column("Copy stop", "stop_percent", nowrap=True),
    kit.column("Open positions", "open_positions", nowrap=True),
    kit.column("Action", _actions),
]


def copies_page() -> rx.Component:
    """The signed-in member's copies."""
    return stacked_page(
        "My copies",
        header(
            "My copies",
            "Traders you copy with virtual cash from your paper portfolio.",
            kit.link_button("Paper portfolio", "/trading/portfolio", variant="soft"),
            kit.link_button("Market", "/trading", variant="soft"),
        ),
        disclosure(),
        kit.section(
            "Copies",
            kit.when_any(
                S.copies,
                kit.data_table(S.copies, COPY_COLUMNS),
                "You copy nobody yet: open a trader's signal chain to copy them.",
            ),
        ),
    )
