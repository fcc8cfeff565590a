"""Copy positions: opened for every copier of a published signal in one set-based step,
closed with the leader's outcome, and a copy stopped when its drawdown reaches its stop.

Sizing is proportional: a copy position's value is the signal's size share of the copy's
equity (its cash plus its open positions at the last price) when it opens, at the last price
moved against the copier by the paper slippage, paying the paper fee (``portfolio.py``).
A short copy is valued as its entry value plus what the fall made: 2 x cost - value now.

Stale feed: a fan-out never fills on a stale or jumping price. It waits (the signal's
``copied_at`` stays empty and the minute job tries again); if the leader's signal gets an
outcome before the feed recovers, every copier gets a skipped position with a note saying
so. Copies close at the leader's outcome price (the feed decided it; copies follow it).
Idempotency: the signal's row is locked while its fan-out runs, copies that already hold a
position for it are left out, ``copied_at`` marks it done in the same unit of work, and
``copy_position`` is unique per copy and signal as the last guard.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import exists, insert, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from aixplore.core.time import utcnow
from aixplore.domain.notifications.services import notify
from aixplore.domain.trading.copy_models import (
    CopyPosition,
    CopyPositionStatus,
    CopyStatus,
    TradingCopy,
)
from aixplore.domain.trading.feed import PriceFeed, feed_problem, get_feed
from aixplore.domain.trading.instruments import QTY_SCALE, money, value_micros
from aixplore.domain.trading.models import Direction, PaperPortfolio, SignalStatus, TradingSignal
from aixplore.domain.trading.portfolio import SLIPPAGE_BP, ensure_portfolio, fee_of


def position_value(direction: Direction, quantity: int, cost: int, price: int) -> int:
    """What an open copy position is worth at ``price`` (a short gains as the price falls)."""
    now_value = value_micros(price, quantity)
    return now_value if direction == Direction.LONG else 2 * cost - now_value


def prices_now(feed: PriceFeed, instruments: set[str], now: datetime) -> dict[str, int]:
    """Trusted last prices of ``instruments``; those on a stale or jumping feed are left out."""
    found: dict[str, int] = {}
    for symbol in instruments:
        quote = feed.last_price(symbol, now)
        if quote is not None and not feed_problem(quote, now):
            found[symbol] = quote.price
    return found


def _held_value(session: Session, copy_ids: Any, feed: PriceFeed, now: datetime) -> dict[int, int]:
    """Each copy's open positions at the last price (the entry value where there is none)."""
    rows = session.execute(
        sa_select(
            col(CopyPosition.copy_id),
            col(CopyPosition.instrument),
            col(CopyPosition.direction),
            col(CopyPosition.quantity),
            col(CopyPosition.cost),
        ).where(
            col(CopyPosition.status) == CopyPositionStatus.OPEN,
            col(CopyPosition.copy_id).in_(copy_ids),
        )
    ).all()
    prices: dict[str, int | None] = {}
    held: dict[int, int] = {}
    for copy_id, symbol, direction, quantity, cost in rows:
        if symbol not in prices:
            quote = feed.last_price(symbol, now)
            prices[symbol] = quote.price if quote else None
        price = prices[symbol]
        value = cost if price is None else position_value(direction, quantity, cost, price)
        held[copy_id] = held.get(copy_id, 0) + value
    return held


def _open_for(
    session: Session,
    signal: TradingSignal,
    copies: list[tuple[int, int]],
    feed: PriceFeed,
    now: datetime,
    skip_note: str = "",
) -> int:
    """Open (or, with ``skip_note``, record as skipped) ``signal`` in each (copy id, cash)."""
    if not copies:
        return 0
    ids = select(TradingCopy.id).where(col(TradingCopy.id).in_([c for c, _ in copies]))
    held = _held_value(session, ids, feed, now) if not skip_note else {}
    price = 0
    if not skip_note:
        quote = feed.last_price(signal.instrument, now)
        assert quote is not None
        moved = quote.price * SLIPPAGE_BP // 10_000
        price = quote.price + moved if signal.direction == Direction.LONG else quote.price - moved
    rows: list[dict[str, Any]] = []
    opened = 0
    for copy_id, cash in copies:
        quantity = value = fee = 0
        note = skip_note
        if not note:
            equity = cash + held.get(copy_id, 0)
            quantity = equity * signal.size_bp // 10_000 * QTY_SCALE // price
            value = value_micros(price, quantity)
            fee = fee_of(value)
            if quantity <= 0 or value + fee > cash:
                note = "Not copied: the copy's free cash was too small for this position."
        filled = not note
        opened += filled
        rows.append(
            {
                "copy_id": copy_id,
                "signal_id": signal.id,
                "instrument": signal.instrument,
                "status": (CopyPositionStatus.OPEN if filled else CopyPositionStatus.SKIPPED).value,
                "direction": signal.direction.value,
                "quantity": quantity if filled else 0,
                "cost": value if filled else 0,
                "entry_price": price,
                "fee": fee if filled else 0,
                "pnl": 0,
                "opened_at": now,
                "note": note,
            }
        )
    # Set-based: one multi-row insert, then one update of every copy that paid for a position.
    session.connection().execute(insert(CopyPosition.__table__), rows)  # type: ignore[attr-defined]
    session.execute(
        update(TradingCopy)
        .where(
            col(TradingCopy.id) == col(CopyPosition.copy_id),
            col(CopyPosition.signal_id) == signal.id,
            col(CopyPosition.status) == CopyPositionStatus.OPEN,
            col(CopyPosition.copy_id).in_([c for c, _ in copies]),
        )
        .values(cash=col(TradingCopy.cash) - col(CopyPosition.cost) - col(CopyPosition.fee))
        .execution_options(synchronize_session=False)
    )
    return opened


def fan_out_signal(
    session: Session,
    signal_id: int,
    *,
    feed: PriceFeed | None = None,
    now: datetime | None = None,
) -> int:
    """Open ``signal_id`` in every active copy of its trader, once; returns positions opened."""
    feed, now = feed or get_feed(), now or utcnow()
    signal = session.get(TradingSignal, signal_id, with_for_update=True, populate_existing=True)
    if signal is None or signal.copied_at is not None:
        return 0
    decided = signal.status != SignalStatus.OPEN
    if not decided and feed_problem(feed.last_price(signal.instrument, now), now):
        return 0  # wait: the minute job tries again
    already = exists().where(
        col(CopyPosition.copy_id) == col(TradingCopy.id), col(CopyPosition.signal_id) == signal.id
    )
    copies = session.exec(
        select(TradingCopy.id, TradingCopy.cash)
        .where(
            TradingCopy.leader_id == signal.trader_id,
            TradingCopy.status == CopyStatus.ACTIVE,
            col(TradingCopy.created_at) <= signal.created_at,
            ~already,
        )
        .order_by(col(TradingCopy.id))
        .with_for_update()
    ).all()
    note = (
        "Not copied: the price feed was stale until the leader's signal closed." if decided else ""
    )
    opened = _open_for(session, signal, [(i or 0, c) for i, c in copies], feed, now, note)
    signal.copied_at = now
    session.add(signal)
    session.flush()
    return opened


def list_uncopied(session: Session, *, older_than_seconds: int = 30) -> list[int]:
    """Signals whose fan-out has not run yet (waiting on the feed, or lost to a crash)."""
    cutoff = utcnow() - timedelta(seconds=older_than_seconds)
    return [
        int(i or 0)
        for i in session.exec(
            select(TradingSignal.id)
            .where(col(TradingSignal.copied_at).is_(None), col(TradingSignal.created_at) < cutoff)
            .order_by(col(TradingSignal.id))
            .limit(500)
        ).all()
    ]


def open_existing(session: Session, copy: TradingCopy, *, feed: PriceFeed, now: datetime) -> int:
    """Copy the leader's open signals into a new copy ("copy open trades too")."""
    opened = 0
    signal_ids = session.exec(
        select(TradingSignal.id)
        .where(TradingSignal.trader_id == copy.leader_id, TradingSignal.status == SignalStatus.OPEN)
        .order_by(col(TradingSignal.id))
    ).all()
    for signal_id in signal_ids:
        signal = session.get(TradingSignal, signal_id, with_for_update=True)
        if signal is None or signal.status != SignalStatus.OPEN:
            continue
        problem = feed_problem(feed.last_price(signal.instrument, now), now)
        note = f"Not copied: {problem}" if problem else ""
        session.refresh(copy)
        opened += _open_for(session, signal, [(copy.id or 0, copy.cash)], feed, now, note[:300])
    session.refresh(copy)
    return opened


def close_position(copy: TradingCopy, position: CopyPosition, price: int, now: datetime) -> None:
    """Close ``position`` at ``price``: its value less the fee goes back to the copy's cash."""
    value = position_value(position.direction, position.quantity, position.cost, price)
    fee = fee_of(value_micros(price, position.quantity))
    copy.cash += value - fee
    position.pnl = value - fee - position.cost - position.fee
    position.fee += fee
    position.exit_price, position.closed_at = price, now
    position.status = CopyPositionStatus.CLOSED


def close_decided(session: Session, *, now: datetime | None = None) -> int:
    """Close copy positions whose leader's signal got an outcome, at its price; returns how many."""
    now = now or utcnow()
    rows = session.exec(
        select(CopyPosition.id, TradingSignal.outcome_price)
        .join(TradingSignal, col(TradingSignal.id) == CopyPosition.signal_id)
        .where(
            col(CopyPosition.status) == CopyPositionStatus.OPEN,
            TradingSignal.status != SignalStatus.OPEN,
        )
        .order_by(col(CopyPosition.copy_id))
    ).all()
    closed = 0
    for position_id, price in rows:
        position = session.get(CopyPosition, position_id)
        copy = position and session.get(TradingCopy, position.copy_id, with_for_update=True)
        if position is None or copy is None or price is None:
            continue
        session.refresh(position)
        if position.status != CopyPositionStatus.OPEN:
            continue
        close_position(copy, position, price, now)
        session.add_all([copy, position])
        closed += 1
    session.flush()
    return closed


def end_copy(
    session: Session,
    portfolio: PaperPortfolio,
    copy: TradingCopy,
    prices: dict[str, int],
    now: datetime,
    note: str,
) -> None:
    """Close every open position of ``copy`` at ``prices`` and give its equity back to cash."""
    for position in session.exec(
        select(CopyPosition).where(
            CopyPosition.copy_id == copy.id, CopyPosition.status == CopyPositionStatus.OPEN
        )
    ).all():
        close_position(copy, position, prices[position.instrument], now)
        session.add(position)
    portfolio.cash += copy.cash
    copy.final_equity, copy.cash = copy.cash, 0
    copy.status, copy.stopped_at, copy.note = CopyStatus.STOPPED, now, note[:300]
    session.add_all([portfolio, copy])
    session.flush()


def check_copy_stops(
    session: Session, *, feed: PriceFeed | None = None, now: datetime | None = None
) -> int:
    """Stop copies whose equity fell by their copy stop (at trusted prices); returns how many."""
    feed, now = feed or get_feed(), now or utcnow()
    candidates = session.exec(
        select(TradingCopy.id, TradingCopy.follower_id)
        .where(
            col(TradingCopy.status).in_([CopyStatus.ACTIVE, CopyStatus.PAUSED]),
            exists().where(
                col(CopyPosition.copy_id) == col(TradingCopy.id),
                col(CopyPosition.status) == CopyPositionStatus.OPEN,
            ),
        )
        .order_by(col(TradingCopy.id))
    ).all()
    stopped = 0
    for copy_id, follower_id in candidates:
        portfolio = session.get(
            PaperPortfolio,
            ensure_portfolio(session, follower_id).id,
            with_for_update=True,
            populate_existing=True,
        )
        copy = session.get(TradingCopy, copy_id, with_for_update=True, populate_existing=True)
        if portfolio is None or copy is None or copy.status == CopyStatus.STOPPED:
            continue
        positions = session.exec(
            select(CopyPosition).where(
                CopyPosition.copy_id == copy.id, CopyPosition.status == CopyPositionStatus.OPEN
            )
        ).all()
        prices = prices_now(feed, {p.instrument for p in positions}, now)
        if any(p.instrument not in prices for p in positions):
            continue  # never stopped out on a stale price
        equity = copy.cash + sum(
            position_value(p.direction, p.quantity, p.cost, prices[p.instrument]) for p in positions
        )
        floor = copy.allocation * (10_000 - copy.stop_bp) // 10_000
        if equity > floor:
            continue
        end_copy(session, portfolio, copy, prices, now, "Stopped by its copy stop-loss.")
        notify(
            session,
            copy.follower_id,
            "signal",
            "Your copy hit its copy stop-loss",
            f"Its positions were closed; {money(copy.final_equity or 0)} went back to your "
            "paper cash.",
            "/trading/copies",
        )
        stopped += 1
    return stopped
