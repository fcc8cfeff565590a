"""Search's filters and facet counts: which published solutions a search keeps, and how
many of its matches fall under each value of each facet (each under every filter but its own).

Three ways to count, one result: without words, the trigger-kept cells (``facet_cells``);
with words and current facet columns, the matched ids counted in memory (``facet_columns``,
through :class:`Counted`); otherwise the matches grouped into the same cells in SQL.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, Select, and_, case, func, literal, text
from sqlalchemy import select as sa_select
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session, col, select

from aixplore.core import cache
from aixplore.domain.accounts.models import User
from aixplore.domain.solutions import facet_cells, facet_columns
from aixplore.domain.solutions.catalog_changes import CATALOG
from aixplore.domain.solutions.facet_cells import STAR_FLOORS, FacetCounts
from aixplore.domain.solutions.models import (
    Category,
    Pricing,
    Solution,
    SolutionStatus,
    SolutionTag,
)
from aixplore.domain.solutions.search_query import FacetCount, SearchQuery, SortBy
from aixplore.domain.solutions.services import PRICING_LABELS

# Anything that changes what search counts retires the cache at once (catalog_changes):
# the lifetime only bounds memory and trending-only drift.
FACET_CACHE_SECONDS = 600


def filters(
    query: SearchQuery, *, skip: str = "", published_after: datetime | None = None
) -> list[ColumnElement[bool]]:
    """The conditions ``query``'s filters put on solutions (but the one named ``skip``)."""
    conditions: list[ColumnElement[bool]] = [col(Solution.status) == SolutionStatus.PUBLISHED]
    if published_after is not None:
        conditions.append(col(Solution.published_at) > published_after)
    if query.category and skip != "category":
        # A scalar subquery is a constant to the planner: the category index drives the scan.
        conditions.append(
            col(Solution.category_id)
            == select(Category.id).where(Category.slug == query.category).scalar_subquery()
        )
    if query.pricing and skip != "pricing":
        conditions.append(col(Solution.pricing).in_(query.pricing))
    if query.tags and skip != "tags":
        having_all = (
            select(SolutionTag.solution_id)
            .where(col(SolutionTag.tag).in_(query.tags))
            .group_by(col(SolutionTag.solution_id))
            .having(func.count() == len(query.tags))
        )
        conditions.append(col(Solution.id).in_(having_all))
    if query.min_rating and skip != "min_rating":
        conditions.append(col(Solution.rating_avg) >= query.min_rating)
    if query.verified and skip != "verified":
        conditions.append(
            col(Solution.owner_id).in_(
                select(User.id).where(col(User.verified_publisher_at).is_not(None))
            )
        )
    return conditions


def base(
    matches: Any, query: SearchQuery, *, skip: str = "", published_after: datetime | None = None
) -> Select:
    """The ids of the solutions ``query`` keeps among ``matches`` (None: every solution)."""
    stmt = select(Solution.id).where(
        and_(*filters(query, skip=skip, published_after=published_after))
    )
    if matches is not None:
        stmt = stmt.join(matches, matches.c.solution_id == col(Solution.id))
    return stmt


def _narrowing(query: SearchQuery, published_after: datetime | None) -> list[ColumnElement[bool]]:
    """What every count but the tags' obeys and cells cannot tell: published (since
    ``published_after``) and carrying the tags."""
    return filters(SearchQuery(tags=query.tags), published_after=published_after)


def matched_cells(
    session: Session, matches: Any, query: SearchQuery, published_after: datetime | None
) -> list[facet_cells.Cell]:
    """The matching solutions grouped into facet cells (category, pricing, star floor,
    verified publisher): one pass over the matches, a few hundred rows back."""
    rating = col(Solution.rating_avg)
    floor = case(*[(rating >= n, n) for n in STAR_FLOORS], else_=0)
    verified = case((col(User.verified_publisher_at).is_not(None), 1), else_=0)
    keys = (col(Solution.category_id), col(Solution.pricing), floor, verified)
    stmt = (
        sa_select(*keys, func.count())
        .select_from(Solution)
        .outerjoin(User, col(User.id) == col(Solution.owner_id))
        .where(*_narrowing(query, published_after))
        .group_by(*keys)
    )
    if matches is not None:
        stmt = stmt.join(matches, matches.c.solution_id == col(Solution.id))
    return [
        (int(c), Pricing(p).value, int(f), int(v), int(n))
        for c, p, f, v, n in session.execute(stmt).all()
    ]


@dataclass(frozen=True)
class Counted:
    """Matched ids to count with current facet columns instead of SQL."""

    columns: facet_columns.Columns
    ids: facet_columns.IntArray


def cell_counts(
    session: Session, matches: Any, query: SearchQuery, published_after: datetime | None
) -> tuple[int, FacetCounts]:
    """The total and every facet but tags of the matches, each under every filter but its own."""
    if isinstance(matches, Counted):
        cells = matches.columns.cells_of(matches.ids, query)
    else:
        cells = matched_cells(session, matches, query, published_after)
    return facet_cells.aggregate(cells, query, facet_cells.category_id(session, query.category))


def tag_counts(
    session: Session,
    matches: Any,
    query: SearchQuery,
    words: str,
    published_after: datetime | None = None,
) -> list[tuple[str, int]]:
    """The most used tags of the matches under every filter but tags.

    Cached on their own (by the words and the other filters), so pages that differ only in
    their tags share them: the tag counts of a tag-filtered page are the unfiltered page's.
    """
    scope = query.to_params(tags=[], sort=SortBy.RELEVANCE, page=1)
    scope.pop("q", None)
    key = f"search:tags:{words}:" + json.dumps(scope, sort_keys=True)

    def compute() -> list[list[Any]]:
        if isinstance(matches, Counted):
            wanted = facet_cells.category_id(session, query.category)
            return [[t, n] for t, n in matches.columns.top_tags(matches.ids, query, wanted)]
        stmt = (
            select(SolutionTag.tag, func.count().label("n"))
            .select_from(SolutionTag)
            .join(Solution, col(Solution.id) == col(SolutionTag.solution_id))
            .where(*filters(query, skip="tags", published_after=published_after))
        )
        if matches is not None:
            stmt = stmt.join(matches, matches.c.solution_id == col(Solution.id))
        rows = session.exec(
            stmt.group_by(col(SolutionTag.tag))
            .order_by(text("n DESC"), col(SolutionTag.tag))
            .limit(facet_cells.TOP_TAGS)
        ).all()
        return [[t, int(n)] for t, n in rows]

    if published_after is not None:
        return [(str(t), int(n)) for t, n in compute()]
    counted = cache.cached_current(key, (CATALOG,), FACET_CACHE_SECONDS, compute)
    return [(str(t), int(n)) for t, n in counted]


def _categories(session: Session) -> tuple[tuple[int | None, str, str], ...]:
    """Every category's id, slug and name in display order, cached while the catalog is
    current (a category's change retires it): read for every new search, they cost a tenth
    of its time."""

    def read() -> list[list[Any]]:
        # Only the columns shown: whole rows (descriptions too) cost half a millisecond.
        stmt = select(Category.id, Category.slug, Category.name).order_by(col(Category.position))
        return [list(row) for row in session.exec(stmt).all()]

    def frozen(rows: list[list[Any]]) -> tuple[tuple[int | None, str, str], ...]:
        return tuple((i, str(slug), str(name)) for i, slug, name in rows)

    return cache.cached_current(
        "search:categories", (CATALOG,), FACET_CACHE_SECONDS, read, decode=frozen
    )


def facet_lists(
    session: Session, query: SearchQuery, counts: FacetCounts
) -> dict[str, list[FacetCount]]:
    """The facet lists the search page shows, from ``counts``."""
    categories = _categories(session)
    counted_tags = dict(counts.tags)
    for tag in query.tags:
        counted_tags.setdefault(tag, 0)
    return {
        "category": [
            FacetCount(
                value=slug,
                label=name,
                count=counts.category.get(c_id or 0, 0),
                selected=slug == query.category,
            )
            for c_id, slug, name in categories
        ],
        "pricing": [
            FacetCount(
                value=p.value,
                label=PRICING_LABELS[p],
                count=counts.pricing.get(p.value, 0),
                selected=p in query.pricing,
            )
            for p in Pricing
        ],
        "tags": [
            FacetCount(value=t, label=t, count=n, selected=t in query.tags)
            for t, n in counted_tags.items()
        ],
        "min_rating": [
            FacetCount(
                value=str(n), label=f"{n}+ stars", count=int(c or 0), selected=query.min_rating == n
            )
            for n, c in zip(STAR_FLOORS, counts.stars, strict=True)
        ],
        "verified": [
            FacetCount(
                value="1",
                label="Verified publishers",
                count=counts.verified,
                selected=query.verified,
            )
        ],
    }


def ids(session: Session, stmt: Any) -> list[int]:
    """The ids ``stmt`` selects, read on the session's connection: thousands of plain ids need
    no ORM row processing (a third of the time for 4,800)."""
    return [int(i) for i in session.connection().execute(stmt).scalars().all()]


def matched_ids(session: Session, matches: Any) -> Any:
    """PostgreSQL: the ids ``matches`` finds, read once, as a subquery over an array.

    The total and the five facet counts each join the matches; evaluated in each of them,
    the full-text match and its ranking ran six times (35-60 ms each over 100,000 solutions).
    """
    found = ids(session, sa_select(matches.c.solution_id))
    return select(
        func.unnest(literal(found, type_=postgresql.ARRAY(Integer))).label("solution_id")
    ).subquery()


def count(
    session: Session, matches: Any, query: SearchQuery, published_after: datetime | None = None
) -> int:
    """How many solutions ``query`` keeps among ``matches``."""
    sub = base(matches, query, published_after=published_after).subquery()
    return int(session.exec(select(func.count()).select_from(sub)).one())
