"""/trading (instruments, a chart, the newest signals) and /trading/portfolio (paper trading)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from aixplore.web import kit
from aixplore.web.layout import stacked_page
from aixplore.web.trading.copy_state import DISCLOSURE
from aixplore.web.trading.price_chart import price_chart
from aixplore.web.trading.state import INSTRUMENT_OPTIONS, MarketState, PortfolioState

M, P = MarketState, PortfolioState
GRAY = rx.color("gray", 11)


def price_label(label: Any) -> rx.Component:
    """The feed's name beside every price ("Simulated prices")."""
    return rx.badge(
        rx.icon("flask-conical", size=14, aria_hidden="true"),
        label,
        color_scheme="amber",
        variant="soft",
    )


def disclosure() -> rx.Component:
    """The hypothetical-results disclosure (on every page that shows results)."""
    return rx.callout(
        DISCLOSURE, icon="info", color_scheme="amber", high_contrast=True, size="1", width="100%"
    )


def header(title: Any, subtitle: Any, *actions: rx.Component) -> rx.Component:
    """The page's heading with its line under it, and its actions on a row of their own
    (beside a long subtitle they would squeeze it on a phone)."""
    return rx.vstack(
        kit.page_header(title, subtitle=subtitle),
        rx.flex(*actions, spacing="2", wrap="wrap"),
        spacing="3",
        width="100%",
    )


def stale_notes(notes: Any) -> rx.Component:
    """One warning per instrument whose feed is stale or jumping."""
    return rx.foreach(
        notes,
        lambda n: rx.callout(
            n, icon="triangle_alert", color_scheme="red", role="alert", width="100%"
        ),
    )


def svg_chart(svg: Any, caption: Any) -> rx.Component:
    """A server-drawn SVG chart with a caption."""
    return rx.el.figure(
        rx.html(svg),
        rx.el.figcaption(rx.text(caption, size="1", color=GRAY)),
        style={"width": "100%", "margin": "0"},
    )


def _instrument_row(r: Any) -> rx.Component:
    return rx.el.li(
        rx.button(
            rx.vstack(
                rx.text(r["symbol"], weight="bold"),
                rx.text(r["name"], size="1", color=GRAY),
                spacing="0",
                align="start",
                flex="1",
                min_width="0",
            ),
            rx.vstack(
                rx.text(r["last_price"], weight="medium", white_space="nowrap"),
                rx.text(
                    r["change_percent"],
                    size="1",
                    color=rx.cond(r["rising"], rx.color("grass", 11), rx.color("red", 11)),
                ),
                spacing="0",
                align="end",
            ),
            on_click=M.choose(r["symbol"]),
            variant=rx.cond(M.symbol == r["symbol"], "soft", "ghost"),
            width="100%",
            height="auto",
            padding="8px",
            margin="0",
            # Radix's ghost buttons are content-box: with width 100% their padding overflowed
            # the list, which showed on the highlighted row.
            box_sizing="border-box",
            aria_label=r["symbol"].to(str) + " " + r["last_price"].to(str),
        ),
        style={"listStyle": "none"},
    )


def trading_page() -> rx.Component:
    """The market: instruments, the chosen one's chart, the newest signals."""
    return stacked_page(
        "Trading",
        header(
            "Trading",
            rx.hstack(
                rx.text("Paper trading with virtual cash: no real money moves.", color=GRAY),
                price_label(M.feed_label),
                wrap="wrap",
                spacing="2",
            ),
            kit.link_button("Paper portfolio", "/trading/portfolio", variant="soft"),
            kit.link_button("Leaderboard", "/trading/leaderboard", variant="soft"),
            kit.link_button("Publish a signal", "/trading/signals/new"),
        ),
        stale_notes(M.stale_notes),
        rx.grid(
            kit.section(
                "Instruments",
                rx.el.ul(
                    rx.foreach(M.rows, _instrument_row),
                    style={"padding": "0", "margin": "0", "width": "100%"},
                ),
            ),
            kit.section(
                M.symbol,
                price_chart(
                    M.chart,
                    M.chart_data,
                    "15-minute candles and volume over the last day, the newest signals "
                    "marked · " + M.feed_label,
                    M.chart_summary,
                    "market",
                ),
            ),
            columns=rx.breakpoints(initial="1", md="300px minmax(0, 1fr)"),
            spacing="4",
            width="100%",
        ),
        kit.section(
            "Newest signals",
            kit.when_any(
                M.latest,
                rx.el.ul(
                    rx.foreach(
                        M.latest,
                        lambda s: kit.list_item(
                            kit.item_text(
                                rx.link(s["title"], href=s["href"]), s["detail"], s["when"]
                            ),
                            rx.badge(s["status"]),
                        ),
                    ),
                    class_name="item-list",
                ),
                "No signals yet.",
            ),
        ),
    )


ORDER_COLUMNS = [
    kit.column(
        "Order",
        lambda o: rx.text(
            o["side"].to(str) + " " + o["quantity"].to(str) + " " + o["instrument"].to(str),
            weight="medium",
        ),
        label_on_phone=False,
    ),
    kit.column(
        "Type",
        lambda o: (
            o["type"].to(str)
            + rx.cond(o["limit_price"] != "", " at " + o["limit_price"].to(str), "")
        ),
    ),
    kit.column(
        "Status",
        lambda o: rx.vstack(
            rx.badge(o["status"]),
            rx.cond(o["note"] != "", rx.text(o["note"], size="1")),
            spacing="1",
        ),
    ),
    kit.column("Fill", "fill_price", nowrap=True),
    kit.column("Fee", "fee", nowrap=True),
    kit.column("Placed", "when", nowrap=True),
    kit.column(
        "Action",
        lambda o: rx.cond(
            o["status"] == "open",
            rx.button(
                "Cancel",
                on_click=P.cancel(o["id"]),
                size="1",
                variant="soft",
                color_scheme="red",
                aria_label="Cancel order " + o["id"].to(str),
            ),
            "",
        ),
    ),
]
POSITION_COLUMNS = [
    kit.column(
        "Instrument", lambda p: rx.text(p["instrument"], weight="medium"), label_on_phone=False
    ),
    kit.column("Quantity", "quantity", nowrap=True),
    kit.column("Average price", "average_price", nowrap=True),
    kit.column("Last price", "last_price", nowrap=True),
    kit.column("Value", "value", nowrap=True),
    kit.column("Unrealized P&L", "unrealized", nowrap=True),
    kit.column("Realized P&L", "realized", nowrap=True),
]


def _figure(label: str, key: str) -> rx.Component:
    return kit.tile(
        rx.text(label, size="1", color=GRAY),
        rx.text(P.figures[key], size="5", weight="bold"),
        spacing="1",
    )


def _order_form() -> rx.Component:
    return kit.form(
        kit.native_select(
            "Instrument",
            "instrument",
            [(a, a) for a, _ in INSTRUMENT_OPTIONS],
            select_id="order-instrument",
            default_value="BTC/USD",
        ),
        kit.native_select(
            "Side",
            "side",
            [("buy", "Buy"), ("sell", "Sell")],
            select_id="order-side",
            default_value="buy",
        ),
        kit.native_select(
            "Type",
            "type",
            [("market", "Market"), ("limit", "Limit")],
            select_id="order-type",
            default_value="market",
        ),
        kit.field("Quantity", "quantity", max_length=30, hint="Units of the instrument, e.g. 0.5"),
        kit.field(
            "Limit price", "limit_price", required=False, max_length=30, hint="Limit orders only"
        ),
        on_submit=P.place,
        submit="Place order",
        error=P.error,
        key=P.form_key,
    )


def portfolio_page() -> rx.Component:
    """The signed-in member's paper portfolio."""
    return stacked_page(
        "Paper portfolio",
        header(
            "Paper portfolio",
            rx.hstack(
                rx.text("Virtual cash for practice: not ECE tokens, not real money.", color=GRAY),
                price_label(P.figures["label"]),
                wrap="wrap",
                spacing="2",
            ),
            kit.link_button("My copies", "/trading/copies", variant="soft"),
            kit.link_button("Market", "/trading", variant="soft"),
        ),
        disclosure(),
        stale_notes(P.problems),
        rx.grid(
            _figure("Virtual cash", "cash"),
            _figure("Equity", "equity"),
            _figure("Return", "return"),
            _figure("Realized P&L", "realized"),
            _figure("Unrealized P&L", "unrealized"),
            columns=rx.breakpoints(initial="2", md="5"),
            spacing="3",
            width="100%",
        ),
        rx.grid(
            kit.section(
                "Equity curve",
                svg_chart(
                    P.curve,
                    "Equity (virtual cash plus holdings at the last price) since "
                    + P.figures["starting"]
                    + " was opened",
                ),
            ),
            kit.section(
                "Place an order",
                _order_form(),
                kit.note(
                    "Market orders fill at the last price plus 0.05 % slippage (minus, for a sale); limit orders fill when the price reaches the limit. Each fill pays a 0.10 % fee. Nothing fills on a stale feed."
                ),
            ),
            columns=rx.breakpoints(initial="1", md="minmax(0, 1fr) 340px"),
            spacing="4",
            width="100%",
        ),
        kit.section(
            "Positions",
            kit.when_any(
                P.positions, kit.data_table(P.positions, POSITION_COLUMNS), "No positions yet."
            ),
        ),
        kit.section(
            "Orders",
            kit.when_any(P.orders, kit.data_table(P.orders, ORDER_COLUMNS), "No orders yet."),
        ),
    )
