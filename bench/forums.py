"""Forum benchmark: a 10,000-reply thread's pages, and forum search over 1,000,000 posts.

``.venv/bin/python bench/forums.py [--replies 10000 --posts 1000000 --reads 100 --rounds 5]``
against the database ``AIXPLORE_DATABASE_URL`` names (migrated here). It makes one category,
one thread of ``--replies`` replies, and ``--posts`` more posts spread over 1,000 threads
whose bodies hold 2 to 6 of 34 topical words among 30 words of a long-tailed filler
vocabulary (bulk-loaded: COPY on PostgreSQL, one executemany on SQLite). Then, in rounds, it
reads random pages of the long thread (``reading.read_thread``, what /forums/t/<id> calls,
as a signed-in reader so read positions and trust counters are written too) and searches
two-word queries (``search.search_forums``), each with the code of the ``--baseline``
commit and with the current code in turns, and prints the medians of the rounds' p50 and
p95 in milliseconds beside the load average. Use a scratch database: forum rows are deleted
first and left filled (``--reuse`` keeps them for another run).
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import bindparam, delete, update
from sqlmodel import col, func, select

from aixplore.cli import migrate
from aixplore.core.db import get_engine, session_scope
from aixplore.core.settings import get_settings
from aixplore.core.time import utcnow
from aixplore.domain import tables  # noqa: F401
from aixplore.domain.accounts.models import Actor, PlatformRole, User
from aixplore.domain.forums import reading, search
from aixplore.domain.forums.models import ForumCategory, ForumPost, ForumThread, ForumThreadRead
from bench import baseline
from bench.bulk import batched

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
BASELINE = "f43a7c9"  # before round 7's thread pages and search
OLD_MODULES = [
    "aixplore.domain.social.people",
    "aixplore.domain.forums.trust",
    "aixplore.domain.forums.reading",
    "aixplore.domain.forums.search",
]


# Filler: 20,000 made-up words, a few of them common (a long tail, as in real text).
FILLER = [f"{a}{b}{c}" for a in "bcdfgklmnprstvz" for b in "aeiouy" for c in range(223)]


# The filler's long tail: word k (0-based) as often as int(paretovariate(1.1)) - 1 == k.
_TAIL = [(k + 1) ** -1.1 - (k + 2) ** -1.1 for k in range(len(FILLER) - 1)]
_CUMULATIVE = list(itertools.accumulate([*_TAIL, 1.0 - sum(_TAIL)]))


def _body(rng: random.Random) -> str:
    topical = [rng.choice(WORDS) for _ in range(rng.randint(2, 6))]
    filler = rng.choices(FILLER, cum_weights=_CUMULATIVE, k=30)
    return " ".join(topical + filler)


def _clear_and_start() -> tuple[int, list[int], Actor]:
    """Empty the forum tables; one category, 1,001 threads and the reader."""
    with get_engine().begin() as conn:
        for table in (ForumThreadRead, ForumPost, ForumThread, ForumCategory):
            conn.execute(delete(table))
    with session_scope() as db:
        user = db.exec(select(User).where(User.email == "forum-bench@bench.invalid")).first()
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
        actor = Actor(
            user_id=user.id or 0, email=user.email, display_name="Bench", role=PlatformRole.MEMBER
        )
        return category.id or 0, [t.id or 0 for t in threads], actor


def _rows(replies: int, posts: int, ids: list[int], author: int, counts: dict[int, int]):
    """(thread_id, author_id, number, body_md, body_html): the long thread, then the rest."""
    rng = random.Random(7)
    for n in range(1, replies + 2):
        counts[ids[0]] += 1
        yield (ids[0], author, n, _body(rng), "<p>x</p>")
    for _ in range(posts):
        tid = rng.choice(ids[1:])
        counts[tid] += 1
        body = _body(rng)
        yield (tid, author, counts[tid], body, f"<p>{body}</p>")


# The generated columns, then the ones every row shares ("", 0, "", "", the fill's time).
COLUMNS = (
    "thread_id, author_id, number, body_md, body_html, "
    "title, edit_count, hidden_reason, deleted_reason, created_at"
)


def _load_posts(rows, now) -> None:
    """Bulk-load posts: COPY on PostgreSQL (the search indexes rebuilt once, after), one
    executemany on SQLite (its full-text table filled by the insert trigger)."""
    engine = get_engine()
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if engine.dialect.name == "postgresql":
            # The search indexes are rebuilt once, after the load (RUM only where it was).
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", (search.RUM_INDEX,))
            rum = cursor.fetchone() is not None
            cursor.execute("DROP INDEX IF EXISTS ix_forum_post_search")
            cursor.execute(f"DROP INDEX IF EXISTS {search.RUM_INDEX}")
            tail = "\t".join(["", "", "0", "", "", now.isoformat()])
            with cursor.copy(  # type: ignore[attr-defined]
                f"COPY forum_post ({COLUMNS}) FROM STDIN"
            ) as copy:
                for batch in batched(rows, CHUNK):
                    copy.write(
                        "".join(
                            f"{t}\t{a}\t{n}\t{md}\t{html}{tail}\n" for t, a, n, md, html in batch
                        )
                    )
            cursor.execute("SET maintenance_work_mem = '512MB'")
            cursor.execute(
                "CREATE INDEX ix_forum_post_search ON forum_post USING gin (search_vector)"
            )
            if rum:
                cursor.execute(
                    f"CREATE INDEX {search.RUM_INDEX} ON forum_post "
                    "USING rum (search_vector rum_tsvector_ops)"
                )
        else:
            stamp = now.strftime("%Y-%m-%d %H:%M:%S.%f")
            cursor.executemany(
                f"INSERT INTO forum_post ({COLUMNS}) VALUES (?, ?, ?, ?, ?, '', 0, '', '', ?)",
                ((*row, stamp) for row in rows),
            )
        raw.commit()
    finally:
        raw.close()


def _fill(replies: int, posts: int) -> tuple[int, Actor]:
    _category, ids, actor = _clear_and_start()
    counts = dict.fromkeys(ids, 0)
    _load_posts(_rows(replies, posts, ids, actor.user_id, counts), utcnow())
    with get_engine().begin() as conn:
        conn.execute(
            update(ForumThread)
            .where(col(ForumThread.id) == bindparam("tid"))
            .values(post_count=bindparam("n")),
            [{"tid": tid, "n": n} for tid, n in counts.items()],
        )
        conn.exec_driver_sql("ANALYZE")  # as autovacuum would after such a load
    return ids[0], actor


def _existing() -> tuple[int, Actor, int] | None:
    """The long thread, the reader and the post count of an earlier fill (``--reuse``)."""
    with session_scope() as db:
        user = db.exec(select(User).where(User.email == "forum-bench@bench.invalid")).first()
        first = db.exec(select(ForumThread.id).order_by(col(ForumThread.id)).limit(1)).first()
        total = db.exec(select(func.count()).select_from(ForumPost)).one()
        if user is None or first is None or not total:
            return None
        actor = Actor(
            user_id=user.id or 0, email=user.email, display_name="Bench", role=PlatformRole.MEMBER
        )
        return first, actor, total


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100)[94]


def _rounds(title: str, codes: dict, make_args, args) -> None:
    """Time each code ``args.reads`` times a round, in turns; print the medians of rounds."""
    p50s: dict[str, list[float]] = {name: [] for name in codes}
    p95s: dict[str, list[float]] = {name: [] for name in codes}
    for call in codes.values():  # warm both
        for _ in range(5):
            with session_scope() as db:
                call(db, *make_args(random.Random(3)))
    cpu: dict[str, list[float]] = {name: [] for name in codes}
    for n in range(args.rounds):
        for name, call in codes.items():
            rng, timings = random.Random(11 + n), []
            used = time.process_time()
            for _ in range(args.reads):
                call_args = make_args(rng)
                t0 = time.perf_counter()
                with session_scope() as db:
                    call(db, *call_args)
                timings.append((time.perf_counter() - t0) * 1000)
            cpu[name].append((time.process_time() - used) * 1000 / args.reads)
            p50s[name].append(statistics.median(timings))
            p95s[name].append(_p95(timings))
        print(
            f"  round {n + 1}: "
            + ", ".join(f"{name} p95 {p95s[name][-1]:.1f} ms" for name in codes)
            + f"; load {os.getloadavg()[0]:.1f}",
            flush=True,
        )
    print(f"{title}; median of {args.rounds} rounds of {args.reads}:")
    for name in codes:
        print(
            f"  {name}: p50 {statistics.median(p50s[name]):.1f} ms, "
            f"p95 {statistics.median(p95s[name]):.1f} ms; this process's CPU "
            f"{statistics.median(cpu[name]):.1f} ms a call"
        )


def main() -> None:
    """Fill, then read pages and search: the previous code and the current one, in turns."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--replies", type=int, default=10_000)
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--reads", type=int, default=100, help="per round and code")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--baseline", default=BASELINE, help="the commit to compare with")
    parser.add_argument("--reuse", action="store_true", help="keep an earlier fill")
    args = parser.parse_args()
    migrate()
    found = _existing() if args.reuse else None
    if found is None:
        started = time.perf_counter()
        long_thread, reader = _fill(args.replies, args.posts)
        total = args.replies + args.posts + 1
        print(f"filled {total:,} posts in {time.perf_counter() - started:.0f} s", flush=True)
    else:
        long_thread, reader, total = found
    old = baseline.load(args.baseline, OLD_MODULES)
    engine = get_engine().dialect.name + (" + Redis" if get_settings().redis_url else "")
    print(f"{engine}; load average " + " ".join(f"{x:.1f}" for x in os.getloadavg()))
    with session_scope() as db:
        posts = db.get_one(ForumThread, long_thread).post_count
    pages = -(-posts // reading.POSTS_PER_PAGE)
    page_args = lambda rng: (reader, long_thread, rng.randint(1, pages))  # noqa: E731
    _rounds(
        f"thread page ({posts - 1:,} replies, {pages} pages)",
        {
            f"baseline {args.baseline}": old["aixplore.domain.forums.reading"].read_thread,
            "current": reading.read_thread,
        },
        page_args,
        args,
    )
    query_args = lambda rng: (reader, f"{rng.choice(WORDS)} {rng.choice(WORDS)}")  # noqa: E731
    _rounds(
        f"forum search ({total:,} posts, two-word queries)",
        {
            f"baseline {args.baseline}": old["aixplore.domain.forums.search"].search_forums,
            "current": search.search_forums,
        },
        query_args,
        args,
    )
    print("load average " + " ".join(f"{x:.1f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
