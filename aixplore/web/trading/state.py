"""Trading pages' state: the market, the paper portfolio, the signal form and page.

Every handler is a public endpoint: who acts comes from the session (``current_actor``),
arguments are checked by the domain services, and a portfolio is always the actor's own.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import reflex as rx

from aixplore.core.db import session_scope
from aixplore.core.errors import DomainError
from aixplore.domain.social.handles import ensure_profile, resolve_handle
from aixplore.domain.social.people import person_cards
from aixplore.domain.trading import chain, market, portfolio, signals
from aixplore.domain.trading.feed import get_feed
from aixplore.domain.trading.instruments import BY_SYMBOL, INSTRUMENTS, get_instrument, plain
from aixplore.domain.trading.models import SignalPublic
from aixplore.web.feedback import answer_error, pick, toast_ok
from aixplore.web.session import current_actor
from aixplore.web.trading.board_state import page_handle
from aixplore.web.trading.charts import candle_svg, chart_data, chart_summary, line_svg

ORDER_FIELDS = ("instrument", "side", "type", "quantity", "limit_price")
SIGNAL_FIELDS = (
    "instrument",
    "direction",
    "entry",
    "stop_loss",
    "take_profit",
    "size_percent",
    "rationale",
)
INSTRUMENT_OPTIONS = [[i.symbol, f"{i.symbol} · {i.name}"] for i in INSTRUMENTS]


def _chart(
    symbol: str,
    levels: list[tuple[int, str, str]] | None = None,
    marks: list[tuple[datetime, str]] | None = None,
) -> tuple[str, dict[str, Any], str]:
    """The SVG, the canvas chart's data and the text summary of ``symbol``'s last day."""
    candles = market.chart_candles(symbol)
    label = f"{symbol} candlesticks over the last day, 15-minute candles, {get_feed().label}"
    data = chart_data(candles, levels or [], marks or [])
    summary = chart_summary(candles, len(data["markers"]))
    return candle_svg(candles, label, levels or []), data, summary


def signal_row(s: SignalPublic) -> dict[str, Any]:
    """A signal as a list row."""
    return {
        "id": s.id,
        "title": f"{s.instrument} {s.direction}",
        "detail": f"entry {s.entry} · stop {s.stop_loss} · target {s.take_profit} · {s.size_percent} %",
        "status": s.status.replace("_", " "),
        "when": s.committed_at.strftime("%d %b %Y, %H:%M UTC"),
        "href": f"/trading/signals/{s.id}",
    }


class MarketState(rx.State):
    """/trading: instruments with their last price, one instrument's chart, latest signals."""

    rows: list[dict[str, Any]] = []
    symbol: str = INSTRUMENTS[0].symbol
    chart: str = ""
    chart_data: dict[str, Any] = {}
    chart_summary: str = ""
    latest: list[dict[str, Any]] = []
    feed_label: str = ""
    # The newest signals' (time, instrument, direction): markers on the chosen chart.
    _marks: list[tuple[datetime, str, str]] = []

    def _draw(self) -> None:
        marks = [(at, d) for at, symbol, d in self._marks if symbol == self.symbol]
        self.chart, self.chart_data, self.chart_summary = _chart(self.symbol, marks=marks)

    @rx.event
    async def load(self):
        """Read the market and the newest signals."""
        actor = await current_actor(self)
        self.rows = [r.model_dump() for r in market.list_market()]
        self.feed_label = get_feed().label
        with session_scope() as db:
            newest = signals.list_signals(db, actor, limit=10)
        self.latest = [signal_row(s) for s in newest]
        self._marks = [(s.committed_at, s.instrument, s.direction) for s in newest]
        self._draw()

    @rx.event
    def choose(self, symbol: Any):
        """Chart another listed instrument."""
        try:
            self.symbol = get_instrument(symbol).symbol
        except DomainError as exc:
            return answer_error(exc)
        self._draw()
        return None

    @rx.var
    def stale_notes(self) -> list[str]:
        """What the feed cannot be trusted for now (shown above the list)."""
        return [r["problem"] for r in self.rows if r["problem"]]


class PortfolioState(rx.State):
    """/trading/portfolio: the signed-in member's paper portfolio and its orders."""

    figures: dict[str, str] = {}
    positions: list[dict[str, Any]] = []
    orders: list[dict[str, Any]] = []
    curve: str = ""
    problems: list[str] = []
    error: str = ""
    form_key: int = 0

    async def _read(self):
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                shown = portfolio.get_my_portfolio(db, actor)
        except DomainError as exc:
            return answer_error(exc, next_path="/trading/portfolio")
        self.figures = {
            "cash": shown.cash,
            "equity": shown.equity,
            "realized": shown.realized,
            "unrealized": shown.unrealized,
            "return": shown.return_percent,
            "starting": shown.starting_cash,
            "label": shown.feed_label,
        }
        self.positions = [p.model_dump() for p in shown.positions]
        self.orders = [
            {
                **o.model_dump(exclude={"created_at"}),
                "when": o.created_at.strftime("%d %b, %H:%M UTC"),
            }
            for o in shown.orders
        ]
        self.curve = line_svg(shown.curve, "Equity curve of your paper portfolio")
        self.problems = shown.feed_problems
        return None

    @rx.event
    async def load(self):
        """Read the portfolio (opened with virtual cash on the first visit)."""
        self.error = ""
        return await self._read()

    @rx.event
    async def place(self, form: Any):
        """Place an order on the actor's own portfolio (there is no other to name)."""
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                order = portfolio.do_place_order(db, actor, pick(form, *ORDER_FIELDS))
        except DomainError as exc:
            self.error = exc.message
            return answer_error(exc, next_path="/trading/portfolio")
        self.error, self.form_key = "", self.form_key + 1
        await self._read()
        verb = "filled" if order.status == "filled" else "placed"
        return toast_ok(f"Order {verb}: {order.side} {order.quantity} {order.instrument}.")

    @rx.event
    async def cancel(self, order_id: Any):
        """Cancel one of the actor's open orders."""
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                portfolio.do_cancel_order(db, actor, order_id)
        except DomainError as exc:
            return answer_error(exc, next_path="/trading/portfolio")
        await self._read()
        return toast_ok("Order cancelled.")


class SignalFormState(rx.State):
    """/trading/signals/new: publish a signal."""

    error: str = ""
    hint: str = ""

    @rx.event
    async def load(self):
        """Show the last prices as a hint for the entry."""
        self.error = ""
        self.hint = "Last prices: " + ", ".join(
            f"{r.symbol} {r.last_price}" for r in market.list_market()
        )

    @rx.event
    async def publish(self, form: Any):
        """Publish as the signed-in trader; the server dates and chains it."""
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                published = signals.do_publish_signal(
                    db, actor, pick(form, *SIGNAL_FIELDS, "issued_at")
                )
        except DomainError as exc:
            self.error = exc.message
            return answer_error(exc, next_path="/trading/signals/new")
        self.error = ""
        return [
            toast_ok("Signal published and chained."),
            rx.redirect(f"/trading/signals/{published.id}"),
        ]


class SignalPageState(rx.State):
    """/trading/signals/<id>: a signal, its outcome, its hash; its trader may edit it briefly."""

    signal: dict[str, Any] = {}
    chart: str = ""
    chart_data: dict[str, Any] = {}
    chart_summary: str = ""
    handle: str = ""
    missing: bool = False
    error: str = ""
    feed_label: str = ""

    def _url_id(self) -> Any:
        raw = str(self.router.page.params.get("signal_id") or "")
        return int(raw) if raw.isdigit() and len(raw) <= 18 else raw

    async def _read(self, signal_id: Any):
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                shown = signals.get_signal(db, actor, signal_id)
                self.handle = ensure_profile(db, shown.trader_id).handle
        except DomainError:
            self.missing, self.signal, self.chart = True, {}, ""
            self.chart_data, self.chart_summary = {}, ""
            return
        self.missing, self.feed_label = False, get_feed().label
        self.signal = {
            **shown.model_dump(exclude={"committed_at", "editable_until", "outcome_at"}),
            "when": shown.committed_at.strftime("%d %b %Y, %H:%M:%S UTC"),
            "until": shown.editable_until.strftime("%H:%M:%S UTC"),
            "outcome_when": shown.outcome_at.strftime("%d %b %Y, %H:%M UTC")
            if shown.outcome_at
            else "",
            "status_text": shown.status.replace("_", " "),
            "raw_entry": plain(shown.levels[0]),
            "raw_stop": plain(shown.levels[1]),
            "raw_target": plain(shown.levels[2]),
        }
        names = [("entry", "#2563eb"), ("stop", "#dc2626"), ("target", "#16a34a")]
        levels = [(price, n, c) for price, (n, c) in zip(shown.levels, names, strict=True)]
        if shown.instrument in BY_SYMBOL:
            mark = [(shown.committed_at, shown.direction)]
            self.chart, self.chart_data, self.chart_summary = _chart(shown.instrument, levels, mark)
        else:
            self.chart, self.chart_data, self.chart_summary = "", {}, ""

    @rx.event
    async def load(self):
        """Read the signal in the URL."""
        self.error = ""
        await self._read(self._url_id())

    @rx.event
    async def save(self, form: Any):
        """Edit the signal in the URL (its trader only, within the grace period)."""
        actor = await current_actor(self)
        signal_id = self._url_id()
        data = pick(form, *SIGNAL_FIELDS)
        if isinstance(data, dict):
            data["instrument"] = self.signal.get("instrument", "")
        try:
            with session_scope() as db:
                signals.do_edit_signal(db, actor, signal_id, data)
        except DomainError as exc:
            self.error = exc.message
            return answer_error(exc, next_path="/trading")
        self.error = ""
        await self._read(signal_id)
        return toast_ok("Signal changed and re-hashed.")


BROWSER_CHECK = """
(async () => {
  const nodes = [...document.querySelectorAll('[data-canonical]')];
  let previous = '0'.repeat(64);
  const bad = [];
  for (const node of nodes) {
    const bytes = new TextEncoder().encode(node.textContent);
    const digest = await crypto.subtle.digest('SHA-256', bytes);
    const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
    let prev = '';
    try { prev = JSON.parse(node.textContent).prev_hash; } catch (e) { prev = ''; }
    if (hex !== node.dataset.hash || prev !== previous) bad.push(node.dataset.seq);
    previous = node.dataset.hash;
  }
  return nodes.length + ':' + bad.join(',');
})()
"""


class ChainState(rx.State):
    """/traders/<handle>/chain: a trader's signals re-computed, by the server and the browser."""

    name: str = ""
    handle: str = ""
    intact: bool = True
    entries: list[dict[str, Any]] = []
    problems: list[str] = []
    missing: bool = False
    browser_result: str = ""

    @rx.event
    async def load(self):
        """Re-compute the chain of the trader in the URL."""
        self.browser_result = ""
        raw = page_handle(self)
        try:
            with session_scope() as db:
                profile, _old = resolve_handle(db, raw)
                report = chain.verify_chain(db, profile.user_id)
                card = person_cards(db, {profile.user_id}).get(profile.user_id)
                self.name, self.handle = (card.name if card else profile.handle), profile.handle
        except DomainError:
            self.missing, self.entries, self.problems = True, [], []
            return
        self.missing, self.intact, self.problems = False, report.intact, report.problems
        self.entries = [
            {
                **e.model_dump(exclude={"committed_at"}),
                "when": e.committed_at.strftime("%d %b %Y, %H:%M:%S UTC"),
                "matches": e.stored_hash == e.computed_hash,
                "href": f"/trading/signals/{e.signal_id}",
            }
            for e in report.entries
        ]

    @rx.event
    def check_in_browser(self):
        """Ask the browser to re-compute every hash with SubtleCrypto."""
        return rx.call_script(BROWSER_CHECK, callback=ChainState.show_browser_result)

    @rx.event
    def show_browser_result(self, result: Any):
        """Say what the browser found ("<count>:<bad seqs>"); anything else is ignored."""
        text = str(result) if isinstance(result, str) else ""
        count, _, bad = text.partition(":")
        if (
            not count.isdigit()
            or len(text) > 2000
            or not all(p.isdigit() for p in bad.split(",") if p)
        ):
            return
        if not bad:
            self.browser_result = f"Your browser re-computed every hash ({count}) with SHA-256: each matches and links to the one before it."
        else:
            self.browser_result = (
                f"Your browser found a mismatch at signal #{bad.replace(',', ', #')}."
            )
