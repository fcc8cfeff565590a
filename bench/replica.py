"""Catalog reads on the primary and on a streaming replica under a write load, and the lag.

``.venv/bin/python bench/replica.py [--solutions 5000] [--rounds 5] [--reads 150]``:

1. starts a throwaway PostgreSQL primary on a free port, migrates it and adds ``--solutions``
   generated solutions (``aixplore.demo.large``);
2. starts a hot standby of it (``tests/support/pg_replica.py``: ``pg_basebackup -R``);
3. a writer keeps the primary busy the whole time (``--writes`` small transactions a second
   that touch no search column, so reads are not held back by the catalog guard);
4. each round reads the catalog ``--reads`` times as a page does (``catalog_read``: a search
   with facets for a random word, then a random solution's page), once with no replica
   configured (every read on the primary) and once with the replica, in alternating order;
5. samples the replica's lag (seconds behind, and bytes of WAL not yet replayed) meanwhile.

It prints p50 and p95 per source (medians over the rounds), the share of reads the replica
answered, the lag, the write rate reached and the load average. Both servers share this
machine's cores: the replica's gain here is the primary's freed capacity, not a faster read.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.support.pg_replica import as_postgres, pg_bin, streaming_replica  # noqa: E402


def free_port() -> int:
    """A loopback port nothing listens on now."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_primary(folder: Path) -> tuple[str, Path]:
    """A throwaway primary (streaming-ready by default); its URL and data folder."""
    folder.chmod(0o755)
    data = folder / "primary"
    if os.geteuid() == 0:
        subprocess.run(["chown", "postgres", str(folder)], check=True)
    port = free_port()

    def run(argv: list[str]) -> None:
        subprocess.run(argv, check=True, capture_output=True)

    run(as_postgres([pg_bin("initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"]))
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {data} -c fsync=off"
    log = str(folder / "primary.log")
    run(as_postgres([pg_bin("pg_ctl"), "-D", str(data), "-l", log, "-w", "-o", options, "start"]))
    run(
        [
            pg_bin("psql"),
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            "-U",
            "postgres",
            "-qc",
            "CREATE DATABASE bench",
        ]
    )
    return f"postgresql+psycopg://postgres@127.0.0.1:{port}/bench", data


def pct(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile of ``values`` (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description="Catalog reads on the primary and on a replica.")
    parser.add_argument("--solutions", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--reads", type=int, default=150)
    parser.add_argument("--writes", type=int, default=200, help="write transactions a second")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="aixplore-bench-replica-"))
    primary_url, primary_data = start_primary(folder)
    os.environ.update(
        AIXPLORE_ENV="test",
        AIXPLORE_SECRET_KEY="bench-only-secret-key-0123456789abcdefghijkl",
        AIXPLORE_DATABASE_URL=primary_url,
        AIXPLORE_DATA_DIR=str(folder / "data"),
        AIXPLORE_LOG_LEVEL="ERROR",
        AIXPLORE_LOG_JSON="false",
    )
    os.environ.pop("AIXPLORE_REDIS_URL", None)
    try:
        return run(args, primary_url)
    finally:
        subprocess.run(
            as_postgres([pg_bin("pg_ctl"), "-D", str(primary_data), "-m", "fast", "-w", "stop"]),
            capture_output=True,
            check=False,
        )
        subprocess.run(["rm", "-rf", str(folder)], check=False)


def run(args: argparse.Namespace, primary_url: str) -> int:
    from sqlalchemy import create_engine, text
    from sqlmodel import select

    from aixplore.cli import migrate
    from aixplore.core import replica as routing
    from aixplore.core.db import get_engine, session_scope
    from aixplore.core.settings import get_settings
    from aixplore.demo.content import LARGE_WORDS
    from aixplore.demo.large import seed_large_catalog
    from aixplore.domain.solutions import services as solutions
    from aixplore.domain.solutions.models import Solution, SolutionStatus
    from aixplore.domain.solutions.search import SearchQuery, search

    migrate()
    seed_large_catalog(session_scope, args.solutions)
    with session_scope() as db:
        published = Solution.status == SolutionStatus.PUBLISHED
        slugs = list(db.exec(select(Solution.slug).where(published)).all())
        ids = list(db.exec(select(Solution.id)).all())
    words = list(LARGE_WORDS)
    settings = get_settings()
    with streaming_replica(primary_url) as standby:
        standby.caught_up(primary_url)
        stop = threading.Event()
        written = [0]

        def write_load() -> None:
            # Raw SQL: no ORM hook sees it, so no cache generation moves (a page view's or
            # bookmark's write, as far as the replica's guards are concerned).
            engine = get_engine()
            rng = random.Random(1)
            while not stop.is_set():
                started = time.perf_counter()
                with engine.begin() as connection:
                    connection.execute(
                        text("UPDATE solution SET trending_score = :s WHERE id = :i"),
                        {"s": rng.random(), "i": rng.choice(ids)},
                    )
                written[0] += 1
                stop.wait(max(0.0, 1 / args.writes - (time.perf_counter() - started)))

        lags: list[tuple[float, int]] = []

        def sample_lag() -> None:
            watch = create_engine(standby.url, isolation_level="AUTOCOMMIT", pool_size=1)
            main_engine = create_engine(primary_url, isolation_level="AUTOCOMMIT", pool_size=1)
            while not stop.is_set():
                with main_engine.connect() as p, watch.connect() as r:
                    at = p.execute(text("SELECT pg_current_wal_lsn()::text")).scalar()
                    seconds, replayed = r.execute(
                        text(
                            "SELECT CASE WHEN pg_last_wal_receive_lsn() <= pg_last_wal_replay_lsn()"
                            " THEN 0 ELSE EXTRACT(EPOCH FROM clock_timestamp()"
                            " - pg_last_xact_replay_timestamp()) END, pg_last_wal_replay_lsn()::text"
                        )
                    ).one()
                lags.append((float(seconds), max(0, routing.lsn(at) - routing.lsn(replayed))))
                stop.wait(0.1)
            watch.dispose()
            main_engine.dispose()

        def read_round(replica_url: str | None, rng: random.Random) -> tuple[list[float], int]:
            settings.database_replica_url = replica_url
            routing.forget()
            timings: list[float] = []
            on_replica = 0
            for _ in range(args.reads):
                query = SearchQuery(q=rng.choice(words))
                slug = rng.choice(slugs)

                def page(db, query=query, slug=slug):
                    return (
                        search(db, query),
                        solutions.get_solution(db, None, slug),
                        routing.on_replica(db),
                    )

                started = time.perf_counter()
                _found, _detail, there = routing.catalog_read(page, None)
                timings.append((time.perf_counter() - started) * 1000)
                on_replica += there
            return timings, on_replica

        threads = [threading.Thread(target=write_load), threading.Thread(target=sample_lag)]
        for thread in threads:
            thread.start()
        load_before = os.getloadavg()
        began = time.monotonic()
        p50 = {"primary": [], "replica": []}
        p95 = {"primary": [], "replica": []}
        share: list[float] = []
        try:
            read_round(None, random.Random(0))  # warm both: plans, pools, the worker's copies
            read_round(standby.url, random.Random(0))
            for n in range(args.rounds):
                order = [("primary", None), ("replica", standby.url)]
                for name, url in order if n % 2 == 0 else order[::-1]:
                    timings, there = read_round(url, random.Random(100 + n))
                    p50[name].append(pct(timings, 0.5))
                    p95[name].append(pct(timings, 0.95))
                    if name == "replica":
                        share.append(there / len(timings))
        finally:
            stop.set()
            for thread in threads:
                thread.join()
        elapsed = time.monotonic() - began
        load_after = os.getloadavg()

    print(
        f"catalog of {args.solutions} generated solutions; {args.rounds} rounds of {args.reads} page reads per source"
    )
    print(
        f"write load: {written[0] / elapsed:.0f} transactions/s on the primary (asked {args.writes}/s)"
    )
    for name in ("primary", "replica"):
        print(
            f"  {name:8} p50 {statistics.median(p50[name]):6.1f} ms   p95 {statistics.median(p95[name]):6.1f} ms"
        )
    print(f"  reads the replica answered when configured: {statistics.median(share) * 100:.1f} %")
    seconds = [s for s, _ in lags] or [0.0]
    behind = [b for _, b in lags] or [0]
    print(
        f"replica lag ({len(lags)} samples): p50 {pct(seconds, 0.5) * 1000:.1f} ms, p95 {pct(seconds, 0.95) * 1000:.1f} ms,"
        f" max {max(seconds) * 1000:.1f} ms; WAL not yet replayed p50 {pct(behind, 0.5)} B, max {max(behind)} B"
    )
    print(
        f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} (1 min), on {os.cpu_count()} cores"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
