"""Search and facets over published solutions, on the database's own full-text engine.

SQLite: an FTS5 index (porter stemming, bm25 ranking) kept in sync by triggers.
PostgreSQL: weighted tsvectors in a narrow trigger-kept table (``solution_search``, GIN).
Both sit behind :func:`search`; the schema for each is in the migrations, so no service or
page maintains an index by hand. The parts, by responsibility:

- ``search_query``: what a search asks (the URL's parameters, validated) and answers;
- ``search_text``: how words match on each engine (stop words, stemming, partial matches);
- ``search_spelling``: typo correction against the words of published solutions;
- ``search_summary``: which words match how, the total and the facet counts (cached);
- ``search_facets``: filters and facet counting, over ``facet_cells`` (without words) and
  ``facet_columns`` (with them);
- ``search_order``: the order of the results and the cached lists of ordered ids;
- ``catalog_changes``: what retires the cached answers.
"""

from __future__ import annotations

import json
import math
from datetime import datetime
from typing import Any

from sqlmodel import Session, and_, col, select

from aixplore.core import cache, tracing
from aixplore.domain.solutions import search_cards, search_text
from aixplore.domain.solutions.catalog_changes import CATALOG
from aixplore.domain.solutions.models import Solution
from aixplore.domain.solutions.search_facets import FACET_CACHE_SECONDS, filters
from aixplore.domain.solutions.search_order import order, ordered_ids
from aixplore.domain.solutions.search_query import (
    MAX_PAGE,
    SORT_LABELS,
    FacetCount,
    SearchPage,
    SearchQuery,
    SortBy,
)
from aixplore.domain.solutions.search_summary import summarize
from aixplore.domain.solutions.services import cards_for

__all__ = [
    "CATALOG",
    "FACET_CACHE_SECONDS",
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

# How many matching ids, in order, are cached per query and sort: 200 pages of 24 (about
# 34 KB of JSON); deeper pages run an offset query. The first ten pages have a list of their
# own: most visitors never page further, and reading 4,800 ids cost a cold search 10-20 ms.
RESULT_WINDOW = 4800
FIRST_WINDOW = 240


@tracing.traced("solutions search")
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
    scored: dict[str, Any] = {}  # the scored matches summarize read, for ordered_ids
    if published_after is None:
        key = f"search:summary:{int(with_facets)}:" + json.dumps(
            query.to_params(sort=SortBy.RELEVANCE, page=1, per_page=24), sort_keys=True
        )
        summary = cache.cached_current(
            key,
            (CATALOG,),
            FACET_CACHE_SECONDS,
            lambda: summarize(session, query, None, with_facets, scored),
        )
    else:
        summary = summarize(session, query, published_after, with_facets)
    pages = max(1, math.ceil(summary["total"] / query.per_page))

    def statement() -> Any:
        # Built only when SQL orders the page: a cached list or the worker's columns need
        # none, and building it cost a new search a tenth of its time.
        matches = search_text.matches_for(summary)
        stmt = (
            select(Solution)
            .where(and_(*filters(query, published_after=published_after)))
            .order_by(*order(query, matches))
        )
        if matches is not None:
            stmt = stmt.join(matches, matches.c.solution_id == col(Solution.id))
        return stmt

    offset = (query.page - 1) * query.per_page
    if published_after is None and offset + query.per_page <= RESULT_WINDOW:
        window = FIRST_WINDOW if offset + query.per_page <= FIRST_WINDOW else RESULT_WINDOW
        ids = ordered_ids(session, statement, query, summary, window, scored)
        # A row unpublished since the list was cached is skipped (the catalog change also
        # retired the list, so the next request sees a fresh one).
        items = search_cards.cards(session, ids[offset : offset + query.per_page])
    else:
        stmt = statement().offset(offset).limit(query.per_page)
        items = cards_for(session, session.exec(stmt).all())
    return SearchPage(
        query=query,
        items=items,
        total=summary["total"],
        pages=pages,
        # Our own counts, validated when first made (the cache holds their JSON dumps).
        facets={
            name: [FacetCount.model_construct(**f) for f in values]
            for name, values in summary["facets"].items()
        },
        corrected_q=summary["corrected"],
        suggested_q=summary.get("suggested", ""),
        partial=summary["mode"] == "partial",
        exact_total=summary.get("exact", summary["total"]),
    )


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
