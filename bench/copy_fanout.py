"""Copy fan-out benchmark: one signal opened in 10,000 copiers' copies, time to the last one.

``.venv/bin/python bench/copy_fanout.py [--copiers 10000 --runs 3]`` against the database
``AIXPLORE_DATABASE_URL`` names (SQLite or PostgreSQL), which it migrates and fills: a leader,
``--copiers`` members each copying them with $10,000, then ``--runs`` signals of the leader,
each fanned out by ``fanout.fan_out_signal`` (what the copy job runs) on the simulated feed.
It prints, per run, the seconds from the start of the fan-out to its commit (the last
position written) and the positions opened, then the median. Use a scratch database: its
bench rows are replaced on each start and left there.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, text

from aixplore.cli import migrate
from aixplore.core.db import get_engine, session_scope
from aixplore.core.time import utcnow
from aixplore.domain import tables  # noqa: F401
from aixplore.domain.accounts.models import PlatformRole, User
from aixplore.domain.trading.copy_models import CopyStatus, TradingCopy
from aixplore.domain.trading.fanout import fan_out_signal
from aixplore.domain.trading.feed import SimulatedFeed
from aixplore.domain.trading.models import Direction, SignalStatus, TradingSignal

EMAIL = "copy-bench-{}@bench.invalid"
ALLOCATION = 10_000 * 10**6


def _fill(copiers: int) -> int:
    engine = get_engine()
    now = utcnow()
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM \"user\" WHERE email LIKE 'copy-bench-%'"))
        start = conn.execute(text('SELECT COALESCE(MAX(id), 0) FROM "user"')).scalar_one() + 1
        ids = list(range(start, start + copiers + 1))
        conn.execute(
            insert(User),
            [
                {
                    "id": i,
                    "email": EMAIL.format(i),
                    "display_name": f"Copier {i}",
                    "bio": "",
                    "role": PlatformRole.MEMBER,
                    "created_at": now,
                }
                for i in ids
            ],
        )
        leader = ids[0]
        conn.execute(
            insert(TradingCopy),
            [
                {
                    "follower_id": i,
                    "leader_id": leader,
                    "status": CopyStatus.ACTIVE,
                    "allocation": ALLOCATION,
                    "cash": ALLOCATION,
                    "stop_bp": 5000,
                    "copy_open": False,
                    "created_at": now - timedelta(hours=1),
                    "note": "",
                }
                for i in ids[1:]
            ],
        )
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))
    return leader


def _signal(leader: int, seq: int, feed: SimulatedFeed) -> int:
    quote = feed.last_price("BTC/USD")
    assert quote is not None
    with session_scope() as db:
        signal = TradingSignal(
            trader_id=leader,
            seq=seq,
            instrument="BTC/USD",
            direction=Direction.LONG,
            entry=quote.price,
            stop_loss=quote.price * 97 // 100,
            take_profit=quote.price * 105 // 100,
            size_bp=250,
            prev_hash="0" * 64,
            hash=f"{seq:064x}",
            status=SignalStatus.OPEN,
        )
        db.add(signal)
        db.flush()
        return signal.id or 0


def main() -> None:
    """Fill, fan out ``--runs`` signals, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--copiers", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    migrate()
    engine = get_engine()
    leader = _fill(args.copiers)
    feed = SimulatedFeed()
    seconds = []
    for run in range(1, args.runs + 1):
        signal_id = _signal(leader, run, feed)
        started = time.perf_counter()
        with session_scope() as db:
            opened = fan_out_signal(db, signal_id, feed=feed)
        took = time.perf_counter() - started
        seconds.append(took)
        print(f"{engine.dialect.name}: run {run}: {opened:,} copy positions in {took:.3f} s")
    print(
        f"{engine.dialect.name}: one signal to {args.copiers:,} copiers: median "
        f"{statistics.median(seconds):.3f} s to the last position (target < 1 s)"
    )


if __name__ == "__main__":
    main()
