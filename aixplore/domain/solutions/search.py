"""Search and facets over published solutions, on the database's own full-text engine.

SQLite: an FTS5 index (porter stemming, bm25 ranking) kept in sync by triggers, and its
vocabulary for typo correction. PostgreSQL: weighted tsvectors in a narrow trigger-kept table
(``solution_search``, GIN) plus pg_trgm similarity on names for typos. Both sit behind
``search()``; the schema for each is in the migrations, so no service or page maintains an
index by hand. How words match on each engine is in ``search_text``; facet counting over
cells in ``facet_cells`` (without words) and ``facet_columns`` (with them); what retires the
cached answers in ``catalog_changes``.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Integer,
    Select,
    and_,
    case,
    func,
    literal,
    text,
)
from sqlalchemy import select as sa_select
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session, col, select

from aixplore.core import cache
from aixplore.domain.accounts.models import User
from aixplore.domain.solutions import facet_cells, facet_columns, search_text
from aixplore.domain.solutions.catalog_changes import CATALOG
from aixplore.domain.solutions.facet_cells import STAR_FLOORS, FacetCounts
from aixplore.domain.solutions.models import (
    Category,
    Pricing,
    Solution,
    SolutionStatus,
    SolutionTag,
)
from aixplore.domain.solutions.search_query import (
    MAX_PAGE,
    SORT_LABELS,
    FacetCount,
    SearchPage,
    SearchQuery,
    SortBy,
)
from aixplore.domain.solutions.services import PRICING_LABELS, cards_for

__all__ = [
    "MAX_PAGE",
    "SORT_LABELS",
    "FacetCount",
    "SearchPage",
    "SearchQuery",
    "SortBy",
    "bump_trending",
    "search",
]

TRENDING_DAYS = 3.0


# ---- Filters and facets ----


def _filters(
    query: SearchQuery, *, skip: str = "", published_after: datetime | None = None
) -> list[ColumnElement[bool]]:
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


def _base(
    matches: Any, query: SearchQuery, *, skip: str = "", published_after: datetime | None = None
) -> Select:
    stmt = select(Solution.id).where(
        and_(*_filters(query, skip=skip, published_after=published_after))
    )
    if matches is not None:
        stmt = stmt.join(matches, matches.c.solution_id == col(Solution.id))
    return stmt


def _narrowing(query: SearchQuery, published_after: datetime | None) -> list[ColumnElement[bool]]:
    """What every count but the tags' obeys and cells cannot tell: published (since
    ``published_after``) and carrying the tags."""
    return _filters(SearchQuery(tags=query.tags), published_after=published_after)


def _matched_cells(
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


def _cell_counts(
    session: Session, matches: Any, query: SearchQuery, published_after: datetime | None
) -> tuple[int, FacetCounts]:
    """The total and every facet but tags of the matches, each under every filter but its own."""
    if isinstance(matches, _Counted):
        cells = matches.columns.cells_of(matches.ids, query)
    else:
        cells = _matched_cells(session, matches, query, published_after)
    return facet_cells.aggregate(cells, query, facet_cells.category_id(session, query.category))


def _tag_counts(
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
        if isinstance(matches, _Counted):
            wanted = facet_cells.category_id(session, query.category)
            return [[t, n] for t, n in matches.columns.top_tags(matches.ids, query, wanted)]
        stmt = (
            select(SolutionTag.tag, func.count().label("n"))
            .select_from(SolutionTag)
            .join(Solution, col(Solution.id) == col(SolutionTag.solution_id))
            .where(*_filters(query, skip="tags", published_after=published_after))
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


def _facets(
    session: Session, query: SearchQuery, counts: FacetCounts
) -> dict[str, list[FacetCount]]:
    """The facet lists the search page shows, from ``counts``."""
    categories = session.exec(select(Category).order_by(col(Category.position))).all()
    tag_counts = dict(counts.tags)
    for tag in query.tags:
        tag_counts.setdefault(tag, 0)
    return {
        "category": [
            FacetCount(
                value=c.slug,
                label=c.name,
                count=counts.category.get(c.id or 0, 0),
                selected=c.slug == query.category,
            )
            for c in categories
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
            for t, n in tag_counts.items()
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


def _order(query: SearchQuery, matches: Any) -> list[Any]:
    bayes = col(Solution.rating_score)
    if query.sort == SortBy.RELEVANCE and matches is not None:
        return [matches.c.score.desc(), bayes.desc(), col(Solution.id).desc()]
    if query.sort in (SortBy.RATING, SortBy.RELEVANCE):
        return [bayes.desc(), col(Solution.rating_count).desc(), col(Solution.id).desc()]
    if query.sort == SortBy.REVIEWS:
        return [col(Solution.rating_count).desc(), col(Solution.id).desc()]
    if query.sort == SortBy.TRENDING:
        return [col(Solution.trending_score).desc(), col(Solution.id).desc()]
    return [col(Solution.published_at).desc(), col(Solution.id).desc()]


# Anything that changes what search counts retires the cache at once (catalog_changes):
# the lifetime only bounds memory and trending-only drift.
FACET_CACHE_SECONDS = 600
_DEFAULTS: dict[str, Any] = {
    "category": "",
    "pricing": [],
    "tags": [],
    "min_rating": 0,
    "verified": False,
}


def search(
    session: Session,
    query: SearchQuery,
    *,
    with_facets: bool = True,
    published_after: datetime | None = None,
) -> SearchPage:
    """Run one search: matching, filters, facets, order and a page of cards.

    The part that depends only on the words and filters (typo correction, total, facet counts)
    is cached for every worker for :data:`FACET_CACHE_SECONDS`, and so is the ordered list of
    the first matching ids per sort (:data:`FIRST_WINDOW`, then :data:`RESULT_WINDOW` for
    deeper pages): changing the sort, paging or coming
    back then costs one primary-key read of a page of rows. ``published_after`` narrows to
    solutions published since then (saved-search alerts; never cached).
    """
    scored: dict[str, Any] = {}  # the scored matches _summary read, for _ordered_ids
    if published_after is None:
        key = f"search:summary:{int(with_facets)}:" + json.dumps(
            query.to_params(sort=SortBy.RELEVANCE, page=1, per_page=24), sort_keys=True
        )
        summary = cache.cached_current(
            key,
            (CATALOG,),
            FACET_CACHE_SECONDS,
            lambda: _summary(session, query, None, with_facets, scored),
        )
    else:
        summary = _summary(session, query, published_after, with_facets)
    matches = search_text.matches_for(summary)
    pages = max(1, math.ceil(summary["total"] / query.per_page))
    stmt = (
        select(Solution)
        .where(and_(*_filters(query, published_after=published_after)))
        .order_by(*_order(query, matches))
    )
    if matches is not None:
        stmt = stmt.join(matches, matches.c.solution_id == col(Solution.id))
    offset = (query.page - 1) * query.per_page
    if published_after is None and offset + query.per_page <= RESULT_WINDOW:
        window = FIRST_WINDOW if offset + query.per_page <= FIRST_WINDOW else RESULT_WINDOW
        ids = _ordered_ids(session, stmt, query, summary, window, scored)
        wanted = ids[offset : offset + query.per_page]
        by_id = {
            s.id: s for s in session.exec(select(Solution).where(col(Solution.id).in_(wanted)))
        }
        # A row unpublished since the list was cached is skipped (the catalog change also
        # retired the list, so the next request sees a fresh one).
        rows = [
            by_id[i] for i in wanted if i in by_id and by_id[i].status == SolutionStatus.PUBLISHED
        ]
    else:
        rows = list(session.exec(stmt.offset(offset).limit(query.per_page)).all())
    return SearchPage(
        query=query,
        items=cards_for(session, rows),
        total=summary["total"],
        pages=pages,
        facets={
            name: [FacetCount.model_validate(f) for f in values]
            for name, values in summary["facets"].items()
        },
        corrected_q=summary["corrected"],
    )


# How many matching ids, in order, are cached per query and sort: 200 pages of 24 (about
# 34 KB of JSON); deeper pages run an offset query. The first ten pages have a list of their
# own: most visitors never page further, and reading 4,800 ids cost a cold search 10-20 ms.
RESULT_WINDOW = 4800
FIRST_WINDOW = 240
# Trending order moves without retiring the catalog cache, so its list lives shorter.
TRENDING_IDS_SECONDS = 60


def _ordered_ids(
    session: Session,
    stmt: Any,
    query: SearchQuery,
    summary: dict[str, Any],
    window: int,
    scored: dict[str, Any],
) -> list[int]:
    """The first ``window`` ids ``stmt`` returns, cached per words, filters, sort.

    Words in relevance order with current facet columns: the matches' scores are read (or
    taken from what the summary read) and ordered in memory, filters and ties as in ``stmt``;
    a deep page then costs what the first does.
    """
    scope = query.to_params(page=1, per_page=24)
    scope.pop("q", None)
    words = search_text.words_key(summary)
    key = f"search:ids:{window}:{words}:" + json.dumps(scope, sort_keys=True)
    ttl = TRENDING_IDS_SECONDS if query.sort == SortBy.TRENDING else FACET_CACHE_SECONDS
    ids_stmt = stmt.with_only_columns(col(Solution.id)).limit(window)

    def compute() -> list[int]:
        found = scored.get(words)
        relevance = query.sort == SortBy.RELEVANCE
        if summary["mode"] != "all" and query.sort != SortBy.TRENDING:
            if found is None or (relevance and found[2] is None):
                columns = facet_columns.current(session)
                if columns is not None:
                    found = _read_matches(session, columns, summary, with_scores=relevance)
        else:
            found = None
        if found is None:
            return _ids(session, ids_stmt)
        columns, ids, scores = found
        wanted = facet_cells.category_id(session, query.category)
        return columns.rank(ids, scores, query, wanted, window)

    return cache.cached_current(key, (CATALOG,), ttl, compute)


def _read_matches(
    session: Session,
    columns: facet_columns.Columns,
    described: dict[str, Any],
    *,
    with_scores: bool,
) -> tuple[facet_columns.Columns, Any, Any]:
    """Every match of a summary's words (with its score when asked), read once."""
    found = search_text.matches_for(described)
    if described["engine"] != "sqlite":
        packed: tuple[Any, ...] = tuple(
            session.connection()
            .execute(search_text.pg_packed(found, with_scores=with_scores))
            .one()
        )
        ids = facet_columns.unpacked(packed[0], "i")
        return columns, ids, facet_columns.unpacked(packed[1], "f") if with_scores else None
    if not with_scores:
        ids = _ids(session, sa_select(found.c.solution_id))
        return columns, facet_columns.reading(ids), None
    stmt = sa_select(found.c.solution_id, found.c.score)
    rows = facet_columns.raw_rows(session.connection().execute(stmt))
    return (columns, *facet_columns.scored(rows))


def _ids(session: Session, stmt: Any) -> list[int]:
    """The ids ``stmt`` selects, read on the session's connection: thousands of plain ids need
    no ORM row processing (a third of the time for 4,800)."""
    return [int(i) for i in session.connection().execute(stmt).scalars().all()]


def _summary(
    session: Session,
    query: SearchQuery,
    published_after: datetime | None,
    with_facets: bool,
    scored: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """How the words match (after typo correction), the total and the facet counts (JSON)."""
    engine = session.get_bind().dialect.name
    terms = search_text.terms(query.q)
    summary: dict[str, Any] = {
        "engine": engine,
        "mode": "all",
        "q": query.q,
        "terms": terms,
        "corrected": "",
    }

    # Current facet columns count the matched ids in memory (facet_columns); without them
    # SQL groups the matches (PostgreSQL reads the ids once and joins an array of them).
    columns = facet_columns.current(session) if published_after is None and terms else None

    def source(described: dict[str, Any]) -> Any:
        found = search_text.matches_for(described)
        if found is None:
            return None
        if columns is not None:
            # Read once for the counts and the page's order (with the scores it needs).
            read = _read_matches(
                session, columns, described, with_scores=query.sort == SortBy.RELEVANCE
            )
            if scored is not None:
                scored[search_text.words_key(described)] = read
            return _Counted(columns, read[1])
        return _matched_ids(session, found) if engine != "sqlite" else found

    def tally(found: Any) -> tuple[int, FacetCounts | None]:
        # With facets, one grouped pass gives the total and four facets; else just count.
        if with_facets or isinstance(found, _Counted):
            total, counts = _cell_counts(session, found, query, published_after)
            return total, counts if with_facets else None
        return _count(session, found, query, published_after), None

    total: int | None = None
    counts: FacetCounts | None = None
    matches = None
    if terms:
        summary["mode"] = "words"
        matches = source(summary)
        total, counts = tally(matches)
        if total == 0:
            total, counts = None, None
            fixed = search_text.corrected(session, engine, terms)
            if fixed != terms:
                attempt = {**summary, "terms": fixed, "corrected": " ".join(fixed)}
                # A correction is only offered when it finds something.
                attempt_matches = source(attempt)
                found, found_counts = tally(attempt_matches)
                if found > 0:
                    summary, matches = attempt, attempt_matches
                    total, counts = found, found_counts
            if (
                not summary["corrected"]
                and engine != "sqlite"
                and not search_text.pg_all_known(session, terms)
            ):
                summary["mode"], summary["corrected"] = "fuzzy", query.q
                matches = source(summary)
    if summary["mode"] == "all" and facet_cells.applies(query, published_after):
        # No words: the trigger-kept cells answer in a few hundred rows.
        total, counts = facet_cells.summarize(session, query, with_facets=with_facets)
    else:
        if total is None:
            total, counts = tally(matches)
        if counts is not None:
            tags = _tag_counts(
                session, matches, query, search_text.words_key(summary), published_after
            )
            counts = replace(counts, tags=tags)
    summary["total"] = total
    if counts is not None:
        facets = _facets(session, query, counts)
        summary["facets"] = {
            name: [f.model_dump() for f in values] for name, values in facets.items()
        }
    else:
        summary["facets"] = {}
    return summary


@dataclass(frozen=True)
class _Counted:
    """Matched ids to count with current facet columns instead of SQL."""

    columns: facet_columns.Columns
    ids: facet_columns.IntArray


def _matched_ids(session: Session, matches: Any) -> Any:
    """PostgreSQL: the ids ``matches`` finds, read once, as a subquery over an array.

    The total and the five facet counts each join the matches; evaluated in each of them,
    the full-text match and its ranking ran six times (35-60 ms each over 100,000 solutions).
    """
    ids = _ids(session, sa_select(matches.c.solution_id))
    return select(
        func.unnest(literal(ids, type_=postgresql.ARRAY(Integer))).label("solution_id")
    ).subquery()


def _count(
    session: Session, matches: Any, query: SearchQuery, published_after: datetime | None = None
) -> int:
    sub = _base(matches, query, published_after=published_after).subquery()
    return int(session.exec(select(func.count()).select_from(sub)).one())


def bump_trending(solution: Solution, at_epoch_days: float, weight: float = 1.0) -> None:
    """Add activity to the trending key (log-sum-exp of activity times, decaying in 3 days).

    Ordering by this key equals ordering by the exponentially decayed activity sum at any
    moment, so it never needs recomputing as time passes.
    """
    bump = at_epoch_days / TRENDING_DAYS + math.log(weight)
    current = solution.trending_score
    if current == 0.0:
        solution.trending_score = bump
    else:
        high, low = max(current, bump), min(current, bump)
        solution.trending_score = high + math.log1p(math.exp(low - high))
