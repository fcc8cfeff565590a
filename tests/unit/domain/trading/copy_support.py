"""Helpers for the copy-trading tests: a leader with a seasoned record, and a copy started (leaders named by user id)."""

from __future__ import annotations

from datetime import timedelta

from aixplore.core.db import session_scope
from aixplore.domain.trading import copying, trader_days
from aixplore.domain.trading.models import (
    Direction,
    SignalChainHead,
    SignalStatus,
    TradingSignal,
)
from tests.unit.domain.social.support import person
from tests.unit.domain.trading.support import NOW, feed_at

BEFORE = NOW - timedelta(minutes=1)  # copies start before the signals they copy


def seasoned_leader(name: str = "Lea Leader", *, decided: int = 12, days: int = 40):
    """A member whose chain already holds ``decided`` small winners over ``days`` days."""
    leader = person(name)
    with session_scope() as db:
        made = []
        for seq in range(1, decided + 1):
            at = NOW - timedelta(days=days) + timedelta(days=seq * days // (decided + 1))
            made.append(
                TradingSignal(
                    trader_id=leader.user_id,
                    seq=seq,
                    instrument="BTC/USD",
                    direction=Direction.LONG,
                    entry=60_000_000_000,
                    stop_loss=58_000_000_000,
                    take_profit=60_600_000_000,
                    size_bp=1000,
                    committed_at=at,
                    created_at=at,
                    prev_hash="0" * 64,
                    hash=f"{seq:064x}",
                    status=SignalStatus.HIT_TARGET,
                    outcome_at=at + timedelta(hours=2),
                    outcome_price=60_600_000_000,
                    copied_at=at,
                )
            )
        db.add_all(made)
        db.add(
            SignalChainHead(trader_id=leader.user_id, length=decided, head_hash=f"{decided:064x}")
        )
        # What the outcome job does when it decides a signal: its day's row recomputed.
        trader_days.refresh_days(db, trader_days.day_keys(made))
    return leader, leader.user_id


def start(actor, leader_id, *, allocation="10000", stop="50", mode="new", feed=None, now=BEFORE):
    """Start a copy as ``actor``; its public view."""
    with session_scope() as db:
        return copying.do_start_copy(
            db,
            actor,
            {"leader_id": leader_id, "allocation": allocation, "stop_percent": stop, "mode": mode},
            feed=feed or feed_at({"BTC/USD": 60000, "ETH/USD": 3000}, at=now),
            now=now,
        )
