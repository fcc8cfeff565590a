"""/trading/leaderboard, and a trader's card and "Simulate this copy" on their chain page."""

from __future__ import annotations

from typing import Any

import reflex as rx

from aixplore.domain.trading.board import PAGE_SIZE
from aixplore.domain.trading.copying import MAX_ALLOCATION, MIN_ALLOCATION
from aixplore.domain.trading.instruments import money
from aixplore.domain.trading.leaderboard import (
    DRAWDOWN_PENALTY,
    MIN_RANK_DECIDED,
    PERIOD_NAMES,
    RESAMPLES,
)
from aixplore.web import kit
from aixplore.web.cards.components import trader_face
from aixplore.web.layout import stacked_page
from aixplore.web.trading.board_state import RISK_CHOICES, LeaderboardState, TraderState
from aixplore.web.trading.market_pages import GRAY, disclosure, header, svg_chart

B, T = LeaderboardState, TraderState


def _signed(value: Any, rising: Any) -> rx.Component:
    return rx.text(
        value,
        color=rx.cond(rising, rx.color("grass", 11), rx.color("red", 11)),
        white_space="nowrap",
    )


BOARD_COLUMNS = [
    kit.column(
        "Trader",
        lambda e: rx.hstack(
            rx.text("#" + e["rank"].to(str), weight="bold"),
            rx.link(e["name"], href=e["href"], weight="medium"),
            spacing="2",
            align="baseline",
        ),
        label_on_phone=False,
        min_width="150px",
    ),
    kit.column("Return", lambda e: _signed(e["total_return"], e["rising"])),
    kit.column(
        "Sharpe (90 % band)",
        lambda e: rx.vstack(
            rx.text(e["sharpe"], weight="medium"),
            rx.text(e["sharpe_band"], size="1", color=GRAY, white_space="nowrap"),
            spacing="0",
        ),
    ),
    kit.column("Sortino", "sortino", nowrap=True),
    kit.column("Max drawdown", "max_drawdown", nowrap=True),
    kit.column("Win rate", "win_rate", nowrap=True),
    kit.column("Average hold", "avg_hold", nowrap=True),
    kit.column("Risk", lambda e: rx.text(e["risk"].to(str) + " / 10"), nowrap=True),
    kit.column("Record", "record", nowrap=True),
    kit.column(
        "Copy",
        lambda e: rx.cond(
            e["copyable"],
            rx.badge("Copyable", color_scheme="grass"),
            rx.badge("Not eligible", color_scheme="gray"),
        ),
    ),
]


def _filters() -> rx.Component:
    return kit.form(
        rx.flex(
            kit.native_select(
                "Period",
                "period",
                [(k, v) for k, v in PERIOD_NAMES.items()],
                select_id="board-period",
                default_value="3m",
                label_width="auto",
            ),
            kit.native_select(
                "Risk score",
                "max_risk",
                RISK_CHOICES,
                select_id="board-risk",
                default_value="10",
                label_width="auto",
            ),
            kit.checkbox("Only traders I can copy", "copyable"),
            rx.button("Show", type="submit", variant="soft"),
            spacing="4",
            wrap="wrap",
            align="center",
        ),
        on_submit=B.apply,
        error=B.error,
        max_width=None,
    )


def leaderboard_page() -> rx.Component:
    """Traders ranked on their verified, feed-decided records."""
    return stacked_page(
        "Leaderboard",
        header(
            "Leaderboard",
            "Traders ranked on their verified records: every outcome decided by the price feed, "
            "never reported by the trader.",
            kit.link_button("Market", "/trading", variant="soft"),
            kit.link_button("My copies", "/trading/copies", variant="soft"),
        ),
        disclosure(),
        kit.section(
            "Filters",
            _filters(),
            kit.note(
                f"Ranked on the low end of the Sharpe ratio's 90 % bootstrap band ({RESAMPLES} "
                f"resamples of the daily returns) minus {DRAWDOWN_PENALTY:g} × the max "
                f"drawdown, so a short lucky run does not top the board. A trader is ranked "
                f"with a record of 30 days and {MIN_RANK_DECIDED} decided signals in the "
                "period. Risk score 1-10 from the annual volatility (over 80 %) and max "
                "drawdown (over 50 %), the larger one."
            ),
        ),
        kit.section(
            "Ranked traders",
            rx.text(
                B.ranked,
                " ranked, ",
                B.unranked,
                " not ranked yet",
                rx.cond(B.computed != "", " · computed " + B.computed, ""),
                size="2",
                color=GRAY,
            ),
            kit.when_any(
                B.entries,
                kit.data_table(B.entries, BOARD_COLUMNS),
                rx.cond(
                    B.computed != "",
                    "Nobody meets these filters yet.",
                    "The leaderboard is computed every 15 minutes: it has not run yet.",
                ),
            ),
            rx.flex(
                rx.cond(
                    B.page > 0,
                    rx.button("Previous page", on_click=B.turn(False), variant="soft"),
                ),
                rx.cond(B.has_more, rx.button("Next page", on_click=B.turn(True), variant="soft")),
                spacing="2",
            ),
            kit.note(f"{PAGE_SIZE} traders a page."),
        ),
    )


def trader_card_face(card: Any = None) -> rx.Component:
    """The trader's card drawn with the showroom's HTML and CSS (its foil from the record);
    ``card`` is a state's card (``board_state.card_row``), the trader page's by default."""
    c = T.card if card is None else card
    return trader_face(
        c, role="img", aria_label="Trader card of " + c["name"].to(str) + ", " + c["rarity"].to(str)
    )


def _result(label: str, key: str) -> rx.Component:
    return kit.tile(
        rx.text(label, size="1", color=GRAY),
        rx.text(T.result[key].to(str), size="4", weight="bold"),
        spacing="1",
    )


def simulate_section() -> rx.Component:
    """What copying this trader would have made over a past period."""
    return kit.section(
        "Simulate this copy",
        kit.form(
            # Names of their own: the copy form below has an allocation and a stop too, and
            # two inputs with one id would give both labels to the first.
            kit.field(
                "Amount to simulate (virtual dollars)",
                "sim_allocation",
                max_length=20,
                default_value="10000",
                hint=f"{money(MIN_ALLOCATION)} to {money(MAX_ALLOCATION)}",
            ),
            kit.field(
                "Simulated copy stop (% drawdown)",
                "sim_stop_percent",
                max_length=6,
                default_value="40",
            ),
            kit.native_select(
                "Period",
                "period",
                [("1m", "1 month"), ("3m", "3 months"), ("1y", "1 year"), ("5y", "5 years")],
                select_id="simulate-period",
                default_value="3m",
            ),
            on_submit=T.simulate,
            submit="Simulate",
            error=T.error,
        ),
        kit.note(
            "Replays the trader's sealed signals from each one's commitment time, with copy "
            "trading's sizing (the signal's share of the copy's equity), 0.05 % slippage and "
            "0.10 % fees; the copy stop is checked at each day's close."
        ),
        rx.cond(
            T.result.length() > 0,  # pyright: ignore[reportAttributeAccessIssue]
            rx.vstack(
                rx.text("Simulated " + T.result["span"].to(str), size="2", color=GRAY),
                rx.grid(
                    _result("Final equity", "final_equity"),
                    _result("Return", "total_return"),
                    _result("Sharpe", "sharpe"),
                    _result("Sortino", "sortino"),
                    _result("Max drawdown", "max_drawdown"),
                    _result("Win rate", "win_rate"),
                    columns=rx.breakpoints(initial="2", md="3"),
                    spacing="3",
                    width="100%",
                ),
                rx.text(
                    T.result["copied"].to(str)
                    + " positions copied, "
                    + T.result["skipped"].to(str)
                    + " skipped. "
                    + T.result["stopped"].to(str),
                    size="2",
                ),
                svg_chart(T.curve, "Equity of the simulated copy, day by day"),
                spacing="3",
                width="100%",
            ),
        ),
    )


def trader_panel() -> rx.Component:
    """The trader's card beside the simulation, on their chain page."""
    return rx.grid(
        kit.section(
            "Trader card",
            rx.el.div(trader_card_face(), style={"width": "min(260px, 100%)"}),
            rx.text(
                "Rarity from the verified all-time record: its rank and Sharpe band.",
                size="1",
                color=GRAY,
            ),
        ),
        simulate_section(),
        columns=rx.breakpoints(initial="1", md="300px minmax(0, 1fr)"),
        spacing="4",
        width="100%",
    )
