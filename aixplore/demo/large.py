"""A large generated catalog for benchmarks: many solutions inserted in bulk.

Rows go in with multi-row ``INSERT`` statements in batches of a few thousand, one transaction
per batch, bypassing the services (which would take hours for 100,000 listings). The search
index follows by itself: SQLite triggers fill the FTS5 table and PostgreSQL computes the
tsvector column. Ratings are set as aggregates without review rows. Every run adds ``count``
new solutions with slugs that cannot collide with earlier runs.
"""

from __future__ import annotations

import html
import math
import random
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, text
from sqlmodel import Session, col, select

from aixplore.core import cache
from aixplore.core.security import hash_password
from aixplore.core.time import utcnow
from aixplore.demo.content import CATALOG, LARGE_SUFFIXES, LARGE_WORDS, CategoryContent
from aixplore.demo.plan import DEMO_PASSWORD, PRICING_WEIGHTS
from aixplore.domain.accounts.models import User
from aixplore.domain.solutions.models import Category, Solution, SolutionTag, rating_score
from aixplore.domain.solutions.search import CATALOG as SEARCH_CATALOG
from aixplore.domain.solutions.services import slugify

SessionFactory = Callable[[], AbstractContextManager[Session]]

BENCH_DOMAIN = "bench.aixplore.dev"
PUBLISHER_COUNT = 500
BATCH_SIZE = 5000
# Made-up code names, each in about one listing of a thousand: the "rare word" queries.
RARE_WORDS = (
    "halcyon",
    "orrery",
    "tamarind",
    "zanzibar",
    "quokka",
    "marzipan",
    "obsidian",
    "sextant",
    "galleon",
    "juniper",
)


@dataclass
class LargeReport:
    """What a large seeding run added."""

    solutions: int
    tags: int
    publishers: int
    seconds: float = 0.0


def _category_words(content: CategoryContent) -> list[str]:
    words = {w for name, _ in content.products for w in name.split() if len(w) >= 4}
    return sorted(words)


def _publisher_ids(session: Session, emails: list[str]) -> dict[str, int]:
    rows = session.exec(select(User.email, User.id).where(col(User.email).in_(emails))).all()
    return {email: user_id for email, user_id in rows if user_id is not None}


def _ensure_publishers(session: Session, now: datetime) -> tuple[list[int], int]:
    emails = [f"publisher-{n:04d}@{BENCH_DOMAIN}" for n in range(PUBLISHER_COUNT)]
    found = _publisher_ids(session, emails)
    missing = [e for e in emails if e not in found]
    if missing:
        shared_hash = hash_password(DEMO_PASSWORD)
        rows = [
            {
                "email": email,
                "display_name": f"Bench Publisher {emails.index(email):04d}",
                "bio": "",
                "password_hash": shared_hash,
                "role": "member",
                "email_verified_at": now,
                "password_changed_at": now,
                # Roughly one in eight publishers carries the verified badge.
                "verified_publisher_at": now if emails.index(email) % 8 == 0 else None,
                "created_at": now,
            }
            for email in missing
        ]
        session.connection().execute(insert(User), rows)
        found = _publisher_ids(session, emails)
    return [found[e] for e in emails], len(missing)


def _description(rng: random.Random, content: CategoryContent, name: str, tagline: str) -> tuple:
    features = rng.sample(content.features, 3)
    how = rng.choice(content.how)
    extra = ""
    if rng.random() < 0.01:
        extra = f"Code name: {rng.choice(RARE_WORDS).capitalize()}."
    md = (
        f"**{name}**: {tagline[0].lower()}{tagline[1:]}.\n\n"
        + "".join(f"- {f}\n" for f in features)
        + f"\n{how} {extra}".rstrip()
    )
    body = (
        f"<p><strong>{html.escape(name)}</strong>: {html.escape(tagline[0].lower() + tagline[1:])}."
        "</p>\n<ul>\n"
        + "".join(f"<li>{html.escape(f)}</li>\n" for f in features)
        + f"</ul>\n<p>{html.escape(f'{how} {extra}'.rstrip())}</p>\n"
    )
    return md, body


def _rows(
    rng: random.Random,
    start: int,
    size: int,
    categories: dict[str, int],
    owners: list[int],
    now: datetime,
) -> tuple[list[dict[str, Any]], list[list[str]]]:
    words = {c.slug: _category_words(c) for c in CATALOG}
    pricing_values = [p.value for p in PRICING_WEIGHTS]
    pricing_weights = list(PRICING_WEIGHTS.values())
    now_days = now.timestamp() / 86400
    rows: list[dict[str, Any]] = []
    tags: list[list[str]] = []
    for n in range(start, start + size):
        content = rng.choice(CATALOG)
        name = f"{rng.choice(LARGE_WORDS)} {rng.choice(words[content.slug])}"
        if rng.random() < 0.5:
            name += f" {rng.choice(LARGE_SUFFIXES)}"
        tagline = rng.choice(content.products)[1]
        slug = f"{slugify(name)}-{n}"
        md, body = _description(rng, content, name, tagline)
        chosen = rng.sample(content.tags, rng.randint(2, 6))
        quality = min(4.95, max(1.2, rng.gauss(3.8, 0.7)))
        count = 0 if rng.random() < 0.3 else int(rng.expovariate(1 / 14)) + 1
        dist = [0] * 5
        for _ in range(min(count, 60)):
            dist[min(5, max(1, round(rng.gauss(quality, 0.9)))) - 1] += 1
        if count > 60:  # scale a sample up instead of drawing hundreds of ratings
            dist = [round(d * count / 60) for d in dist]
        total = sum(dist)
        avg = round(sum((i + 1) * d for i, d in enumerate(dist)) / total, 4) if total else 0.0
        trending = 0.0
        if total and rng.random() < 0.6:
            trending = (now_days - rng.uniform(0, 60)) / 3 + math.log(3 * min(total, 20))
        published = now - timedelta(days=rng.uniform(0, 900))
        roll = rng.random()
        status = "draft" if roll < 0.02 else "archived" if roll < 0.03 else "published"
        rows.append(
            {
                "owner_id": rng.choice(owners),
                "category_id": categories[content.slug],
                "slug": slug[:80],
                "name": name,
                "tagline": tagline,
                "description_md": md,
                "description_html": body,
                "tags_text": " ".join(chosen),
                "pricing": rng.choices(pricing_values, weights=pricing_weights)[0],
                "status": status,
                "website_url": f"https://{slug[:60]}.example.com",
                "repository_url": "",
                "demo_url": "",
                "logo_path": "",
                "version": f"{rng.randint(0, 4)}.{rng.randint(0, 12)}.{rng.randint(0, 9)}",
                "featured": rng.random() < 0.003,
                "rating_avg": avg,
                "rating_count": total,
                "rating_score": rating_score(avg, total),
                "rating_1": dist[0],
                "rating_2": dist[1],
                "rating_3": dist[2],
                "rating_4": dist[3],
                "rating_5": dist[4],
                "trending_score": trending,
                "created_at": published - timedelta(days=1),
                "updated_at": published,
                "published_at": None if status == "draft" else published,
            }
        )
        tags.append(chosen)
    return rows, tags


def seed_large_catalog(
    session_factory: SessionFactory,
    count: int,
    *,
    seed: int = 7,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
) -> LargeReport:
    """Add ``count`` generated solutions (with tags and ratings) in batched transactions.

    ``session_factory`` opens a unit of work, e.g. ``aixplore.core.db.session_scope``. Refreshes
    the planner statistics at the end so benchmarks do not run on stale plans.
    """
    started = utcnow()
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not a secret
    with session_factory() as session:
        categories = {
            slug: category_id
            for slug, category_id in session.exec(select(Category.slug, Category.id)).all()
            if category_id is not None
        }
        owners, new_publishers = _ensure_publishers(session, started)
        start = (session.exec(select(func.max(Solution.id))).one() or 0) + 1
    done = tag_total = 0
    stmt = insert(Solution).returning(col(Solution.id), sort_by_parameter_order=True)
    while done < count:
        size = min(batch_size, count - done)
        rows, tags = _rows(rng, start + done, size, categories, owners, started)
        with session_factory() as session:
            conn = session.connection()
            ids = list(conn.execute(stmt, rows).scalars())
            tag_rows = [
                {"solution_id": sid, "tag": tag}
                for sid, chosen in zip(ids, tags, strict=True)
                for tag in chosen
            ]
            conn.execute(insert(SolutionTag), tag_rows)
        done += size
        tag_total += len(tag_rows)
        if progress is not None:
            progress(done)
    with session_factory() as session:
        conn = session.connection()
        if conn.dialect.name == "sqlite":
            # Merge the FTS5 segments written batch by batch into one b-tree.
            conn.execute(text("INSERT INTO solution_fts(solution_fts) VALUES ('optimize')"))
            conn.execute(text("ANALYZE"))
        engine = conn.engine
    if engine.dialect.name == "postgresql":
        # What a bulk load is followed by: VACUUM marks the new pages all-visible, so search's
        # covering indexes are read without visiting the table (index-only scans), and
        # ANALYZE gives the planner the new sizes. Autovacuum would do it later on its own.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as auto:
            auto.execute(
                text(
                    "VACUUM (ANALYZE) solution, solution_search, solution_tag, "
                    'search_facet_tag_cell, "user"'
                )
            )
    cache.bump(SEARCH_CATALOG)  # bulk inserts bypass the ORM hooks that retire cached search counts
    return LargeReport(
        solutions=done,
        tags=tag_total,
        publishers=new_publishers,
        seconds=(utcnow() - started).total_seconds(),
    )
