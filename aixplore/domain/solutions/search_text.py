"""How search words match, per engine: the full-text match and its score.

SQLite: FTS5 (porter stemming, bm25); PostgreSQL: the weighted tsvector of the ``english``
configuration (snowball stemming, its stop words). Both drop the same stop words from the
visitor's words (:data:`STOP_WORDS`, PostgreSQL's own list), so "the pdf translator" asks
for what "pdf translator" asks on either engine. A search's *summary*
(``search_summary.summarize``) records how its words matched: ``matches_for`` turns it back
into the (solution_id, score) subquery, ``words_key`` into a cache key part.

Modes: ``all`` (no words), ``words`` (every word must match) and ``partial`` (too few
solutions hold every word: those holding the most of them, ranked by how many they hold, then
by relevance).
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Float, Integer, column, func, table, text
from sqlalchemy import select as sa_select
from sqlalchemy.dialects.postgresql import DOUBLE_PRECISION

_WORD = re.compile(r"[\w]+", re.UNICODE)
MAX_TERMS = 12

# PostgreSQL's english.stop (the ``english`` text search configuration drops these words from
# documents and queries); SQLite's FTS5 has no stop words, so they are dropped here for both.
_STOP_TEXT = """i me my myself we our ours ourselves you your yours yourself yourselves he him his
    himself she her hers herself it its itself they them their theirs themselves what which
    who whom this that these those am is are was were be been being have has had having do
    does did doing a an the and but if or because as until while of at by for with about
    against between into through during before after above below to from up down in out on
    off over under again further then once here there when where why how all any both each
    few more most other some such no nor not only own same so than too very s t can will just
    don should now"""
STOP_WORDS = frozenset(_STOP_TEXT.split())


def words(q: str) -> list[str]:
    """Every word of ``q``, lower-cased, stop words included (at most :data:`MAX_TERMS`)."""
    return [t.lower() for t in _WORD.findall(q)][:MAX_TERMS]


def terms(q: str) -> list[str]:
    """The words of ``q`` that search matches: lower-cased, without stop words or repeats."""
    seen: dict[str, None] = {}
    for word in words(q):
        if word not in STOP_WORDS:
            seen.setdefault(word, None)
    return list(seen)


def fts5_term(term: str) -> str:
    # A quoted string with a prefix star: no FTS5 syntax can be injected.
    return '"' + term.replace('"', "") + '"*'


def fts5_expression(terms: list[str]) -> str:
    return " AND ".join(fts5_term(t) for t in terms)


# bm25 weights per column: name, tagline, description, tags.
BM25 = "-bm25(solution_fts, 10.0, 4.0, 1.0, 8.0)"


def _scored(statement: str, **params: Any) -> Any:
    """A textual (solution_id, score) subquery.

    The statements below splice only constants and parameter numbers into their text; the
    words are always bound parameters (hence the ``noqa: S608``).
    """
    return (
        text(statement)
        .bindparams(**params)
        .columns(column("solution_id", Integer), column("score", Float))
        .subquery()
    )


def sqlite_matches(terms: list[str]) -> Any:
    """A (solution_id, score) subquery of solutions holding every term; higher is better."""
    return _scored(
        f"SELECT rowid AS solution_id, {BM25} AS score FROM solution_fts "  # noqa: S608
        "WHERE solution_fts MATCH :fts",
        fts=fts5_expression(terms),
    )


# Partial matches: ``k`` is how many of the terms a solution holds; it keeps the solutions
# holding the most terms (and, when some hold them all, those missing one). The score is
# ``k`` plus the relevance squashed into [0, 1), so more terms always rank first.
_NEED = "CASE WHEN top = :n THEN top - 1 ELSE top END"


def sqlite_partial_matches(terms: list[str]) -> Any:
    """A (solution_id, score) subquery of the best partial matches of ``terms``."""
    hits = " UNION ALL ".join(
        f"SELECT rowid AS id FROM solution_fts WHERE solution_fts MATCH :t{i}"  # noqa: S608
        for i in range(len(terms))
    )
    # any_term is MATERIALIZED: flattened into the join, SQLite ran its OR match again for
    # every hit (a rowid lookup cannot use the match's doclist), 29 s instead of 0.1 s for
    # "chat marketing" over 100,000 solutions (16,000 hits).
    statement = (
        f"WITH any_term AS MATERIALIZED (SELECT rowid AS id, {BM25} AS s "  # noqa: S608
        "FROM solution_fts "
        "WHERE solution_fts MATCH :anyt), "
        f"hits AS (SELECT id, count(*) AS k FROM ({hits}) GROUP BY id), "
        "best AS (SELECT max(k) AS top FROM hits) "
        "SELECT a.id AS solution_id, h.k + a.s / (a.s + 1.0) AS score "
        "FROM any_term a JOIN hits h ON h.id = a.id "
        f"WHERE h.k >= (SELECT max(1, {_NEED}) FROM best)"
    )
    params = {f"t{i}": fts5_term(t) for i, t in enumerate(terms)}
    return _scored(statement, anyt=" OR ".join(fts5_term(t) for t in terms), n=len(terms), **params)


# The vectors' narrow copy (migration 7c1d2e3f4a5b): ranking reads each match's vector, and
# from here it does not have to walk a wide solution row to reach it.
SEARCH_TABLE = table("solution_search", column("solution_id", Integer), column("search_vector"))


def pg_matches(q: str) -> Any:
    """A (solution_id, score) subquery of solutions matching ``q`` (websearch syntax)."""
    # The query is parsed once, as a row in FROM. Written inline (as an argument of @@ and of
    # ts_rank), a prepared statement's generic plan -- which PostgreSQL settles on after a few
    # executions of the same text -- parses it again for every matched row: 30 against 17 ms
    # over 15,000 matches. Ranking is weighted term frequency, like SQLite's bm25: cover
    # density (ts_rank_cd) cost three times as much for two words (17 against 6 ms).
    return _scored(
        "SELECT s.solution_id, ts_rank(s.search_vector, q.tsq) AS score "
        "FROM solution_search s, websearch_to_tsquery('english', :q) AS q(tsq) "
        "WHERE s.search_vector @@ q.tsq",
        q=q,
    )


def pg_partial_matches(terms: list[str]) -> Any:
    """PostgreSQL's :func:`sqlite_partial_matches`: the same choice, from the vectors."""
    # Every query parsed once, in FROM, as pg_matches does.
    each = [f"plainto_tsquery('english', :t{i})" for i in range(len(terms))]
    parsed = ", ".join(f"{q} AS q{i}" for i, q in enumerate(each))
    held = " + ".join(f"(s.search_vector @@ q.q{i})::int" for i in range(len(terms)))
    statement = (
        f"WITH m AS (SELECT s.solution_id, {held} AS k, "  # noqa: S608
        "ts_rank(s.search_vector, q.tsq)::float8 AS r "
        f"FROM solution_search s, (SELECT {' || '.join(each)} AS tsq, {parsed}) AS q "
        "WHERE s.search_vector @@ q.tsq), "
        "best AS (SELECT max(k) AS top FROM m) "
        "SELECT solution_id, k + r / (r + 1.0) AS score FROM m "
        f"WHERE k >= (SELECT greatest(1, {_NEED}) FROM best)"
    )
    return _scored(statement, n=len(terms), **{f"t{i}": t for i, t in enumerate(terms)})


def pg_packed(found: Any, *, with_scores: bool) -> Any:
    """One row holding ``found``'s ids (and scores) as binary arrays (``array_send``): 15,000
    matches as rows cost the driver and Python 12 ms more than as two arrays
    (:func:`match_arrays.unpacked` reads them)."""
    columns = [func.array_send(func.array_agg(found.c.solution_id))]
    if with_scores:
        # As double precision whatever the score's own type (ts_rank gives real): the order
        # made from these equals the order SQL makes.
        columns.append(func.array_send(func.array_agg(found.c.score.cast(DOUBLE_PRECISION))))
    return sa_select(*columns).select_from(found)


def words_key(summary: dict[str, Any]) -> str:
    """What the matching depends on, for cache keys."""
    if summary["mode"] == "all":
        return ""
    if summary["mode"] == "partial":
        return "partial:" + " ".join(summary["terms"])
    if summary["engine"] == "sqlite" or summary["corrected"]:
        return "fts:" + " ".join(summary["terms"])
    return f"{summary['mode']}:{summary['q']}"


def matches_for(summary: dict[str, Any]) -> Any:
    """The (solution_id, score) subquery a summary describes, or None to match everything."""
    if summary["mode"] == "all":
        return None
    sqlite = summary["engine"] == "sqlite"
    if summary["mode"] == "partial":
        return (sqlite_partial_matches if sqlite else pg_partial_matches)(summary["terms"])
    if sqlite:
        return sqlite_matches(summary["terms"])
    # A corrected query searches the corrected words; otherwise the visitor's own text (with
    # websearch syntax: quotes, or, -word).
    return pg_matches(summary["corrected"] or summary["q"])
