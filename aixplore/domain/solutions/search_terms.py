"""Per-worker term index (SQLite): each search word's matches and its share of their bm25 score.

FTS5's bm25 is a sum over the query's phrases: each phrase adds ``idf * f(its hits in the row,
the row's length)``, where idf, the row's length and the average length depend on the table,
never on the other phrases. So the score of ``"a"* AND "b"*`` for a row is exactly
``0.0 + share(a) + share(b)`` (added in that order, as FTS5 adds them), and the score of
``"a"* OR "b"*`` the same sum over the phrases the row holds (an absent phrase adds 0.0).
This module reads each word's matches and shares once, with the database's own query for
that word alone (``-bm25`` of ``"word"*``: porter stemming, prefixes, the column weights, all
as SQLite does them), and answers every query of known words from memory: an intersection or
a union of sorted id arrays and the sums of their shares, floats added in the same order, so
the ids, the scores and hence the order equal what ``search_text.sqlite_matches`` and
``sqlite_partial_matches`` return.

The words are held under the catalog version (``facet_columns.version_seen``: the counter
every process's commits raise, read in the search's own snapshot, as ``search_cards`` does),
and dropped when it moves; the counter rises on every change of an indexed column of any
solution (migration 20261207_c3d4e5f6a7b8), since any such change moves every word's idf or
the average length. PostgreSQL's ``ts_rank`` of a query with several words weighs how close
they stand in each document: not a sum of per-word parts, so PostgreSQL keeps matching in SQL.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Engine
from sqlmodel import Session

from aixplore.domain.solutions import facet_columns
from aixplore.domain.solutions.search_text import BM25, fts5_term

# Postings (id and share, 16 bytes each) a worker holds at most (about 32 MB), then it starts
# again: over 100,000 solutions a common word holds some 15,000 of them.
MAX_POSTINGS = 2_000_000

_ONE_TERM = f"SELECT rowid, {BM25} FROM solution_fts WHERE solution_fts MATCH ?"  # noqa: S608

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class Postings:
    """The solutions (every status: FTS5 indexes them all) holding one word, ascending ids,
    with the word's share of each one's score."""

    ids: IntArray
    shares: FloatArray


@dataclass(eq=False)
class _Held:
    version: int
    words: dict[str, Postings] = field(default_factory=dict)
    postings: int = 0


_lock = threading.Lock()
_held: dict[str, _Held] = {}


def _engine(session: Session) -> Engine:
    bind = session.get_bind()
    return bind if isinstance(bind, Engine) else bind.engine


def _current(session: Session) -> _Held:
    """The worker's words for ``session``'s database at the version its snapshot sees."""
    version = facet_columns.version_seen(session)
    url = str(_engine(session).url)
    with _lock:
        held = _held.get(url)
        if held is None or version is None or held.version != version:
            held = _Held(version if version is not None else -1)
            if version is not None:
                _held[url] = held
        return held


def _read(session: Session, term: str) -> Postings:
    """One word's postings, read in the search's own snapshot."""
    cursor = session.connection().exec_driver_sql(_ONE_TERM, (fts5_term(term),)).cursor
    rows = cursor.fetchall() if cursor is not None else []
    if not rows:
        return Postings(np.zeros(0, np.int64), np.zeros(0, np.float64))
    ids, shares = zip(*rows, strict=True)
    order = np.argsort(np.array(ids, dtype=np.int64), kind="stable")
    return Postings(np.array(ids, dtype=np.int64)[order], np.array(shares, dtype=np.float64)[order])


def postings(session: Session, terms: list[str]) -> list[Postings]:
    """The postings of each of ``terms``, read for those the worker does not hold yet."""
    held = _current(session)
    found = [held.words.get(t) for t in terms]
    if all(p is not None for p in found):
        return [p for p in found if p is not None]
    out: list[Postings] = []
    for term, known in zip(terms, found, strict=True):
        read = known if known is not None else _read(session, term)
        out.append(read)
        if known is None:
            with _lock:
                if held.postings + len(read.ids) > MAX_POSTINGS:
                    held.words.clear()
                    held.postings = 0
                held.words[term] = read
                held.postings += len(read.ids)
    return out


def every_word(session: Session, terms: list[str]) -> tuple[IntArray, FloatArray]:
    """The solutions holding every one of ``terms``, ascending, with their bm25 scores (as
    ``search_text.sqlite_matches`` scores them)."""
    lists = postings(session, terms)
    # Membership over the id space (a flag per id): linear, where intersecting sorted
    # arrays sorts them again (a millisecond for two common words over 100,000 solutions).
    size = 1 + max((int(p.ids[-1]) for p in lists if len(p.ids)), default=-1)
    ids = lists[0].ids
    for p in lists[1:]:
        inside = np.zeros(size, dtype=bool)
        inside[p.ids] = True
        ids = ids[inside[ids]]
    scores = np.zeros(len(ids), dtype=np.float64)
    for p in lists:
        scores = scores + p.shares[np.searchsorted(p.ids, ids)]
    return ids, scores


def best_partial(session: Session, terms: list[str]) -> tuple[IntArray, FloatArray]:
    """The best partial matches of ``terms``, ascending, scored as
    ``search_text.sqlite_partial_matches`` scores them: how many of the words a solution holds
    plus its relevance squashed into [0, 1)."""
    lists = postings(session, terms)
    size = 1 + max((int(p.ids[-1]) for p in lists if len(p.ids)), default=-1)
    held = np.zeros(size, dtype=np.int64)
    relevance = np.zeros(size, dtype=np.float64)
    for p in lists:  # one word at a time: each id's shares added in the words' order
        held[p.ids] += 1
        relevance[p.ids] = relevance[p.ids] + p.shares
    top = int(held.max(initial=0))
    need = max(1, top - 1 if top == len(terms) else top)
    ids = np.flatnonzero(held >= need).astype(np.int64)
    found = relevance[ids]
    return ids, held[ids] + found / (found + 1.0)


def forget() -> None:
    """Drop every worker copy (tests)."""
    with _lock:
        _held.clear()
