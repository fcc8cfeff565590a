""" "Simulate this copy": a leader's committed history replayed with a given allocation and stop.

The replay follows real copy trading's rules (``fanout.py``): each sealed signal opens, at its
commitment time, a position worth the signal's size share of the copy's equity then, at the
feed's price at that moment moved against the copier by the paper slippage, paying the paper
fee; it closes at the leader's feed-decided outcome price, paying the fee again; a position
too large for the copy's free cash is skipped. The copy stop is checked at each day's close
on the feed's prices (the live copy checks each minute, so it may stop a little earlier).

No look-ahead: a signal is read only from its commitment time on (its price is the feed's at
that time, its outcome only once it happened, within the period), a signal still in its
edit grace period is left out, and the equity curve before a signal shows nothing of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from itertools import pairwise
from operator import itemgetter
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, col, select

from aixplore.core.errors import NotFound, ValidationFailed
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import User
from aixplore.domain.trading import metrics
from aixplore.domain.trading.copying import MAX_ALLOCATION, MIN_ALLOCATION, _stop_bp
from aixplore.domain.trading.fanout import position_value
from aixplore.domain.trading.feed import PriceFeed, get_feed
from aixplore.domain.trading.instruments import QTY_SCALE, money, parse_decimal, to_micros
from aixplore.domain.trading.instruments import value_micros as value_of
from aixplore.domain.trading.models import Direction, SignalStatus, TradingSignal
from aixplore.domain.trading.portfolio import SLIPPAGE_BP, fee_of
from aixplore.domain.trading.signals import EDIT_GRACE

PERIODS = {"1m": 30, "3m": 91, "1y": 365, "5y": 1826}
DAY = timedelta(days=1)


class SimulationResult(BaseModel):
    """What a copy of the leader would have made over the period (virtual dollars)."""

    start: datetime
    end: datetime
    allocation: str
    final_equity: str
    pnl: str
    total_return: str
    sharpe: str
    sortino: str
    max_drawdown: str
    win_rate: str
    copied: int
    skipped: int
    stopped: str
    curve: list[tuple[datetime, int]]
    final_micros: int


@dataclass
class _Held:
    instrument: str
    direction: Direction
    quantity: int
    cost: int
    fee: int


@dataclass
class _Replay:
    """The copy as the replay runs: its cash, positions, curve and closed results."""

    cash: int
    held: dict[int, _Held]
    curve: list[tuple[datetime, int]]
    results: list[int]
    copied: int = 0
    skipped: int = 0
    stopped_at: datetime | None = None


def _equity(state: _Replay, feed: PriceFeed, at: datetime, prices: dict[str, int]) -> int:
    total = state.cash
    for h in state.held.values():
        if h.instrument not in prices:
            quote = feed.last_price(h.instrument, at)
            prices[h.instrument] = quote.price if quote else 0
        price = prices[h.instrument]
        total += position_value(h.direction, h.quantity, h.cost, price) if price else h.cost
    return total


def _close(state: _Replay, signal_id: int, price: int) -> None:
    h = state.held.pop(signal_id)
    value = position_value(h.direction, h.quantity, h.cost, price)
    fee = fee_of(value_of(price, h.quantity))
    state.cash += value - fee
    state.results.append(value - fee - h.cost - h.fee)


def _open(state: _Replay, signal: Any, feed: PriceFeed) -> None:
    at = signal.committed_at
    quote = feed.last_price(signal.instrument, at)
    if quote is None:
        state.skipped += 1
        return
    moved = quote.price * SLIPPAGE_BP // 10_000
    price = quote.price + moved if signal.direction == Direction.LONG else quote.price - moved
    equity = _equity(state, feed, at, {})
    quantity = equity * signal.size_bp // 10_000 * QTY_SCALE // price
    value = value_of(price, quantity)
    fee = fee_of(value)
    if quantity <= 0 or value + fee > state.cash:
        state.skipped += 1
        return
    state.cash -= value + fee
    state.held[signal.id or 0] = _Held(signal.instrument, signal.direction, quantity, value, fee)
    state.copied += 1


def replay(
    signals: Sequence[Any],
    allocation: int,
    stop_bp: int,
    start: datetime,
    end: datetime,
    feed: PriceFeed,
) -> _Replay:
    """Run the copy over ``start`` to ``end`` on signals committed in that span (signals or
    rows with their id, instrument, direction, size, commitment time and outcome)."""
    events: list[tuple[datetime, int, int, Any]] = []
    for s in signals:
        if not start <= s.committed_at <= end:
            continue
        events.append((s.committed_at, 1, s.id or 0, s))
        if s.status != SignalStatus.OPEN and s.outcome_at and s.outcome_at <= end:
            events.append((s.outcome_at, 0, s.id or 0, s))
    mark = datetime.combine(start.date(), datetime.min.time(), start.tzinfo) + DAY
    while mark < end:
        events.append((mark, 2, 0, None))
        mark += DAY
    events.append((end, 2, 0, None))
    events.sort(key=itemgetter(0, 1, 2))
    state = _Replay(cash=allocation, held={}, curve=[(start, allocation)], results=[])
    floor = allocation * (10_000 - stop_bp) // 10_000
    for at, kind, signal_id, signal in events:
        if kind == 0 and signal_id in state.held and signal and signal.outcome_price:
            _close(state, signal_id, signal.outcome_price)
        elif kind == 1 and signal and state.stopped_at is None:
            _open(state, signal, feed)
        elif kind == 2:
            prices: dict[str, int] = {}
            equity = _equity(state, feed, at, prices)
            if state.stopped_at is None and state.held and equity <= floor:
                for held_id in list(state.held):
                    price = prices.get(state.held[held_id].instrument) or 0
                    _close(state, held_id, price or state.held[held_id].cost)
                state.stopped_at, equity = at, state.cash
            state.curve.append((at, equity))
    return state


def _parse(data: Any) -> tuple[int, int, str]:
    if not isinstance(data, dict):
        raise ValidationFailed("Fill in the simulation form.")
    allocation = to_micros(parse_decimal(data.get("allocation"), "Allocation", field="allocation"))
    if not MIN_ALLOCATION <= allocation <= MAX_ALLOCATION:
        raise ValidationFailed(
            f"Simulate between {money(MIN_ALLOCATION)} and {money(MAX_ALLOCATION)}.",
            field="allocation",
        )
    period = data.get("period", "3m")
    if not isinstance(period, str) or period not in PERIODS:
        raise ValidationFailed("Choose a period: 1m, 3m, 1y or 5y.", field="period")
    return allocation, _stop_bp(data.get("stop_percent")), period


def _signed(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:+.{digits}f}"


def simulate_copy(
    session: Session,
    leader_id: Any,
    data: Any,
    *,
    feed: PriceFeed | None = None,
    now: datetime | None = None,
) -> SimulationResult:
    """What copying ``leader_id`` with ``data`` (allocation, stop, period) would have made."""
    feed, now = feed or get_feed(), now or utcnow()
    if (
        isinstance(leader_id, bool)
        or not isinstance(leader_id, int)
        or not 0 < leader_id < 2**31
        or session.get(User, leader_id) is None
    ):
        raise NotFound("No such trader.")
    allocation, stop_bp, period = _parse(data)
    start = now - timedelta(days=PERIODS[period])
    sealed = now - EDIT_GRACE  # a signal still open to edits is not history yet
    # Only the columns the replay reads, as plain rows: building ORM objects for a leader's
    # five years of signals cost more than the replay itself.
    signals = list(
        session.exec(
            select(  # type: ignore[call-overload]
                TradingSignal.id,
                TradingSignal.instrument,
                TradingSignal.direction,
                TradingSignal.size_bp,
                TradingSignal.committed_at,
                TradingSignal.status,
                TradingSignal.outcome_at,
                TradingSignal.outcome_price,
            )
            .where(
                TradingSignal.trader_id == leader_id,
                col(TradingSignal.committed_at) >= start,
                col(TradingSignal.committed_at) <= sealed,
                col(TradingSignal.created_at) <= sealed,
            )
            .order_by(col(TradingSignal.committed_at), col(TradingSignal.id))
        ).all()
    )
    state = replay(signals, allocation, stop_bp, start, now, feed)
    return result_of(state, allocation, start, now)


def result_of(state: _Replay, allocation: int, start: datetime, end: datetime) -> SimulationResult:
    """A replay's figures: the metrics of its daily equity, as on the leaderboard."""
    values = [v for _, v in state.curve]
    returns = [b / a - 1 if a else 0.0 for a, b in pairwise(values)]
    final = values[-1]
    wins = [r for r in state.results if r > 0]
    return SimulationResult(
        start=start,
        end=end,
        allocation=money(allocation),
        final_equity=money(final),
        pnl=money(final - allocation),
        total_return=f"{Decimal(final - allocation) * 100 / allocation:+.2f} %",
        sharpe=_signed(metrics.sharpe_ratio(returns)),
        sortino=_signed(metrics.sortino_ratio(returns)),
        max_drawdown=f"{metrics.max_drawdown(returns) * 100:.1f} %",
        win_rate=f"{len(wins) * 100 / len(state.results):.0f} %" if state.results else "—",
        copied=state.copied,
        skipped=state.skipped,
        stopped=(
            f"The copy stop closed the copy on {state.stopped_at:%d %b %Y}."
            if state.stopped_at
            else ""
        ),
        curve=state.curve,
        final_micros=final,
    )
