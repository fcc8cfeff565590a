"""Totals and facet counts of searches without words, summed from trigger-kept cell tables.

``search_facet_cell`` holds how many published solutions share a category, pricing, star
floor and verified-publisher flag; ``search_facet_tag_cell`` the same per tag. Database
triggers keep both in the writing transaction (migration ``b4c5d6e7f8a9``), so the counts are
exact at every commit on both engines, and a search without words reads a few hundred rows
(then :func:`aggregate` derives the total and the facets) instead of scanning every published
solution five times. Searches with words, with more than one tag, or narrowed to recent
publications group their matches into the same kind of cells in one query
(``search_facets.matched_cells``) and :func:`aggregate` them the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, String, column, func, table, text
from sqlalchemy import select as sa_select
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


# One cell: (category id, pricing, star floor 0-4, verified 0/1, how many solutions).
Cell = tuple[int, str, int, int, int]


def aggregate(
    cells: list[Cell], query: SearchQuery, category_id: int | None
) -> tuple[int, FacetCounts]:
    """The total and every facet but tags, from cells already narrowed by words and tags.

    Each facet is counted under every filter but its own, so one pass over a few hundred
    cells answers what took five queries over the matching solutions. ``category_id`` is the
    id of ``query.category`` (None when no category is asked for, or it does not exist).
    """
    pricing = {p.value for p in query.pricing}
    wanted_category = category_id if query.category else None
    total, verified = 0, 0
    categories: dict[int, int] = {}
    prices: dict[str, int] = {}
    stars = [0] * len(STAR_FLOORS)
    for category, price, floor, is_verified, n in cells:
        category_ok = not query.category or category == wanted_category
        pricing_ok = not pricing or price in pricing
        rating_ok = floor >= query.min_rating
        verified_ok = not query.verified or bool(is_verified)
        failed = 4 - (category_ok + pricing_ok + rating_ok + verified_ok)
        if failed > 1:
            continue  # two filters fail: the cell counts for no facet
        # With every filter passed the cell counts everywhere; with one failed, it counts
        # only for that filter's own facet (each facet ignores its own filter).
        if failed == 0:
            total += n
        if failed == 0 or not category_ok:
            categories[category] = categories.get(category, 0) + n
        if failed == 0 or not pricing_ok:
            prices[price] = prices.get(price, 0) + n
        if failed == 0 or not rating_ok:
            for i, wanted in enumerate(STAR_FLOORS):
                if floor >= wanted:
                    stars[i] += n
        if is_verified and (failed == 0 or not verified_ok):
            verified += n
    counts = FacetCounts(
        category={k: v for k, v in categories.items() if v},
        pricing={k: v for k, v in prices.items() if v},
        tags=[],
        stars=stars,
        verified=verified,
    )
    return total, counts


def category_id(session: Session, slug: str) -> int | None:
    """The id of category ``slug`` (None for none or an unknown one)."""
    if not slug:
        return None
    return session.exec(select(Category.id).where(Category.slug == slug)).first()


def summarize(
    session: Session, query: SearchQuery, *, with_facets: bool = True
) -> tuple[int, FacetCounts | None]:
    """The total of ``query`` (no words, at most one tag) and, if asked, its five facets."""
    src = TAG_CELL if query.tags else CELL
    stmt = sa_select(src.c.category_id, src.c.pricing, src.c.stars, src.c.verified, src.c.n)
    if query.tags:
        stmt = stmt.where(src.c.tag == query.tags[0])
    cells: list[Cell] = [
        (int(c), str(p), int(f), int(v), int(n))
        for c, p, f, v, n in session.execute(stmt).all()
        if n
    ]
    total, counts = aggregate(cells, query, category_id(session, query.category))
    if not with_facets:
        return total, None
    return total, replace(counts, tags=_top_tags(session, query))


def _top_tags(session: Session, query: SearchQuery) -> list[tuple[str, int]]:
    """The most used tags under every filter but tags (from the tag cells)."""
    src = TAG_CELL
    conditions: list[Any] = []
    if query.category:
        wanted = select(Category.id).where(Category.slug == query.category).scalar_subquery()
        conditions.append(src.c.category_id == wanted)
    if query.pricing:
        conditions.append(src.c.pricing.in_([p.value for p in query.pricing]))
    if query.min_rating:
        conditions.append(src.c.stars >= query.min_rating)
    if query.verified:
        conditions.append(src.c.verified == 1)
    n = func.sum(src.c.n).label("n")
    rows = session.exec(
        select(src.c.tag, n)
        .where(*conditions)
        .group_by(src.c.tag)
        .having(func.sum(src.c.n) > 0)
        .order_by(text("n DESC"), src.c.tag)
        .limit(TOP_TAGS)
    ).all()
    return [(str(tag), int(count)) for tag, count in rows]
