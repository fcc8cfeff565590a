"""Leaderboard and "simulate this copy" benchmarks, each with a baseline from the same run.

``.venv/bin/python bench/leaderboard.py [--traders 10000 --signals 1000 --days 400]``
against the database ``AIXPLORE_DATABASE_URL`` names (SQLite or PostgreSQL; use a scratch
one: it migrates it and fills it once, then reuses the fill while its size matches).

Leaderboard: ``--traders`` traders with ``--signals`` decided signals each over ``--days``
days, generated inside the database (one INSERT ... SELECT per 500 traders), and the day
table built from them as the migration's backfill does. It times the full recompute
(``recompute_leaderboard``: the day table read, every period's figures and bootstrap bands,
the rows rewritten) ``--runs`` times (wall and this process's CPU seconds), against the old
path in the same run (``from_signals=True``: every signal grouped by trader and day, as
before the day table; ``--old-runs`` times), and two baselines: a bare scan (one ``count(*) GROUP BY trader_id`` over every signal: the least any
recompute that reads each signal pays), and the per-trader path the copy rules use
(``copying.leader_record``: every signal of one trader read and computed in Python) over
``--sample`` traders. It also times a page read of the board (what a request costs).

Simulate: a leader with one signal every other day over five years and a feed of daily
ticks over those years; ``simulate_copy`` over five years ``--sim-runs`` times (p50, p95),
against reading the same signals alone.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, text
from sqlmodel import select

from aixplore.cli import migrate
from aixplore.core.db import get_engine, session_scope
from aixplore.core.time import utcnow
from aixplore.domain import tables  # noqa: F401
from aixplore.domain.accounts.models import PlatformRole, User
from aixplore.domain.trading import board, copying, simulation, trader_days
from aixplore.domain.trading.feed import TickFeed
from aixplore.domain.trading.leaderboard import recompute_leaderboard
from aixplore.domain.trading.models import Direction, SignalStatus, TradingSignal

EMAIL = "board-bench-{}@bench.invalid"
BATCH = 500
ENTRY = 60_000 * 10**6


def _signals_sql(dialect: str) -> str:
    """One INSERT ... SELECT of :per signals for each of the traders :lo to :hi."""
    if dialect == "postgresql":
        rows = (
            "SELECT t, s, (t * 7919 + s * 104729) % 1000 AS x FROM "
            "generate_series(CAST(:lo AS INTEGER), CAST(:hi AS INTEGER)) t, "
            "generate_series(1, CAST(:per AS INTEGER)) s"
        )
        at = "CAST(:start AS TIMESTAMPTZ) + (s * CAST(:spread AS INTEGER)) * interval '1 minute'"
        out = f"{at} + ((x % 48) + 1) * interval '1 hour'"
    else:
        rows = (
            "WITH RECURSIVE tr(t) AS (SELECT :lo UNION ALL SELECT t + 1 FROM tr WHERE t < :hi), "
            "sq(s) AS (SELECT 1 UNION ALL SELECT s + 1 FROM sq WHERE s < :per) "
            "SELECT t, s, (t * 7919 + s * 104729) % 1000 AS x FROM tr, sq"
        )
        at = "datetime(:start, '+' || (s * :spread) || ' minutes')"
        out = "datetime(:start, '+' || (s * :spread + ((x % 48) + 1) * 60) || ' minutes')"
    # Moves of -4.8 % to +5.2 %, a third of the calls short, sizes 5-50 %.
    return (
        "INSERT INTO trading_signal (trader_id, seq, instrument, direction, entry, stop_loss, "
        "take_profit, size_bp, rationale, created_at, committed_at, prev_hash, hash, status, "
        "outcome_at, outcome_price) "
        f"SELECT t, s, 'BTC/USD', CASE WHEN s % 3 = 0 THEN 'short' ELSE 'long' END, {ENTRY}, "
        f"{ENTRY // 2}, {ENTRY * 2}, 500 + (x % 10) * 500, '', {at}, {at}, '', '', "
        f"CASE WHEN x >= 480 THEN 'hit_target' ELSE 'hit_stop' END, {out}, "
        f"{ENTRY} + {ENTRY // 10000} * CAST(x - 480 AS BIGINT) FROM ({rows}) g"
    )


def _fill(traders: int, per: int, days: int) -> list[int]:
    engine = get_engine()
    now = utcnow()
    with engine.begin() as conn:
        ids = [
            int(i)
            for i in conn.execute(
                text("SELECT id FROM \"user\" WHERE email LIKE 'board-bench-%' ORDER BY id")
            ).scalars()
        ]
        have = conn.execute(
            text(
                "SELECT count(*) FROM trading_signal WHERE trader_id IN "
                "(SELECT id FROM \"user\" WHERE email LIKE 'board-bench-%')"
            )
        ).scalar_one()
        if len(ids) == traders and have == traders * per:
            return ids
        conn.execute(text("DELETE FROM trading_signal"))
        conn.execute(text("DELETE FROM trading_trader_day"))
        conn.execute(text("DELETE FROM \"user\" WHERE email LIKE 'board-bench-%'"))
        first = conn.execute(text('SELECT COALESCE(MAX(id), 0) FROM "user"')).scalar_one() + 1
        ids = list(range(first, first + traders))
        conn.execute(
            insert(User),
            [
                {
                    "id": i,
                    "email": EMAIL.format(i),
                    "display_name": f"Trader {i}",
                    "bio": "",
                    "role": PlatformRole.MEMBER,
                    "created_at": now,
                }
                for i in ids
            ],
        )
    start = (now - timedelta(days=days + 3)).replace(tzinfo=None).isoformat(sep=" ")
    if engine.dialect.name == "postgresql":
        start += "+00:00"
    sql = text(_signals_sql(engine.dialect.name))
    began = time.perf_counter()
    for lo in range(ids[0], ids[-1] + 1, BATCH):
        with engine.begin() as conn:
            conn.execute(
                sql,
                {
                    "lo": lo,
                    "hi": min(lo + BATCH - 1, ids[-1]),
                    "per": per,
                    "start": start,
                    "spread": days * 1440 // per,
                },
            )
        print(
            f"  filled traders up to {min(lo + BATCH - 1, ids[-1])} ({time.perf_counter() - began:.0f} s)"
        )
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE trading_signal"))
    return ids


def _timed(fn, runs: int, cpu: list[float] | None = None) -> list[float]:
    seconds = []
    for _ in range(runs):
        began, used = time.perf_counter(), time.process_time()
        fn()
        seconds.append(time.perf_counter() - began)
        if cpu is not None:
            cpu.append(time.process_time() - used)
    return seconds


def _load() -> str:
    return "load average " + " ".join(f"{v:.1f}" for v in os.getloadavg())


def _ensure_days() -> None:
    """Build the day table from the signals when it does not match them (a fresh fill)."""
    with session_scope() as db:
        rows = db.connection().execute(text("SELECT count(*) FROM trading_trader_day")).scalar()
        if rows:
            return
        began = time.perf_counter()
        written = trader_days.rebuild_days(db)
    print(f"  day table built: {written:,} rows in {time.perf_counter() - began:.1f} s")


def _p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.95 * len(values)) - 1)]


def bench_board(args: argparse.Namespace) -> None:
    """The recompute against a bare scan and the per-trader path."""
    name = get_engine().dialect.name
    ids = _fill(args.traders, args.signals, args.days)
    _ensure_days()
    total = args.traders * args.signals

    def scan() -> None:
        with session_scope() as db:
            db.connection().execute(
                text("SELECT trader_id, count(*) FROM trading_signal GROUP BY trader_id")
            ).all()

    def recompute() -> None:
        with session_scope() as db:
            recompute_leaderboard(db)

    def recompute_old() -> None:
        with session_scope() as db:
            recompute_leaderboard(db, from_signals=True)

    def per_trader() -> None:
        with session_scope() as db:
            now = utcnow()
            for trader_id in ids[: args.sample]:
                copying.leader_record(db, trader_id, now)

    def read_page() -> None:
        with session_scope() as db:
            board.list_board(db, "all")

    print(f"{name}: before: {_load()}")
    scans = _timed(scan, args.runs)
    cpu: list[float] = []
    full = _timed(recompute, args.runs, cpu)
    print(f"{name}: after the new path: {_load()}")
    old_cpu: list[float] = []
    old = _timed(recompute_old, args.old_runs, old_cpu)
    print(f"{name}: after the old path: {_load()}")
    sample = _timed(per_trader, 1)[0]
    pages = _timed(read_page, 50)
    print(f"{name}: {args.traders:,} traders x {args.signals:,} signals ({total:,} signals)")
    print(f"{name}: baseline bare scan (count per trader): median {statistics.median(scans):.2f} s")
    print(
        f"{name}: leaderboard recompute from the day table (4 periods, {args.traders * 4:,} "
        f"rows, bootstrap bands): median {statistics.median(full):.2f} s, runs "
        + ", ".join(f"{s:.2f}" for s in full)
        + f" (target < 10 s); CPU of this process median {statistics.median(cpu):.2f} s"
    )
    print(
        f"{name}: old path, every signal grouped by day: median {statistics.median(old):.2f} s, "
        "runs "
        + ", ".join(f"{s:.2f}" for s in old)
        + f"; CPU of this process median {statistics.median(old_cpu):.2f} s"
    )
    print(
        f"{name}: baseline per-trader Python path (copying.leader_record): {args.sample} "
        f"traders in {sample:.2f} s ({sample / args.sample * 1000:.0f} ms a trader)"
    )
    print(
        f"{name}: a page of the board read: p50 {statistics.median(pages) * 1000:.1f} ms, "
        f"p95 {_p95(pages) * 1000:.1f} ms"
    )


def bench_simulate(args: argparse.Namespace) -> None:
    """Five years of a leader's signals replayed, against reading the signals alone."""
    name = get_engine().dialect.name
    now = datetime.now(UTC).replace(microsecond=0)
    start = now - timedelta(days=simulation.PERIODS["5y"])
    feed = TickFeed()
    for day in range(simulation.PERIODS["5y"] + 2):
        feed.add("BTC/USD", start + timedelta(days=day), ENTRY + (day * 7919 % 2000) * 10**6)
    _drop_sim_leader()
    with session_scope() as db:
        # An explicit id: the fill above wrote ids itself, so PostgreSQL's sequence lags.
        leader_id = (
            db.connection().execute(text('SELECT COALESCE(MAX(id), 0) FROM "user"')).scalar_one()
            + 1
        )
        db.add(
            User(id=leader_id, email="sim-bench@bench.invalid", display_name="Sim Leader", bio="")
        )
        db.flush()
        for seq in range(1, simulation.PERIODS["5y"] // 2):
            at = start + timedelta(days=2 * seq, hours=3)
            move = (seq * 104729 % 1000 - 480) / 10_000
            db.add(
                TradingSignal(
                    trader_id=leader_id,
                    seq=seq,
                    instrument="BTC/USD",
                    direction=Direction.SHORT if seq % 3 == 0 else Direction.LONG,
                    entry=ENTRY,
                    stop_loss=ENTRY // 2,
                    take_profit=ENTRY * 2,
                    size_bp=2000,
                    committed_at=at,
                    created_at=at,
                    prev_hash="",
                    hash="",
                    status=SignalStatus.HIT_TARGET if move > 0 else SignalStatus.HIT_STOP,
                    outcome_at=at + timedelta(hours=30),
                    outcome_price=round(ENTRY * (1 + move)),
                )
            )
    data = {"allocation": "10000", "stop_percent": "90", "period": "5y"}

    def simulate() -> None:
        with session_scope() as db:
            simulation.simulate_copy(db, leader_id, data, feed=feed, now=now)

    def read() -> None:
        with session_scope() as db:
            db.exec(select(TradingSignal).where(TradingSignal.trader_id == leader_id)).all()

    simulate()  # warm the feed's and the statement caches once
    print(f"{name}: simulate, before: {_load()}")
    reads = _timed(read, args.sim_runs)
    cpu: list[float] = []
    runs = _timed(simulate, args.sim_runs, cpu)
    print(f"{name}: simulate, after: {_load()}")
    count = simulation.PERIODS["5y"] // 2 - 1
    _drop_sim_leader()
    print(f"{name}: simulate this copy, 5 years of daily ticks, {count} signals:")
    print(
        f"{name}:   baseline reading the signals: p50 {statistics.median(reads) * 1000:.1f} ms, "
        f"p95 {_p95(reads) * 1000:.1f} ms"
    )
    print(
        f"{name}:   simulate_copy: p50 {statistics.median(runs) * 1000:.1f} ms, "
        f"p95 {_p95(runs) * 1000:.1f} ms over {args.sim_runs} runs (target p95 < 200 ms); "
        f"CPU of this process p50 {statistics.median(cpu) * 1000:.1f} ms, "
        f"p95 {_p95(cpu) * 1000:.1f} ms"
    )


def _drop_sim_leader() -> None:
    with get_engine().begin() as conn:
        who = "(SELECT id FROM \"user\" WHERE email = 'sim-bench@bench.invalid')"
        conn.execute(text(f"DELETE FROM trading_signal WHERE trader_id IN {who}"))
        conn.execute(text("DELETE FROM \"user\" WHERE email = 'sim-bench@bench.invalid'"))


def main() -> None:
    """Fill, time, print."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--traders", type=int, default=10_000)
    parser.add_argument("--signals", type=int, default=1_000)
    parser.add_argument("--days", type=int, default=400)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--old-runs", type=int, default=1)
    parser.add_argument("--sample", type=int, default=100)
    parser.add_argument("--sim-runs", type=int, default=50)
    parser.add_argument("--only", choices=["board", "simulate"], default=None)
    args = parser.parse_args()
    migrate()
    if args.only in (None, "board"):
        bench_board(args)
    if args.only in (None, "simulate"):
        bench_simulate(args)


if __name__ == "__main__":
    main()
