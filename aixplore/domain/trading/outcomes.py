"""Signals' outcomes from the price feed, and their followers told (both run as jobs).

An open signal is read against one-minute candles struck after its commitment time (never
before: no look-back, no look-ahead), from where the last run stopped. A long signal whose
low reaches its stop-loss hits the stop; whose high reaches its take-profit hits the target;
both in one minute count as the stop (the cautious reading). A short signal mirrors that. A
signal still open after ``HORIZON`` is closed at the last price. Nothing is decided while the
feed is stale or jumping; the trader never sets an outcome.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import User
from aixplore.domain.notifications.services import notify
from aixplore.domain.relations.models import Follow
from aixplore.domain.trading import trader_days
from aixplore.domain.trading.feed import (
    MAX_CANDLES,
    STEP_SECONDS,
    PriceFeed,
    feed_problem,
    get_feed,
)
from aixplore.domain.trading.models import Direction, SignalStatus, TradingSignal
from aixplore.domain.trading.signals import EDIT_GRACE

HORIZON = timedelta(days=30)
NOTIFY_MAX = 5000  # followers told per signal; the feed reaches the rest


def _decide(signal: TradingSignal, feed: PriceFeed, now: datetime) -> bool:
    """Read the feed from where the last run stopped; True when the signal got an outcome."""
    start = signal.checked_until or signal.committed_at
    end = min(now, signal.committed_at + HORIZON)
    window = min(end, start + timedelta(seconds=STEP_SECONDS * (MAX_CANDLES - 1)))
    long = signal.direction == Direction.LONG
    for candle in feed.candles(signal.instrument, STEP_SECONDS, start, window):
        if candle.start <= signal.committed_at or (
            signal.checked_until and candle.start <= signal.checked_until
        ):
            continue
        stopped = candle.low <= signal.stop_loss if long else candle.high >= signal.stop_loss
        reached = candle.high >= signal.take_profit if long else candle.low <= signal.take_profit
        if stopped or reached:
            signal.status = SignalStatus.HIT_STOP if stopped else SignalStatus.HIT_TARGET
            signal.outcome_price = signal.stop_loss if stopped else signal.take_profit
            signal.outcome_at = candle.start
            return True
        signal.checked_until = candle.start
    if window >= signal.committed_at + HORIZON:
        quote = feed.last_price(signal.instrument, window)
        signal.status, signal.outcome_at = SignalStatus.CLOSED, window
        signal.outcome_price = quote.price if quote else signal.entry
        return True
    return False


def decide_outcomes(
    session: Session, *, feed: PriceFeed | None = None, now: datetime | None = None
) -> int:
    """Give sealed open signals their outcome where the feed shows one; returns how many."""
    feed, now = feed or get_feed(), now or utcnow()
    ids = session.exec(
        select(TradingSignal.id)
        .where(
            TradingSignal.status == SignalStatus.OPEN,
            col(TradingSignal.created_at) <= now - EDIT_GRACE,
        )
        .order_by(col(TradingSignal.id))
    ).all()
    decided: list[TradingSignal] = []
    for signal_id in ids:
        signal = session.get(TradingSignal, signal_id, with_for_update=True)
        if signal is None or signal.status != SignalStatus.OPEN:
            continue
        if feed_problem(feed.last_price(signal.instrument, now), now):
            continue
        if _decide(signal, feed, now):
            decided.append(signal)
        session.add(signal)
    session.flush()
    # The leaderboard's day rows, in this transaction: an outcome and its row commit together.
    trader_days.refresh_days(session, trader_days.day_keys(decided))
    return len(decided)


def do_notify_followers(session: Session, signal_id: int) -> int:
    """Tell the trader's followers about a new signal, once (safe to run twice)."""
    signal = session.get(TradingSignal, signal_id, with_for_update=True)
    if signal is None or signal.notified_at is not None:
        return 0
    followers = session.exec(
        select(Follow.follower_id).where(Follow.followee_id == signal.trader_id).limit(NOTIFY_MAX)
    ).all()
    trader = session.get(User, signal.trader_id)
    name = trader.display_name if trader else "A trader"
    title = f"{name} published a signal: {signal.instrument} {signal.direction}"
    body = f"Chained as #{signal.seq}, hash {signal.hash[:16]}…"
    for follower_id in followers:
        notify(session, follower_id, "signal", title, body, f"/trading/signals/{signal.id}")
    signal.notified_at = utcnow()
    session.add(signal)
    session.flush()
    return len(followers)


def list_unnotified(session: Session, *, older_than_seconds: int = 120) -> list[int]:
    """Signals whose followers the after-commit hook missed (a crash before the enqueue)."""
    cutoff = utcnow() - timedelta(seconds=older_than_seconds)
    return [
        int(i or 0)
        for i in session.exec(
            select(TradingSignal.id)
            .where(col(TradingSignal.notified_at).is_(None), col(TradingSignal.created_at) < cutoff)
            .limit(500)
        ).all()
    ]
