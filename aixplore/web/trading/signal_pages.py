"""The signal form, a signal's page and a trader's public chain page."""

from __future__ import annotations

from typing import Any

import reflex as rx

from aixplore.web import kit
from aixplore.web.layout import found_page, stacked_page
from aixplore.web.trading.board_pages import trader_panel
from aixplore.web.trading.copy_pages import copy_form
from aixplore.web.trading.market_pages import GRAY, disclosure, header, price_label
from aixplore.web.trading.price_chart import price_chart
from aixplore.web.trading.state import (
    INSTRUMENT_OPTIONS,
    ChainState,
    SignalFormState,
    SignalPageState,
)

F, S, C = SignalFormState, SignalPageState, ChainState


def _levels(values: dict[str, Any]) -> list[rx.Component]:
    return [
        kit.native_select(
            "Direction",
            "direction",
            [("long", "Long"), ("short", "Short")],
            select_id="signal-direction",
            default_value=values.get("direction", "long"),
        ),
        kit.field(
            "Entry",
            "entry",
            max_length=30,
            default_value=values.get("entry"),
            hint="Within 5 % of the last price",
        ),
        kit.field(
            "Stop-loss",
            "stop_loss",
            max_length=30,
            default_value=values.get("stop_loss"),
            hint="Below the entry for a long, above for a short",
        ),
        kit.field(
            "Take-profit", "take_profit", max_length=30, default_value=values.get("take_profit")
        ),
        kit.field(
            "Size (% of the portfolio)",
            "size_percent",
            max_length=10,
            default_value=values.get("size_percent"),
            hint="At most 100",
        ),
        kit.text_area_field(
            "Rationale (Markdown)", "rationale", rows=5, default_value=values.get("rationale")
        ),
    ]


def signal_form_page() -> rx.Component:
    """Publish a signal: it is dated by the server and chained; 5 minutes to fix it, then sealed."""
    return stacked_page(
        "Publish a signal",
        kit.page_header(
            "Publish a signal",
            subtitle="Dated by the server, hashed and chained to your previous signals. You can correct it for 5 minutes; then it never changes, and its outcome comes from the price feed.",
        ),
        kit.section(
            "Your signal",
            rx.text(F.hint, size="2", color=GRAY),
            kit.form(
                kit.native_select(
                    "Instrument",
                    "instrument",
                    [(a, b) for a, b in INSTRUMENT_OPTIONS],
                    select_id="signal-instrument",
                    default_value="BTC/USD",
                ),
                *_levels({}),
                on_submit=F.publish,
                submit="Publish signal",
                error=F.error,
            ),
        ),
        column_width="720px",
    )


def _fact(label: str, value: Any) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", color=GRAY), rx.text(value, weight="medium"), spacing="0"
    )


def _signal() -> list[rx.Component]:
    s = S.signal
    return [
        header(
            s["instrument"].to(str) + " " + s["direction"].to(str),
            rx.hstack(
                rx.text(
                    "Signal #" + s["seq"].to(str) + " by @" + S.handle + " · " + s["when"].to(str),
                    color=GRAY,
                ),
                price_label(S.feed_label),
                wrap="wrap",
                spacing="2",
            ),
            kit.link_button("Verify the chain", "/traders/" + S.handle + "/chain", variant="soft"),
        ),
        rx.grid(
            _fact("Entry", s["entry"]),
            _fact("Stop-loss", s["stop_loss"]),
            _fact("Take-profit", s["take_profit"]),
            _fact("Size", s["size_percent"].to(str) + " %"),
            _fact("Outcome", s["status_text"]),
            rx.cond(
                s["outcome_when"] != "",
                _fact("Outcome at", s["outcome_when"].to(str) + " · " + s["outcome_price"].to(str)),
            ),
            columns=rx.breakpoints(initial="2", md="6"),
            spacing="3",
            width="100%",
        ),
        kit.section(
            "Chart",
            price_chart(
                S.chart,
                S.chart_data,
                "Entry (blue), stop-loss (red) and take-profit (green) over the last day, the "
                "signal marked where it was committed",
                S.chart_summary,
                "signal",
            ),
        ),
        kit.section(
            "Rationale",
            rx.box(rx.html(s["rationale_html"].to(str)), class_name="prose", width="100%"),
        ),
        kit.section(
            "Commitment",
            rx.text(
                "SHA-256 of this signal's canonical JSON, chained to the trader's previous signal:",
                size="2",
                color=GRAY,
            ),
            rx.code(s["hash"].to(str), style={"overflowWrap": "anywhere"}),
        ),
        rx.cond(
            s["editable"],
            kit.section(
                "Correct this signal",
                rx.text(
                    "Until " + s["until"].to(str) + ". Each change is re-hashed with a new time.",
                    size="2",
                    color=GRAY,
                ),
                kit.form(
                    *_levels(
                        {
                            "direction": s["direction"],
                            "entry": s["raw_entry"],
                            "stop_loss": s["raw_stop"],
                            "take_profit": s["raw_target"],
                            "size_percent": s["size_percent"],
                            "rationale": s["rationale"],
                        }
                    ),
                    on_submit=S.save,
                    submit="Save changes",
                    error=S.error,
                    key=s["hash"].to(str),
                ),
            ),
        ),
    ]


def signal_page() -> rx.Component:
    """One signal, public."""
    return found_page(
        "Signal",
        ~S.missing,
        kit.not_found(
            "No such signal", "This signal does not exist.", kit.link_button("Trading", "/trading")
        ),
        disclosure(),
        *_signal(),
    )


def _entry(e: Any) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(
                    rx.link("Signal #" + e["seq"].to(str), href=e["href"]), as_="h2", size="3"
                ),
                rx.cond(
                    e["problems"].to(list).length() == 0,
                    rx.badge(
                        rx.icon("circle_check", size=14, aria_hidden="true"),
                        "Verified",
                        color_scheme="grass",
                    ),
                    rx.badge(
                        rx.icon("circle_x", size=14, aria_hidden="true"),
                        "Broken",
                        color_scheme="red",
                    ),
                ),
                rx.text(e["when"], size="1", color=GRAY),
                wrap="wrap",
                align="center",
            ),
            rx.foreach(
                e["problems"].to(list[str]),
                lambda p: rx.callout(
                    p, icon="triangle_alert", color_scheme="red", size="1", width="100%"
                ),
            ),
            rx.text("Canonical JSON (RFC 8785)", size="1", color=GRAY),
            rx.el.pre(
                e["canonical"],
                custom_attrs={
                    "data-canonical": "1",
                    "data-hash": e["stored_hash"],
                    "data-seq": e["seq"],
                },
                tab_index=0,
                aria_label="Canonical JSON of signal #" + e["seq"].to(str),
                style={
                    "whiteSpace": "pre-wrap",
                    "overflowWrap": "anywhere",
                    "fontSize": "12px",
                    "margin": "0",
                    "padding": "8px",
                    "background": "var(--gray-a3)",
                    "borderRadius": "6px",
                    "width": "100%",
                },
            ),
            rx.text(
                "Stored hash: ",
                rx.code(e["stored_hash"]),
                size="1",
                style={"overflowWrap": "anywhere"},
            ),
            rx.text(
                "Re-computed: ",
                rx.code(e["computed_hash"]),
                size="1",
                style={"overflowWrap": "anywhere"},
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
    )


def chain_page() -> rx.Component:
    """A trader's signals as a hash chain anyone can re-compute."""
    return found_page(
        "Signal chain",
        ~C.missing,
        kit.not_found(
            "No such trader", "Nobody has this handle.", kit.link_button("Trading", "/trading")
        ),
        header(
            "Signal chain of " + C.name,
            "Each signal's SHA-256 over its canonical JSON (RFC 8785) includes the previous signal's hash, so no signal can be changed, removed or back-dated without breaking the chain.",
            rx.button("Re-compute in this browser", on_click=C.check_in_browser, variant="soft"),
        ),
        disclosure(),
        rx.cond(
            C.intact,
            rx.callout(
                "Chain verified: every hash matches and links to the one before it.",
                icon="shield_check",
                color_scheme="grass",
                role="status",
                width="100%",
            ),
            rx.callout(
                "Chain broken: a signal was changed, removed or back-dated after publishing.",
                icon="shield_alert",
                color_scheme="red",
                role="alert",
                width="100%",
            ),
        ),
        rx.foreach(
            C.problems,
            lambda p: rx.callout(p, icon="triangle_alert", color_scheme="red", width="100%"),
        ),
        rx.cond(
            C.browser_result != "",
            rx.callout(C.browser_result, icon="cpu", role="status", width="100%"),
        ),
        kit.when_any(
            C.entries,
            rx.vstack(rx.foreach(C.entries, _entry), spacing="3", width="100%"),
            "No signals yet.",
        ),
        trader_panel(),
        copy_form(),
        # The column width of a text page (stacked_page's column_width).
        style={"maxWidth": "900px"},
    )
