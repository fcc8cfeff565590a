"""How search words match, per engine: the full-text match and its score, typo correction.

SQLite: FTS5 (porter stemming, bm25) and its vocabulary; PostgreSQL: the weighted tsvector
and pg_trgm (``search_word`` candidates for typos, trigram word similarity as a last resort).
A search's *summary* (``search._summary``) records how its words matched: ``matches_for``
turns it back into the (solution_id, score) subquery, ``words_key`` into a cache key part.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from sqlalchemy import Integer, column, func, literal_column, table, text
from sqlmodel import Session, col, select

from aixplore.domain.solutions.models import Solution

_WORD = re.compile(r"[\w]+", re.UNICODE)


def terms(q: str) -> list[str]:
    return [t.lower() for t in _WORD.findall(q)][:12]


def fts5_expression(terms: list[str]) -> str:
    # Each term is a quoted string with a prefix star: no FTS5 syntax can be injected.
    return " AND ".join(f'"{t}"*' for t in terms)


def sqlite_matches(terms: list[str]) -> Any:
    """A (solution_id, score) subquery; higher score is better."""
    return (
        select(
            literal_column("solution_fts.rowid").label("solution_id"),
            (-func.bm25(text("solution_fts"), 10.0, 4.0, 1.0, 8.0)).label("score"),
        )
        .select_from(text("solution_fts"))
        .where(text("solution_fts MATCH :fts").bindparams(fts=fts5_expression(terms)))
        .subquery()
    )


def sqlite_correct(session: Session, term: str) -> str | None:
    """The closest indexed word to an unknown ``term`` (None when known or nothing is close)."""
    known = session.exec(
        text("SELECT 1 FROM solution_fts_vocab WHERE term = :t").bindparams(t=term)  # type: ignore[call-overload]
    ).first()
    if known is not None:
        return None
    rows = session.exec(
        text(  # type: ignore[call-overload]
            "SELECT term FROM solution_fts_vocab WHERE term >= :lo AND term < :hi "
            "AND length(term) BETWEEN :a AND :b ORDER BY doc DESC LIMIT 4000"
        ).bindparams(lo=term[0], hi=chr(ord(term[0]) + 1), a=len(term) - 2, b=len(term) + 2)
    ).all()
    match = difflib.get_close_matches(term, [r[0] for r in rows], n=1, cutoff=0.75)
    return match[0] if match else None


def pg_correct(session: Session, term: str) -> str | None:
    """The closest published word to an unknown ``term``, from the ``search_word`` table.

    The trigram index finds up to 50 candidates (pg_trgm's ``%``, similarity >= 0.3); the
    pick among them is the same as on SQLite (difflib ratio >= 0.75), because trigrams punish
    a swapped letter pair far more than people do ("reciept" is 0.33 from "receipt").
    """
    rows = session.exec(
        text(  # type: ignore[call-overload]
            "SELECT word FROM search_word WHERE word % :t ORDER BY word <-> :t, word LIMIT 50"
        ).bindparams(t=term)
    ).all()
    words = [r[0] for r in rows]
    if term in words:
        return None
    match = difflib.get_close_matches(term, words, n=1, cutoff=0.75)
    return match[0] if match else None


def corrected(session: Session, engine: str, terms: list[str]) -> list[str]:
    """``terms`` with each unknown word of 3 letters or more replaced by the closest known one."""
    correct = sqlite_correct if engine == "sqlite" else pg_correct
    return [(correct(session, t) if len(t) >= 3 else None) or t for t in terms]


def pg_all_known(session: Session, terms: list[str]) -> bool:
    """Whether every one of ``terms`` is a word of some published solution (``search_word``):
    then a search that found nothing found nothing near either, and trigram similarity to
    every name would only dredge up noise (and cost 200-300 ms over 100,000 solutions)."""
    wanted = sorted(set(terms))
    known = session.exec(
        text("SELECT count(*) FROM search_word WHERE word = ANY(:w)").bindparams(w=wanted)  # type: ignore[call-overload]
    ).one()[0]
    return int(known) == len(wanted)


# The text the typo matcher compares with, exactly as the trigram index ix_solution_fuzzy_trgm
# spells it (so the planner can use the index for ``<%``; its threshold is set per connection
# in core/db.py).
FUZZY_HAYSTACK = "(solution.name || ' ' || solution.tags_text || ' ' || solution.tagline)"


# The vectors' narrow copy (migration 7c1d2e3f4a5b): ranking reads each match's vector, and
# from here it does not have to walk a wide solution row to reach it.
SEARCH_TABLE = table("solution_search", column("solution_id", Integer), column("search_vector"))


def pg_matches(q: str) -> Any:
    # The query is parsed once, as a row in FROM. Written inline (as an argument of @@ and of
    # ts_rank), a prepared statement's generic plan -- which PostgreSQL settles on after a few
    # executions of the same text -- parses it again for every matched row: 30 against 17 ms
    # over 15,000 matches.
    tsq = text("websearch_to_tsquery('english', :q) AS tsq").bindparams(q=q)
    vector = SEARCH_TABLE.c.search_vector
    return (
        select(
            SEARCH_TABLE.c.solution_id.label("solution_id"),
            # Weighted term frequency, like SQLite's bm25: cover density (ts_rank_cd) cost
            # three times as much for two words (17 against 6 ms over 6,000 matches).
            func.ts_rank(vector, literal_column("tsq")).label("score"),
        )
        .select_from(SEARCH_TABLE)
        .select_from(tsq)
        .where(text("solution_search.search_vector @@ tsq"))
        .subquery()
    )


def pg_packed(found: Any, *, with_scores: bool) -> Any:
    """One row holding ``found``'s ids (and scores) as binary arrays (``array_send``): 15,000
    matches as rows cost the driver and Python 12 ms more than as two arrays
    (:func:`facet_columns.unpacked` reads them)."""
    columns = [func.array_send(func.array_agg(found.c.solution_id))]
    if with_scores:
        columns.append(func.array_send(func.array_agg(found.c.score)))
    return select(*columns).select_from(found)


def pg_fuzzy_matches(q: str) -> Any:
    """Typo tolerance on PostgreSQL: trigram word similarity to names, tags and taglines."""
    return (
        select(
            col(Solution.id).label("solution_id"),
            func.word_similarity(q, literal_column(FUZZY_HAYSTACK)).label("score"),
        )
        .where(text(f":fq <% {FUZZY_HAYSTACK}").bindparams(fq=q))
        .subquery()
    )


def words_key(summary: dict[str, Any]) -> str:
    """What the matching depends on, for cache keys."""
    if summary["mode"] == "all":
        return ""
    if summary["engine"] == "sqlite" or (summary["corrected"] and summary["mode"] == "words"):
        return "fts:" + " ".join(summary["terms"])
    return f"{summary['mode']}:{summary['q']}"


def matches_for(summary: dict[str, Any]) -> Any:
    """The (solution_id, score) subquery a summary describes, or None to match everything."""
    if summary["mode"] == "all":
        return None
    if summary["engine"] == "sqlite":
        return sqlite_matches(summary["terms"])
    if summary["mode"] == "fuzzy":
        return pg_fuzzy_matches(summary["q"])
    # A corrected query searches the corrected words; otherwise the visitor's own text (with
    # websearch syntax: quotes, or, -word).
    return pg_matches(summary["corrected"] or summary["q"])
