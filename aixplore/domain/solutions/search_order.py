"""The order of a search's results: the SQL order per sort, and the cached list of the first
matching ids, ordered in the worker's facet columns when they are current."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from aixplore.core import cache
from aixplore.domain.solutions import (
    facet_cells,
    facet_columns,
    match_arrays,
    search_terms,
    search_text,
)
from aixplore.domain.solutions.catalog_changes import CATALOG
from aixplore.domain.solutions.models import Solution
from aixplore.domain.solutions.search_facets import FACET_CACHE_SECONDS, ids
from aixplore.domain.solutions.search_query import SearchQuery, SortBy

# Trending order moves without retiring the catalog cache, so its list lives shorter.
TRENDING_IDS_SECONDS = 60
# SQLite word searches match from the worker's term index (off: from FTS5, for comparisons).
TERM_INDEX = True


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
    statement: Callable[[], Any],
    query: SearchQuery,
    summary: dict[str, Any],
    window: int,
    scored: dict[str, Any],
) -> list[int]:
    """The first ``window`` ids ``statement()`` returns, cached per words, filters, sort.

    Words in relevance order with current facet columns: the matches' scores are read (or
    taken from what the summary read) and ordered in memory, filters and ties as in ``stmt``;
    a deep page then costs what the first does.
    """
    scope = query.to_params(page=1, per_page=24)
    scope.pop("q", None)
    words = search_text.words_key(summary)
    key = f"search:ids:{window}:{words}:" + json.dumps(scope, sort_keys=True)
    ttl = TRENDING_IDS_SECONDS if query.sort == SortBy.TRENDING else FACET_CACHE_SECONDS

    def compute() -> list[int]:
        found = scored.get(words)
        relevance = query.sort == SortBy.RELEVANCE
        if query.sort == SortBy.TRENDING and summary["mode"] != "all":
            trending = _trending_from_index(session, query, summary, window)
            if trending is not None:
                return trending
        if summary["mode"] != "all" and query.sort != SortBy.TRENDING:
            if found is None or (relevance and found[2] is None):
                columns = facet_columns.current(session)
                if columns is not None:
                    found = read_matches(session, columns, summary, with_scores=relevance)
        else:
            found = None
        if found is None:
            return ids(session, statement().with_only_columns(col(Solution.id)).limit(window))
        columns, matched, scores = found
        wanted = facet_cells.category_id(session, query.category)
        return columns.rank(matched, scores, query, wanted, window)

    return cache.cached_current(key, (CATALOG,), ttl, compute)


# The trending order of given ids, filters applied already (SQLite: json_each of a list).
_TRENDING = (
    "SELECT s.id FROM solution s WHERE s.id IN (SELECT value FROM json_each(?)) "
    "ORDER BY s.trending_score DESC, s.id DESC LIMIT ?"
)


def _trending_from_index(
    session: Session, query: SearchQuery, summary: dict[str, Any], window: int
) -> list[int] | None:
    """SQLite with the term index and current columns: the matches filtered in memory, then
    ordered by the trending key (which moves without a new version, so it is read each time)
    in SQL, without running the full-text match again. None: not available."""
    if summary["engine"] != "sqlite" or not TERM_INDEX:
        return None
    columns = facet_columns.current(session)
    if columns is None:
        return None
    _, matched, _ = read_matches(session, columns, summary, with_scores=False)
    wanted = facet_cells.category_id(session, query.category)
    # Every match that passes the filters (any order: SQL orders them below).
    kept = columns.rank(
        matched, None, query.model_copy(update={"sort": SortBy.NEWEST}), wanted, len(matched)
    )
    if not kept:
        return []
    rows = session.connection().exec_driver_sql(_TRENDING, (json.dumps(kept), window))
    return [int(i) for (i,) in rows.all()]


def read_matches(
    session: Session,
    columns: facet_columns.Columns,
    described: dict[str, Any],
    *,
    with_scores: bool,
) -> tuple[facet_columns.Columns, Any, Any]:
    """Every match of a summary's words (with its score when asked), read once.

    SQLite answers from the worker's term index (``search_terms``) unless ``TERM_INDEX`` is
    off: the same ids and scores as its FTS5 query (the reference the tests compare with).
    """
    if described["engine"] == "sqlite" and TERM_INDEX:
        pick = (
            search_terms.best_partial if described["mode"] == "partial" else search_terms.every_word
        )
        matched, scores = pick(session, described["terms"])
        return columns, matched, scores if with_scores else None
    found = search_text.matches_for(described)
    if described["engine"] != "sqlite":
        packed: tuple[Any, ...] = tuple(
            session.connection()
            .execute(search_text.pg_packed(found, with_scores=with_scores))
            .one()
        )
        matched = match_arrays.unpacked(packed[0], "i")
        return columns, matched, match_arrays.unpacked(packed[1], "d") if with_scores else None
    if not with_scores:
        return columns, facet_columns.reading(ids(session, sa_select(found.c.solution_id))), None
    stmt = sa_select(found.c.solution_id, found.c.score)
    rows = facet_columns.raw_rows(session.connection().execute(stmt))
    return (columns, *match_arrays.scored(rows))
