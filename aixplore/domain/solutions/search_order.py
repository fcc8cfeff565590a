"""The order of a search's results: the SQL order per sort, and the cached list of the first
matching ids, ordered in the worker's facet columns when they are current."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from aixplore.core import cache
from aixplore.domain.solutions import facet_cells, facet_columns, search_text
from aixplore.domain.solutions.catalog_changes import CATALOG
from aixplore.domain.solutions.models import Solution
from aixplore.domain.solutions.search_facets import FACET_CACHE_SECONDS, ids
from aixplore.domain.solutions.search_query import SearchQuery, SortBy

# Trending order moves without retiring the catalog cache, so its list lives shorter.
TRENDING_IDS_SECONDS = 60


def order(query: SearchQuery, matches: Any) -> list[Any]:
    """The ORDER BY of ``query``'s sort (``matches``: the scored matches, or None)."""
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


def ordered_ids(
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
                    found = read_matches(session, columns, summary, with_scores=relevance)
        else:
            found = None
        if found is None:
            return ids(session, ids_stmt)
        columns, matched, scores = found
        wanted = facet_cells.category_id(session, query.category)
        return columns.rank(matched, scores, query, wanted, window)

    return cache.cached_current(key, (CATALOG,), ttl, compute)


def read_matches(
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
        matched = facet_columns.unpacked(packed[0], "i")
        return columns, matched, facet_columns.unpacked(packed[1], "d") if with_scores else None
    if not with_scores:
        return columns, facet_columns.reading(ids(session, sa_select(found.c.solution_id))), None
    stmt = sa_select(found.c.solution_id, found.c.score)
    rows = facet_columns.raw_rows(session.connection().execute(stmt))
    return (columns, *facet_columns.scored(rows))
