"""Totals and facet counts of searches without words, summed from trigger-kept cell tables.

``search_facet_cell`` holds how many published solutions share a category, pricing, star
floor and verified-publisher flag; ``search_facet_tag_cell`` the same per tag. Database
triggers keep both in the writing transaction (migration ``b4c5d6e7f8a9``), so the counts are
exact at every commit on both engines, and a search without words sums a few hundred rows
instead of scanning every published solution five times. Searches with words, with more than
one tag, or narrowed to recent publications count on the solution table as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, String, case, column, func, table, text
from sqlmodel import Session, select

from aixplore.domain.solutions.models import Category
from aixplore.domain.solutions.search_query import SearchQuery

CELL = table(
    "search_facet_cell",
    column("category_id", Integer),
    column("pricing", String),
    column("stars", Integer),
    column("verified", Integer),
    column("n", Integer),
)
TAG_CELL = table(
    "search_facet_tag_cell",
    column("tag", String),
    column("category_id", Integer),
    column("pricing", String),
    column("stars", Integer),
    column("verified", Integer),
    column("n", Integer),
)
STAR_FLOORS = (4, 3, 2, 1)
TOP_TAGS = 15


@dataclass(frozen=True)
class FacetCounts:
    """Each facet counted under every filter but its own."""

    category: dict[int, int]
    pricing: dict[str, int]
    tags: list[tuple[str, int]]  # the most used first, at most TOP_TAGS
    stars: list[int]  # at least 4, 3, 2 and 1 stars
    verified: int


def applies(query: SearchQuery, published_after: datetime | None) -> bool:
    """Whether the cells can answer ``query`` once it has no words (at most one tag, and not
    narrowed to recent publications)."""
    return len(query.tags) <= 1 and published_after is None


def _scope(query: SearchQuery, skip: str) -> tuple[Any, list[Any]]:
    """The cell table a count reads and its conditions: every filter but ``skip``."""
    tagged = bool(query.tags) and skip != "tags"
    src = TAG_CELL if tagged or skip == "tags" else CELL
    conditions: list[Any] = [src.c.tag == query.tags[0]] if tagged else []
    if query.category and skip != "category":
        category_id = select(Category.id).where(Category.slug == query.category)
        conditions.append(src.c.category_id == category_id.scalar_subquery())
    if query.pricing and skip != "pricing":
        conditions.append(src.c.pricing.in_([p.value for p in query.pricing]))
    if query.min_rating and skip != "min_rating":
        conditions.append(src.c.stars >= query.min_rating)
    if query.verified and skip != "verified":
        conditions.append(src.c.verified == 1)
    return src, conditions


def _sum(src: Any) -> Any:
    return func.coalesce(func.sum(src.c.n), 0)


def total(session: Session, query: SearchQuery) -> int:
    """How many published solutions pass every filter of ``query``."""
    src, conditions = _scope(query, "")
    return int(session.exec(select(_sum(src)).where(*conditions)).one())


def _grouped(session: Session, query: SearchQuery, name: str) -> dict[Any, int]:
    src, conditions = _scope(query, name)
    key = src.c.category_id if name == "category" else src.c.pricing
    rows = session.exec(select(key, _sum(src)).where(*conditions).group_by(key)).all()
    return {value: int(n) for value, n in rows if n}


def counts(session: Session, query: SearchQuery) -> FacetCounts:
    """The five facets of ``query``, each under every filter but its own."""
    src, conditions = _scope(query, "tags")
    n = func.sum(src.c.n).label("n")
    tag_rows = session.exec(
        select(src.c.tag, n)
        .where(*conditions)
        .group_by(src.c.tag)
        .having(func.sum(src.c.n) > 0)
        .order_by(text("n DESC"), src.c.tag)
        .limit(TOP_TAGS)
    ).all()
    src, conditions = _scope(query, "min_rating")
    stars = session.exec(
        select(
            *[
                func.coalesce(func.sum(case((src.c.stars >= floor, src.c.n), else_=0)), 0)
                for floor in STAR_FLOORS
            ]
        ).where(*conditions)
    ).one()
    src, conditions = _scope(query, "verified")
    verified = session.exec(select(_sum(src)).where(*conditions, src.c.verified == 1)).one()
    return FacetCounts(
        category={int(k): v for k, v in _grouped(session, query, "category").items()},
        pricing={str(k): v for k, v in _grouped(session, query, "pricing").items()},
        tags=[(str(tag), int(count)) for tag, count in tag_rows],
        stars=[int(c) for c in stars],
        verified=int(verified),
    )
