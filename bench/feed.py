"""Home feed benchmark: the first page's latency for a reader who follows 1,000 people.

``.venv/bin/python bench/feed.py [--users 100000 --edges 5000000 --reads 100 --rounds 5]``
against the database ``AIXPLORE_DATABASE_URL`` names (and Redis, when ``AIXPLORE_REDIS_URL``
is set), which it migrates and fills: ``--users`` people with profiles, ``--edges`` random
follow edges (the reader's 1,000 among them; bulk-loaded: COPY on PostgreSQL, one executemany
on SQLite), three hosted events per person the reader follows, each a feed item already
fanned out into the reader's timeline, and ``--fan-in`` of those people above the fan-in
threshold (their items read at read time). It then reads the reader's first page (20 items,
through ``domain/social/feed.read_feed``, the function /feed calls) in rounds, with the code
of the ``--baseline`` commit (``bench/baseline.py``) and the current code in turns, and prints
the medians of the rounds' p50 and p95 in milliseconds, this process's CPU per page and the
load average, plus one "N new" count. Use a scratch database: it is emptied of social rows
first and left filled (``--reuse`` keeps an earlier fill).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
from sqlalchemy import delete, insert, text, update

from aixplore.cli import migrate
from aixplore.core.db import get_engine, session_scope
from aixplore.core.settings import get_settings
from aixplore.core.time import utcnow
from aixplore.domain import tables  # noqa: F401
from aixplore.domain.accounts.models import Actor, PlatformRole, User
from aixplore.domain.activity.models import FeedItem, FeedKind
from aixplore.domain.events.models import Event
from aixplore.domain.relations.models import Follow
from aixplore.domain.social import feed
from aixplore.domain.social.models import Profile, TimelineEntry
from bench import baseline
from bench.bulk import batched

CHUNK = 50_000
BASELINE = "f43a7c9"  # before the one-statement fan-in and entries (round 7)
OLD_MODULES = [
    "aixplore.domain.social.timeline",
    "aixplore.domain.social.items",
    "aixplore.domain.social.feed",
]
EMAIL = "feed-bench-{}@bench.invalid"


def _random_pairs(ids: list[int], reader: int, followed: list[int], edges: int) -> list:
    """``edges`` distinct (follower, followee) pairs, the reader's follows among them, sorted."""
    gen = np.random.default_rng(7)
    low, span = ids[0], len(ids)
    codes = np.array([(reader - low) * span + (f - low) for f in followed], dtype=np.int64)
    while len(codes) < edges:
        a = gen.integers(0, span, size=edges - len(codes) + edges // 50, dtype=np.int64)
        b = gen.integers(0, span, size=len(a), dtype=np.int64)
        drawn = (a * span + b)[(a != b) & (a != reader - low)]  # the reader's follows are set
        codes = np.unique(np.concatenate([codes, drawn]))
    mine = np.array([(reader - low) * span + (f - low) for f in followed], dtype=np.int64)
    others = np.setdiff1d(codes, mine)[: edges - len(mine)]
    codes = np.sort(np.concatenate([mine, others]))
    return list(zip((codes // span + low).tolist(), (codes % span + low).tolist(), strict=True))


def _load_follows(engine, pairs: list[tuple[int, int]], now) -> None:
    """Bulk-load follow edges: COPY on PostgreSQL, one big executemany on SQLite."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if engine.dialect.name == "postgresql":
            stamp = now.isoformat()
            with cursor.copy(  # type: ignore[attr-defined]
                "COPY follow (follower_id, followee_id, created_at) FROM STDIN"
            ) as copy:
                for batch in batched(pairs, 200_000):
                    copy.write("".join(f"{a}\t{b}\t{stamp}\n" for a, b in batch))
        else:
            stamp = now.strftime("%Y-%m-%d %H:%M:%S.%f")
            cursor.executemany(
                "INSERT INTO follow (follower_id, followee_id, created_at) VALUES (?, ?, ?)",
                ((a, b, stamp) for a, b in pairs),
            )
        raw.commit()
    finally:
        raw.close()


def _fill(users: int, edges: int, following: int, fan_in: int) -> tuple[int, int]:
    engine = get_engine()
    now = utcnow()
    with engine.begin() as conn:
        for table in (TimelineEntry, FeedItem, Follow, Profile):
            conn.execute(delete(table))
        conn.execute(text("DELETE FROM event WHERE title LIKE 'Bench event %'"))
        conn.execute(text("DELETE FROM \"user\" WHERE email LIKE 'feed-bench-%'"))
        start = conn.execute(text('SELECT COALESCE(MAX(id), 0) FROM "user"')).scalar_one() + 1
    ids = list(range(start, start + users))
    started = time.perf_counter()
    with engine.begin() as conn:
        for batch in batched(ids, CHUNK):
            conn.execute(
                insert(User),
                [
                    {
                        "id": i,
                        "email": EMAIL.format(i),
                        "display_name": f"Person {i}",
                        "bio": "",
                        "role": PlatformRole.MEMBER,
                        "created_at": now,
                    }
                    for i in batch
                ],
            )
            conn.execute(
                insert(Profile),
                [
                    {
                        "user_id": i,
                        "handle": f"user{i}",
                        "handle_key": f"user{i}",
                        "visibility": "public",
                        "updated_at": now,
                    }
                    for i in batch
                ],
            )
        if conn.dialect.name == "postgresql":  # ids given here: the next sign-up comes after them
            conn.execute(
                text("SELECT setval(pg_get_serial_sequence('\"user\"', 'id'), :last)"),
                {"last": ids[-1]},
            )
    reader, rng = ids[0], random.Random(7)
    followed = rng.sample(ids[1:], following)
    pairs = _random_pairs(ids, reader, followed, edges)
    _load_follows(engine, pairs, now)
    del pairs
    print(f"users and {edges:,} follow edges in {time.perf_counter() - started:.0f} s")
    big = followed[:fan_in]
    with engine.begin() as conn:
        conn.execute(
            update(Profile)
            .where(Profile.user_id.in_(big))  # type: ignore[attr-defined]
            .values(follower_count=feed.fan_in_threshold() + 1)
        )
        events = [
            {
                "organizer_id": f,
                "title": f"Bench event {f}-{n}",
                "description_md": "",
                "description_html": "",
                "starts_at": now + timedelta(days=10),
                "ends_at": now + timedelta(days=10, hours=1),
                "timezone": "UTC",
                "capacity": 10,
                "status": "scheduled",
                "created_at": now,
                "updated_at": now,
            }
            for f in followed
            for n in range(3)
        ]
        made = conn.execute(insert(Event).returning(Event.id, Event.organizer_id), events).all()
        made = sorted(made)
        conn.execute(
            insert(FeedItem),
            [
                {
                    "actor_id": org,
                    "kind": FeedKind.EVENT_HOSTED,
                    "subject_id": eid,
                    "created_at": now,
                    "fanned_out_at": now,
                }
                for eid, org in made
            ],
        )
        items = conn.execute(text("SELECT id, actor_id FROM feed_item")).all()
        conn.execute(
            insert(TimelineEntry),
            [{"user_id": reader, "item_id": i} for i, actor in items if actor not in set(big)],
        )
    return reader, max(i for i, _ in items)


def _existing() -> tuple[int, int] | None:
    """The reader and newest item of an earlier fill (``--reuse``), or None."""
    with get_engine().connect() as conn:
        reader = conn.execute(
            text("SELECT MIN(id) FROM \"user\" WHERE email LIKE 'feed-bench-%'")
        ).scalar_one()
        newest = conn.execute(text("SELECT MAX(id) FROM feed_item")).scalar_one()
    return (reader, newest) if reader and newest else None


CPU: dict[str, list[float]] = {}  # this process's CPU ms per read, by code


def _time(read, actor: Actor, reads: int, name: str = "") -> list[float]:
    timings = []
    cpu = time.process_time()
    for _ in range(reads):
        started = time.perf_counter()
        with session_scope() as db:
            page = read(db, actor, limit=20)
        timings.append((time.perf_counter() - started) * 1000)
    CPU.setdefault(name, []).append((time.process_time() - cpu) * 1000 / reads)
    assert len(page.items) == 20
    return timings


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100)[94]


def main() -> None:
    """Fill, then time the first page: the previous code and the current one, in turns."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--edges", type=int, default=5_000_000)
    parser.add_argument("--following", type=int, default=1_000)
    parser.add_argument("--fan-in", type=int, default=5)
    parser.add_argument("--reads", type=int, default=100, help="reads per round and code")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--baseline", default=BASELINE, help="the commit to compare with")
    parser.add_argument("--reuse", action="store_true", help="keep an earlier fill")
    args = parser.parse_args()
    migrate()
    engine = get_engine()
    found = _existing() if args.reuse else None
    reader, newest = found or _fill(args.users, args.edges, args.following, args.fan_in)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:  # as autovacuum would after such a load
            conn.exec_driver_sql("ANALYZE")
    old = baseline.load(args.baseline, OLD_MODULES)["aixplore.domain.social.feed"]
    actor = Actor(
        user_id=reader, email=EMAIL.format(reader), display_name="R", role=PlatformRole.MEMBER
    )
    codes = {f"baseline {args.baseline}": old.read_feed, "current": feed.read_feed}
    p95s: dict[str, list[float]] = {name: [] for name in codes}
    p50s: dict[str, list[float]] = {name: [] for name in codes}
    for read in codes.values():
        _time(read, actor, 10)  # warm both: caches, Redis sets, prepared plans
    for n in range(args.rounds):
        for name, read in codes.items():
            timings = _time(read, actor, args.reads, name)
            p95s[name].append(_p95(timings))
            p50s[name].append(statistics.median(timings))
        print(
            f"round {n + 1}: "
            + ", ".join(f"{name} p95 {p95s[name][-1]:.1f} ms" for name in codes)
            + f"; load {os.getloadavg()[0]:.1f}",
            flush=True,
        )
    with session_scope() as db:
        started = time.perf_counter()
        count = feed.count_new(db, actor, newest - 30)
        new_ms = (time.perf_counter() - started) * 1000
    redis = " + Redis" if get_settings().redis_url else ""
    print(
        f"{engine.dialect.name}{redis}: {args.users:,} users, {args.edges:,} edges, reader "
        f"follows {args.following:,} ({args.fan_in} fanned in); first page, median of "
        f"{args.rounds} rounds of {args.reads} reads; load average "
        + " ".join(f"{x:.1f}" for x in os.getloadavg())
    )
    for name in codes:
        print(
            f"  {name}: p50 {statistics.median(p50s[name]):.1f} ms, "
            f"p95 {statistics.median(p95s[name]):.1f} ms; this process's CPU "
            f"{statistics.median(CPU[name]):.1f} ms a page"
        )
    print(f"  'N new' ({count}) {new_ms:.1f} ms")


if __name__ == "__main__":
    main()
