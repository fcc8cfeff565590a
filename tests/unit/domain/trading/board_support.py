"""Helpers for the leaderboard and simulation tests: traders with a scripted, decided record."""

from __future__ import annotations

from datetime import datetime, timedelta

from aixplore.core.db import session_scope
from aixplore.domain.trading import trader_days
from aixplore.domain.trading.models import Direction, SignalStatus, TradingSignal
from tests.factories import make_member

ENTRY = 60_000_000_000  # $60,000 in micro-dollars


def trader(name: str) -> int:
    """A new member's user id."""
    return make_member(name=name).id or 0


def record(
    trader_id: int,
    start: datetime,
    moves: list[tuple[float, float]],
    *,
    size_bp: int = 5000,
    hold: timedelta = timedelta(hours=6),
    first_seq: int = 1,
) -> list[TradingSignal]:
    """Decided long BTC/USD signals: (days after ``start``, price move) each; returns them."""
    made = []
    with session_scope() as db:
        for seq, (day, move) in enumerate(moves, start=first_seq):
            at = start + timedelta(days=day)
            outcome = round(ENTRY * (1 + move))
            signal = TradingSignal(
                trader_id=trader_id,
                seq=seq,
                instrument="BTC/USD",
                direction=Direction.LONG,
                entry=ENTRY,
                stop_loss=ENTRY // 2,
                take_profit=ENTRY * 2,
                size_bp=size_bp,
                committed_at=at,
                created_at=at,
                prev_hash="0" * 64,
                hash=f"{trader_id:032x}{seq:032x}",
                status=SignalStatus.HIT_TARGET if move > 0 else SignalStatus.HIT_STOP,
                outcome_at=at + hold,
                outcome_price=outcome,
                copied_at=at,
            )
            db.add(signal)
            made.append(signal)
        db.flush()
        # What the outcome job does when it decides a signal: its day's row recomputed.
        trader_days.refresh_days(db, trader_days.day_keys(made))
        for s in made:
            db.expunge(s)
    return made
