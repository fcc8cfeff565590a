"""Typo correction: the closest words of published solutions, the same way on both engines.

The vocabulary is the set of words published solutions hold, unstemmed: PostgreSQL keeps it
in ``search_word``, SQLite in the ``search_word_vocab`` index (migrations f2a3b4c5d6e7 and
9e4f1a2b3c4d), both kept by triggers. Each worker holds a copy in memory (a few MB for a
large catalog), labelled with the catalog's version (``facet_columns.version``) and read
again when a search needs it after the catalog changed.

Distance is optimal string alignment (Damerau-Levenshtein without repeated edits of one
substring): inserting, deleting or changing a letter, or swapping two neighbours, is one edit,
so "tranlsation" is one edit from "translation". Words of 3 to 7 letters may be one edit
away, longer ones two. Candidates one edit away are generated and looked up (a few hundred
set lookups); two edits away, the words of about the same length that share the first or the
last letter are measured. Among equally close words the pick is the one sharing the first
letter, then the one of the same length, then the first in alphabetical order, so both
engines choose the same word from the same vocabulary.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlmodel import Session

from aixplore.core import replica
from aixplore.domain.solutions import facet_columns
from aixplore.domain.solutions.search_text import STOP_WORDS

MIN_LENGTH = 3  # shorter words are never corrected
TWO_EDITS_FROM = 8  # words this long may be two edits away
MAX_WORD = 40

_WORDS = {
    "sqlite": "SELECT term FROM search_word_vocab",
    "postgresql": "SELECT word FROM search_word",
}


@dataclass(frozen=True, eq=False)
class Vocabulary:
    """The words of published solutions at one catalog version."""

    version: int | None
    words: frozenset[str]
    alphabet: str
    by_length: dict[int, tuple[str, ...]] = field(repr=False)
    # word -> its closest word (None: none near): words people type repeat, and measuring
    # the two-edit candidates of one costs about a millisecond (pure Python).
    closest: dict[str, str | None] = field(default_factory=dict, repr=False)


def _vocabulary(words: set[str], version: int | None) -> Vocabulary:
    kept = {w for w in words if MIN_LENGTH <= len(w) <= MAX_WORD and w not in STOP_WORDS}
    by_length: dict[int, list[str]] = defaultdict(list)
    for word in sorted(kept):
        by_length[len(word)].append(word)
    return Vocabulary(
        version=version,
        words=frozenset(kept),
        alphabet="".join(sorted({c for w in kept for c in w})),
        by_length={n: tuple(ws) for n, ws in by_length.items()},
    )


def build(engine: Engine, version: int | None) -> Vocabulary:
    """Read the vocabulary of ``engine``'s database (``version``: the catalog's, read before)."""
    with engine.connect().execution_options(aixplore_read_only=True) as conn, conn.begin():
        rows = conn.exec_driver_sql(_WORDS[engine.dialect.name]).fetchall()
    return _vocabulary({str(r[0]) for r in rows}, version)


# ---- One copy per database, read again after a catalog change ----

_lock = threading.Lock()
_held: dict[str, Vocabulary] = {}


def vocabulary(session: Session) -> Vocabulary:
    """The worker's copy of the vocabulary, read again first if the catalog changed since.

    Only searches that need a correction ask, so a catalog that changes all the time costs
    one read per such search (about 2 ms for the demo catalog's 1,600 words); when the
    catalog's version cannot be read (Redis down) the copy held is used as it is.
    """
    engine = session.get_bind()
    if not isinstance(engine, Engine):
        engine = engine.engine
    url = str(engine.url)
    held = _held.get(url)
    # On the replica, the version its read pinned (a newer one could label older words).
    version = facet_columns.version_seen if replica.on_replica(session) else facet_columns.version
    wanted = version(session)
    if held is None or (wanted is not None and held.version != wanted):
        held = build(engine, wanted)
        with _lock:
            _held[url] = held
    return held


def forget() -> None:
    """Drop every copy (tests)."""
    with _lock:
        _held.clear()


# ---- Distance and candidates ----


def distance(a: str, b: str, limit: int) -> int:
    """The optimal string alignment distance of ``a`` and ``b``, or ``limit + 1`` when it is
    larger than ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] = []
    above = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            best = min(above[j] + 1, row[j - 1] + 1, above[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                best = min(best, before[j - 2] + 1)
            row[j] = best
        if min(row) > limit:
            return limit + 1
        before, above = above, row
    return min(above[len(b)], limit + 1)


def one_edit(word: str, alphabet: str) -> set[str]:
    """Every string one edit from ``word`` over ``alphabet`` (a swap of neighbours included)."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    found = {a + b[1:] for a, b in splits if b}
    found |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    found |= {a + c + b[1:] for a, b in splits if b for c in alphabet}
    found |= {a + c + b for a, b in splits for c in alphabet}
    found.discard(word)
    return found


def allowed_edits(word: str) -> int:
    """How many edits away a correction of ``word`` may be."""
    if len(word) < MIN_LENGTH:
        return 0
    return 2 if len(word) >= TWO_EDITS_FROM else 1


def _preference(word: str, candidate: str, edits: int) -> tuple[int, int, int, str]:
    return (edits, candidate[0] != word[0], abs(len(candidate) - len(word)), candidate)


MAX_REMEMBERED = 50_000  # closest words a vocabulary remembers (a few MB at most)


def closest(vocabulary: Vocabulary, word: str) -> str | None:
    """The closest other word of ``vocabulary`` within :func:`allowed_edits` of ``word``."""
    if word in vocabulary.closest:
        return vocabulary.closest[word]
    found = _closest(vocabulary, word)
    if len(vocabulary.closest) < MAX_REMEMBERED:
        vocabulary.closest[word] = found
    return found


def _closest(vocabulary: Vocabulary, word: str) -> str | None:
    limit = allowed_edits(word)
    if not limit:
        return None
    near = one_edit(word, vocabulary.alphabet) & vocabulary.words
    if near:
        return min(near, key=lambda c: _preference(word, c, 1))
    if limit < 2:
        return None
    best: tuple[int, int, int, str] | None = None
    for length in range(len(word) - 2, len(word) + 3):
        for candidate in vocabulary.by_length.get(length, ()):
            if candidate[0] != word[0] and candidate[-1] != word[-1]:
                continue
            edits = distance(word, candidate, 2)
            if edits <= 2:
                ranked = _preference(word, candidate, edits)
                if best is None or ranked < best:
                    best = ranked
    return best[3] if best else None


def corrected(session: Session, terms: list[str]) -> list[str]:
    """``terms`` with each word no published solution holds replaced by the closest one."""
    words = vocabulary(session)
    return [
        t if t in words.words or len(t) < MIN_LENGTH else (closest(words, t) or t) for t in terms
    ]


SUGGEST_FROM = 4  # known words shorter than this are never suggested away


def suggested(session: Session, terms: list[str]) -> list[str]:
    """``terms`` with every word of :data:`SUGGEST_FROM` letters or more replaced by its
    closest other word, known or not (a search decides whether that finds more)."""
    words = vocabulary(session)
    return [(closest(words, t) if len(t) >= SUGGEST_FROM else None) or t for t in terms]
