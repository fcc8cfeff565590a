"""Home feed benchmark: the first page's latency for a reader who follows 1,000 people.

``.venv/bin/python bench/feed.py [--users 100000 --edges 5000000]`` against the database
``AIXPLORE_DATABASE_URL`` names (and Redis, when ``AIXPLORE_REDIS_URL`` is set), which it
migrates and fills: ``--users`` people with profiles, ``--edges`` random follow edges (the
reader's 1,000 among them), three hosted events per person the reader follows, each a feed
item already fanned out into the reader's timeline, and ``--fan-in`` of those people above the
fan-in threshold (their items read at read time). It then reads the reader's first page
(20 items, through ``domain/social/feed.read_feed``, the function /feed calls) ``--reads``
times and prints p50 and p95 in milliseconds, plus one "N new" count. Use a scratch database:
it is emptied of social rows first and left filled.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import delete, insert, text, update

from aixplore.cli import migrate
from aixplore.core.db import get_engine, session_scope
from aixplore.core.time import utcnow
from aixplore.domain import tables  # noqa: F401
from aixplore.domain.accounts.models import Actor, PlatformRole, User
from aixplore.domain.activity.models import FeedItem, FeedKind
from aixplore.domain.events.models import Event
from aixplore.domain.relations.models import Follow
from aixplore.domain.social import feed
from aixplore.domain.social.models import Profile, TimelineEntry

CHUNK = 50_000
EMAIL = "feed-bench-{}@bench.invalid"


def _chunks(rows, size: int = CHUNK):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


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
        for batch in _chunks(ids):
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
    reader, rng = ids[0], random.Random(7)
    followed = rng.sample(ids[1:], following)
    pairs = {(reader, f) for f in followed}
    while len(pairs) < edges:
        a, b = rng.choice(ids), rng.choice(ids)
        if a != b:
            pairs.add((a, b))
    with engine.begin() as conn:
        for batch in _chunks(pairs):
            conn.execute(
                insert(Follow),
                [{"follower_id": a, "followee_id": b, "created_at": now} for a, b in batch],
            )
    print(f"users and {len(pairs):,} follow edges in {time.perf_counter() - started:.0f} s")
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


def main() -> None:
    """Fill, then time the first page."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--edges", type=int, default=5_000_000)
    parser.add_argument("--following", type=int, default=1_000)
    parser.add_argument("--fan-in", type=int, default=5)
    parser.add_argument("--reads", type=int, default=200)
    args = parser.parse_args()
    migrate()
    engine = get_engine()
    reader, newest = _fill(args.users, args.edges, args.following, args.fan_in)
    actor = Actor(
        user_id=reader, email=EMAIL.format(reader), display_name="R", role=PlatformRole.MEMBER
    )
    timings = []
    for _ in range(args.reads):
        started = time.perf_counter()
        with session_scope() as db:
            page = feed.read_feed(db, actor, limit=20)
        timings.append((time.perf_counter() - started) * 1000)
    assert len(page.items) == 20
    with session_scope() as db:
        started = time.perf_counter()
        count = feed.count_new(db, actor, newest - 30)
        new_ms = (time.perf_counter() - started) * 1000
    timings.sort()
    print(
        f"{engine.dialect.name}: {args.users:,} users, {args.edges:,} edges, reader follows "
        f"{args.following:,} ({args.fan_in} fanned in); first page p50 "
        f"{statistics.median(timings):.1f} ms, p95 {timings[int(len(timings) * 0.95) - 1]:.1f} ms "
        f"over {args.reads} reads; 'N new' ({count}) {new_ms:.1f} ms"
    )


if __name__ == "__main__":
    main()
