"""The leaderboard's day table: the board read from it is the board grouped from every signal,
and the outcome job keeps it, once per outcome, also across a crashed and retried run."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
from sqlalchemy import text
from sqlmodel import col, select

from aixplore.core.db import session_scope
from aixplore.domain.trading import leaderboard, outcomes, signals, trader_days
from aixplore.domain.trading.board_models import LeaderboardRow
from aixplore.domain.trading.models import TradingSignal
from tests.unit.domain.social.support import person
from tests.unit.domain.trading.board_support import record, trader
from tests.unit.domain.trading.support import NOW, feed_at, tick

START = NOW - timedelta(days=200)


def _board(*, from_signals: bool) -> list[tuple]:
    with session_scope() as db:
        leaderboard.recompute_leaderboard(db, now=NOW, from_signals=from_signals)
    with session_scope() as db:
        rows = db.exec(
            select(LeaderboardRow).order_by(
                col(LeaderboardRow.period), col(LeaderboardRow.trader_id)
            )
        ).all()
        return [tuple(r.model_dump(exclude={"computed_at"}).items()) for r in rows]


def _table() -> list[tuple]:
    with session_scope() as db:
        return [
            tuple(r)
            for r in db.connection().execute(
                text(f"SELECT {trader_days.COLUMNS} FROM trading_trader_day ORDER BY 1, 2")
            )
        ]


def _moves(seed: int, count: int) -> list[tuple[float, float]]:
    rng = np.random.default_rng(seed)
    days = np.sort(rng.uniform(0, 199, count))
    return [(float(d), float(m)) for d, m in zip(days, rng.normal(0.004, 0.03, count), strict=True)]


def test_the_board_from_the_day_table_is_the_board_grouped_from_every_signal():
    for seed, name in enumerate(["Ada Able", "Bo Bold", "Cy Calm", "Di Daring"]):
        who = trader(name)
        # Several signals some days (they compound), sizes and holding times that differ.
        record(who, START, _moves(seed, 40 + 15 * seed), size_bp=2000 + 2000 * seed)
        record(who, START, [(150.1, 0.01), (150.2, -0.02)], first_seq=500, hold=timedelta(hours=30))
    late = trader("Eve Early")  # a record too short to rank, and one losing everything
    record(late, NOW - timedelta(days=12), [(1.0, 0.01), (2.0, -0.6)], size_bp=10_000)
    table = _board(from_signals=False)
    assert table == _board(from_signals=True)
    ranked = [dict(r) for r in table if dict(r)["rank"] is not None]
    assert len(ranked) >= 8 and {dict(r)["period"] for r in table} == set(leaderboard.PERIODS)
    # The table is the aggregate over the signals, row for row.
    with session_scope() as db:
        grouped = trader_days.signal_day_rows(db)
        read = trader_days.table_day_rows(db)
    assert np.array_equal(grouped, read)


def _published_long(now):
    me = person()
    data = {
        "instrument": "BTC/USD",
        "direction": "long",
        "entry": "60000",
        "stop_loss": "58000",
        "take_profit": "64000",
        "size_percent": "25",
        "rationale": "",
    }
    with session_scope() as db:
        made = signals.do_publish_signal(
            db, me, data, feed=feed_at({"BTC/USD": 60000}, at=now), now=now
        )
    return me.user_id, made.id


class _Crash(Exception):
    pass


def test_an_outcome_decided_later_updates_its_day_once_also_after_a_crash():
    committed = NOW - timedelta(days=3)
    trader_id, signal_id = _published_long(committed)
    record(
        trader_id,
        committed,
        [(-40.0 + 2 * i, 0.01 * (i % 3 - 1)) for i in range(15)],
        first_seq=100,
    )
    # The same day already holds a decided signal: the outcome adds to that day's row.
    record(trader_id, committed, [(0.1, 0.02)], first_seq=200)
    before = _table()
    feed = feed_at({"BTC/USD": 60000}, at=committed)
    hit = committed + timedelta(hours=1)
    tick(feed, "BTC/USD", 64_500, hit)
    decided_at = hit + timedelta(minutes=1)
    tick(feed, "BTC/USD", 64_500, decided_at)
    # A job that dies before its commit leaves the signal open and its day untouched.
    with pytest.raises(_Crash), session_scope() as db:
        assert outcomes.decide_outcomes(db, feed=feed, now=decided_at) == 1
        raise _Crash
    assert _table() == before
    with session_scope() as db:
        assert outcomes.decide_outcomes(db, feed=feed, now=decided_at) == 1
    after = _table()
    day = (hit - trader_days.EPOCH).days
    [(old_row, new_row)] = [(b, a) for b, a in zip(before, after, strict=True) if b != a]
    assert new_row[:2] == (trader_id, day) and new_row[2:4] == (old_row[2] + 1, old_row[3] + 1)
    assert new_row[4] > old_row[4]
    # The retry finds nothing left to decide; refreshing the day again changes nothing.
    with session_scope() as db:
        assert outcomes.decide_outcomes(db, feed=feed, now=decided_at) == 0
        trader_days.refresh_days(db, {(trader_id, day)})
        signal = db.get(TradingSignal, signal_id)
        assert signal is not None and signal.status == "hit_target"
    assert _table() == after
    with session_scope() as db:
        trader_days.rebuild_days(db)
    assert _table() == after
    assert _board(from_signals=False) == _board(from_signals=True)
