"""How a search's words match, its total and its facet counts: the part of a search that
depends only on the words and the filters, cached as JSON by ``search``.

The words first must all match (``words`` mode). When nothing holds them all, each word no
published solution holds is corrected to the closest one that some do (``search_spelling``),
and the correction is searched instead if it finds something. When fewer than
:data:`FEW_MATCHES` solutions hold every word of a query of several, the best partial matches
are shown instead (``partial`` mode: the solutions holding the most of the words, those
holding them all first). And when such a thin result would be larger with a word swapped
for its closest neighbour, that query is offered as "did you mean".
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlmodel import Session

from aixplore.domain.solutions import (
    facet_cells,
    facet_columns,
    search_facets,
    search_spelling,
    search_text,
)
from aixplore.domain.solutions.facet_cells import FacetCounts
from aixplore.domain.solutions.search_facets import Counted
from aixplore.domain.solutions.search_order import read_matches
from aixplore.domain.solutions.search_query import SearchQuery, SortBy

FEW_MATCHES = 3  # fewer solutions than this holding every word: look for more


def summarize(
    session: Session,
    query: SearchQuery,
    published_after: datetime | None,
    with_facets: bool,
    scored: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """How the words match (after typo correction), the total and the facet counts (JSON).

    ``scored`` collects the matches read with current facet columns, by words key, so that the
    page's order can reuse them.
    """
    engine = session.get_bind().dialect.name
    terms = search_text.terms(query.q)
    summary: dict[str, Any] = {
        "engine": engine,
        "mode": "all",
        "q": query.q,
        "terms": terms,
        "corrected": "",
        "suggested": "",
        "exact": 0,
    }

    # Current facet columns count the matched ids in memory (facet_columns); without them
    # SQL groups the matches (PostgreSQL reads the ids once and joins an array of them).
    columns = facet_columns.current(session) if published_after is None and terms else None

    def source(described: dict[str, Any]) -> Any:
        if described["mode"] == "all":
            return None
        if columns is not None:
            # Read once for the counts and the page's order (with the scores it needs).
            read = read_matches(
                session, columns, described, with_scores=query.sort == SortBy.RELEVANCE
            )
            if scored is not None:
                scored[search_text.words_key(described)] = read
            return Counted(columns, read[1])
        found = search_text.matches_for(described)
        return search_facets.matched_ids(session, found) if engine != "sqlite" else found

    def tally(found: Any) -> tuple[int, FacetCounts | None]:
        # With facets, one grouped pass gives the total and four facets; else just count.
        if with_facets or isinstance(found, Counted):
            total, counts = search_facets.cell_counts(session, found, query, published_after)
            return total, counts if with_facets else None
        return search_facets.count(session, found, query, published_after), None

    total: int | None = None
    counts: FacetCounts | None = None
    matches = None
    if terms:
        summary["mode"] = "words"
        matches = source(summary)
        total, counts = tally(matches)
        fixed = terms
        if total == 0:
            fixed = search_spelling.corrected(session, terms)
            if fixed != terms:
                attempt = {**summary, "terms": fixed, "corrected": " ".join(fixed)}
                # A correction is only offered when it finds something.
                attempt_matches = source(attempt)
                found, found_counts = tally(attempt_matches)
                if found > 0:
                    summary, matches = attempt, attempt_matches
                    total, counts = found, found_counts
        summary["exact"] = total
        if published_after is None and total < FEW_MATCHES and len(terms) > 1:
            # The closest partial matches: of the corrected words when a correction did not
            # find every word together, else of the words as typed.
            for words in dict.fromkeys((tuple(fixed), tuple(summary["terms"]))):
                corrected = " ".join(words) if list(words) != terms else ""
                attempt = {**summary, "mode": "partial", "terms": list(words)}
                attempt["corrected"] = corrected
                attempt_matches = source(attempt)
                found, found_counts = tally(attempt_matches)
                if found > total:
                    summary, matches = attempt, attempt_matches
                    total, counts = found, found_counts
                    break
        if published_after is None and summary["exact"] < FEW_MATCHES and not summary["corrected"]:
            summary["suggested"] = _suggestion(session, summary, terms, source, tally)
    if summary["mode"] == "all" and facet_cells.applies(query, published_after):
        # No words: the trigger-kept cells answer in a few hundred rows.
        total, counts = facet_cells.summarize(session, query, with_facets=with_facets)
    else:
        if total is None:
            total, counts = tally(matches)
        if counts is not None:
            tags = search_facets.tag_counts(
                session, matches, query, search_text.words_key(summary), published_after
            )
            counts = replace(counts, tags=tags)
    summary["total"] = total
    if counts is not None:
        facets = search_facets.facet_lists(session, query, counts)
        summary["facets"] = {
            name: [f.model_dump() for f in values] for name, values in facets.items()
        }
    else:
        summary["facets"] = {}
    return summary


def _suggestion(
    session: Session, summary: dict[str, Any], terms: list[str], source: Any, tally: Any
) -> str:
    """A query one correction away from ``terms`` that more solutions match every word of
    (with the same filters), or ""."""
    alternative = search_spelling.suggested(session, terms)
    if alternative == terms:
        return ""
    attempt = {**summary, "mode": "words", "terms": alternative}
    attempt["corrected"] = " ".join(alternative)
    found, _ = tally(source(attempt))
    return " ".join(alternative) if found > summary["exact"] else ""
