"""Forum benchmark: a 10,000-reply thread's pages, and forum search over a generated corpus.

``.venv/bin/python bench/forums.py [--replies 10000 --posts 200000 --reads 200]`` against the
database ``AIXPLORE_DATABASE_URL`` names (migrated here). It makes one category, one thread
of ``--replies`` replies, and ``--posts`` more posts spread over 1,000 threads whose bodies
hold 2 to 6 of 34 topical words among 30 words of a long-tailed filler vocabulary; then reads random pages of the long thread (through
``reading.read_thread``, what /forums/t/<id> calls, as a signed-in reader so read positions
are written too) and searches two-word queries (``search.search_forums``, what the forum
search calls), ``--reads`` times each, and prints p50 and p95 in milliseconds. Use a scratch
database: forum rows are deleted first and left filled.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import delete, insert

from aixplore.cli import migrate
from aixplore.core.db import get_engine, session_scope
from aixplore.core.time import utcnow
from aixplore.domain import tables  # noqa: F401
from aixplore.domain.accounts.models import Actor, PlatformRole, User
from aixplore.domain.forums import reading, search
from aixplore.domain.forums.models import ForumCategory, ForumPost, ForumThread, ForumThreadRead

WORDS = [
    "model",
    "prompt",
    "summary",
    "invoice",
    "translate",
    "agent",
    "vector",
    "embedding",
    "latency",
    "token",
    "budget",
    "image",
    "speech",
    "retrieval",
    "ranking",
    "legal",
    "medical",
    "finance",
    "code",
    "review",
    "deploy",
    "cache",
    "chart",
    "dataset",
    "label",
    "vision",
    "audio",
    "schedule",
    "meeting",
    "email",
    "contract",
    "risk",
    "forecast",
]
CHUNK = 20_000


# Filler: 20,000 made-up words, a few of them common (a long tail, as in real text).
FILLER = [f"{a}{b}{c}" for a in "bcdfgklmnprstvz" for b in "aeiouy" for c in range(223)]


def _body(rng: random.Random) -> str:
    topical = [rng.choice(WORDS) for _ in range(rng.randint(2, 6))]
    filler = [FILLER[min(int(rng.paretovariate(1.1)) - 1, len(FILLER) - 1)] for _ in range(30)]
    return " ".join(topical + filler)


def _fill(replies: int, posts: int) -> tuple[int, Actor]:
    engine = get_engine()
    rng = random.Random(7)
    now = utcnow()
    with engine.begin() as conn:
        for table in (ForumThreadRead, ForumPost, ForumThread, ForumCategory):
            conn.execute(delete(table))
    with session_scope() as db:
        user = db.query(User).filter_by(email="forum-bench@bench.invalid").first()
        if user is None:
            user = User(email="forum-bench@bench.invalid", display_name="Bench Reader")
            db.add(user)
            db.flush()
        category = ForumCategory(name="Bench", slug="bench")
        db.add(category)
        db.flush()
        threads = [
            ForumThread(category_id=category.id or 0, author_id=user.id or 0, title=f"Thread {i}")
            for i in range(1001)
        ]
        db.add_all(threads)
        db.flush()
        ids = [t.id or 0 for t in threads]
        actor = Actor(
            user_id=user.id or 0, email=user.email, display_name="Bench", role=PlatformRole.MEMBER
        )
    counts = dict.fromkeys(ids, 0)

    def rows():
        for n in range(1, replies + 2):
            counts[ids[0]] += 1
            yield {
                "thread_id": ids[0],
                "author_id": actor.user_id,
                "number": n,
                "title": "",
                "body_md": _body(rng),
                "body_html": "<p>x</p>",
                "edit_count": 0,
                "hidden_reason": "",
                "deleted_reason": "",
                "created_at": now,
            }
        for _ in range(posts):
            tid = rng.choice(ids[1:])
            counts[tid] += 1
            body = _body(rng)
            yield {
                "thread_id": tid,
                "author_id": actor.user_id,
                "number": counts[tid],
                "title": "",
                "body_md": body,
                "body_html": f"<p>{body}</p>",
                "edit_count": 0,
                "hidden_reason": "",
                "deleted_reason": "",
                "created_at": now,
            }

    batch: list[dict] = []
    with engine.begin() as conn:
        for row in rows():
            batch.append(row)
            if len(batch) == CHUNK:
                conn.execute(insert(ForumPost), batch)
                batch = []
        if batch:
            conn.execute(insert(ForumPost), batch)
    with session_scope() as db:
        for tid, n in counts.items():
            thread = db.get(ForumThread, tid)
            assert thread is not None
            thread.post_count = n
            db.add(thread)
    with engine.begin() as conn:  # as autovacuum would after such a load
        conn.exec_driver_sql("ANALYZE")
    return ids[0], actor


def _p(samples: list[float]) -> str:
    cuts = statistics.quantiles(samples, n=100)
    return f"p50 {cuts[49]:.1f} ms, p95 {cuts[94]:.1f} ms"


def main() -> None:
    """Fill, read, search, print."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--replies", type=int, default=10_000)
    parser.add_argument("--posts", type=int, default=200_000)
    parser.add_argument("--reads", type=int, default=200)
    args = parser.parse_args()
    migrate()
    started = time.perf_counter()
    long_thread, reader = _fill(args.replies, args.posts)
    print(
        f"filled {args.replies + args.posts + 1:,} posts in {time.perf_counter() - started:.0f} s"
    )
    rng = random.Random(11)
    pages = -(-(args.replies + 1) // reading.POSTS_PER_PAGE)
    timings = []
    for _ in range(args.reads):
        page = rng.randint(1, pages)
        t0 = time.perf_counter()
        with session_scope() as db:
            reading.read_thread(db, reader, long_thread, page)
        timings.append((time.perf_counter() - t0) * 1000)
    print(f"thread page ({args.replies:,} replies, {pages} pages): {_p(timings)}")
    timings = []
    for _ in range(args.reads):
        q = f"{rng.choice(WORDS)} {rng.choice(WORDS)}"
        t0 = time.perf_counter()
        with session_scope() as db:
            search.search_forums(db, reader, q)
        timings.append((time.perf_counter() - t0) * 1000)
    print(f"forum search ({args.replies + args.posts + 1:,} posts): {_p(timings)}")
    print(f"engine: {get_engine().dialect.name}")


if __name__ == "__main__":
    main()
