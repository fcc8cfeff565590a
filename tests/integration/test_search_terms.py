"""The worker's term index answers as the database does: same pages, same scores, never stale.

SQLite word searches match from a per-worker term index (``search_terms``): each word's
matches and bm25 share, read once per catalog version. These tests run a varied set of
searches (words, phrases with stop words, other word forms, typos, transposed letters,
partial matches, did-you-mean, filters, every sort, deep pages, nothing found) through the
index and through the database's own matching, and compare whole pages; compare the ids and
scores themselves bit for bit; and change a description by plain SQL on a connection of its
own (as another worker would) after the index holds its words. On PostgreSQL, whose ranking
is not a sum of per-word parts, the index is never used and the pages equal SQL's.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import permutations

import numpy as np
import pytest
from sqlalchemy import text
from sqlmodel import col, select

from aixplore.core import cache
from aixplore.core.db import get_engine, session_scope
from aixplore.demo import seed_large_catalog
from aixplore.domain.solutions import facet_columns, search_order, search_terms
from aixplore.domain.solutions import search as search_module
from aixplore.domain.solutions.models import Solution
from aixplore.domain.solutions.search import CATALOG, SearchPage, SearchQuery, search

# Words of the generated catalog: common ones, rarer ones, and words that share a stem.
POOL = ("email", "document", "report", "contract", "legal", "speech", "fraud", "invoice")
POOL += ("translation", "translate", "pdf", "chat", "summary", "review", "code", "video")


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    facet_columns.forget()
    search_terms.forget()
    yield
    facet_columns.forget()
    search_terms.forget()
    search_order.TERM_INDEX = True


@pytest.fixture
def catalog() -> list[str]:
    """Three hundred generated solutions (some drafts and archived ones, which FTS5 indexes
    too), with the demo's words, ratings and trending keys; their slugs, by id."""
    seed_large_catalog(session_scope, 300, seed=22)
    with session_scope() as db:
        return list(db.exec(select(Solution.slug).order_by(col(Solution.id))).all())


QUERIES = [
    {"q": "translation"},
    {"q": "pdf invoice"},
    {"q": "the pdf translator"},  # stop words, another word form
    {"q": "translating documents"},
    {"q": '"legal contract"'},
    {"q": "invocie"},  # a transposition
    {"q": "speach meeting"},  # a typo beside a known word
    {"q": "fraud video legal email"},  # few hold them all: partial matches
    {"q": "summary zebra"},  # one unknown word: partial
    {"q": "zebra quokka"},  # nothing at all
    {"q": "codes reviw"},  # two corrections
    {"q": "meting"},  # a known word, with a better one offered: did you mean
    {"q": "report", "category": "data-analytics", "pricing": "free,paid"},
    {"q": "document", "category": "computer-vision", "tags": "ocr"},
    {"q": "chat", "tags": "marketing,llm"},
    {"q": "support", "min_rating": "1", "verified": "1"},
    {"q": "document", "sort": "rating"},
    {"q": "voice", "sort": "reviews"},
    {"q": "image", "sort": "newest"},
    {"q": "forecast", "sort": "trending"},
    {"q": "email report", "sort": "trending", "pricing": "paid"},
    {"q": "translation", "page": "2", "per_page": "5"},
    {"q": "meeting", "page": "3", "per_page": "4", "sort": "newest"},
    {"q": "speech", "page": "40"},  # past the last page
]


def _shown(page: SearchPage) -> tuple:
    return (
        page.total,
        [c.slug for c in page.items],
        page.facets,
        page.corrected_q,
        page.suggested_q,
        page.partial,
        page.exact_total,
    )


def _pages(*, columns: bool, index: bool) -> list[tuple]:
    facet_columns.forget()
    search_terms.forget()
    if columns:
        facet_columns.install(facet_columns.build(get_engine()))
    search_order.TERM_INDEX = index
    shown = []
    for params in QUERIES:
        cache.invalidate("search:")  # each path answers, not a cached summary or list
        with session_scope() as db:
            shown.append(_shown(search(db, SearchQuery.from_params(params))))
    return shown


@pytest.mark.parametrize("windows", [(240, 4800), (6, 12)])
def test_pages_from_the_term_index_equal_pages_from_the_database(
    catalog: list[str], monkeypatch: pytest.MonkeyPatch, windows: tuple[int, int]
) -> None:
    """Small windows (the ids a search lists in order at once) make the columns pick the
    first few of many matches: the rows tied on the first key at the cut must be ordered as
    SQL orders them."""
    monkeypatch.setattr(facet_columns, "_rebuild_soon", lambda *_: None)
    monkeypatch.setattr(search_module, "FIRST_WINDOW", windows[0])
    monkeypatch.setattr(search_module, "RESULT_WINDOW", windows[1])
    by_sql = _pages(columns=False, index=False)
    by_fts = _pages(columns=True, index=False)
    asked: list[str] = []
    read = search_terms.postings
    monkeypatch.setattr(
        search_terms, "postings", lambda db, terms: asked.extend(terms) or read(db, terms)
    )
    by_index = _pages(columns=True, index=True)
    assert by_index == by_fts == by_sql
    sqlite = get_engine().dialect.name == "sqlite"
    assert bool(asked) is sqlite  # the index answered SQLite, and only SQLite
    shown = dict(zip([str(q) for q in QUERIES], by_index, strict=True))
    # The set exercises what it claims to: corrections, partial matches, empty results.
    assert shown[str({"q": "invocie"})][3] == "invoice"
    assert shown[str({"q": "fraud video legal email"})][5] is True
    # PostgreSQL (its own stemming of the words) offers nothing for this one.
    assert shown[str({"q": "meting"})][4] == ("meeting" if sqlite else "")
    assert shown[str({"q": "zebra quokka"})][0] == 0


def test_the_index_scores_equal_the_full_text_scores_bit_for_bit(catalog: list[str]) -> None:
    if get_engine().dialect.name != "sqlite":
        pytest.skip("PostgreSQL matches in SQL: its ranking is not a sum of per-word parts")
    columns = facet_columns.build(get_engine())
    words = [*POOL[:12], "translations", "zebra", "e"]
    compared = 0
    for a, b in permutations(words, 2):
        for terms in ([a], [a, b], [a, b, "pdf"]):
            for mode in ("words", "partial"):
                described = {"engine": "sqlite", "mode": mode, "terms": terms}
                with session_scope() as db:
                    search_order.TERM_INDEX = False
                    _, fts_ids, fts_scores = search_order.read_matches(
                        db, columns, described, with_scores=True
                    )
                    search_order.TERM_INDEX = True
                    _, ids, scores = search_order.read_matches(
                        db, columns, described, with_scores=True
                    )
                order = np.argsort(fts_ids)
                assert np.array_equal(fts_ids[order], ids), (terms, mode)
                assert np.array_equal(fts_scores[order], scores), (terms, mode)
                compared += 1
    assert compared == 2 * 3 * len(words) * (len(words) - 1)


def test_a_description_changed_by_another_connection_retires_the_held_words(
    catalog: list[str],
) -> None:
    """Plain SQL on a connection of its own: no hook of this process sees it. SQLite's
    trigger counts a description's change (it moves every word's idf and the average
    length); another PostgreSQL worker would bump the shared generation."""
    facet_columns.install(facet_columns.build(get_engine()))
    with session_scope() as db:
        before = search(db, SearchQuery(q="pangolin"))
    assert before.total == 0
    engine = get_engine()
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE solution SET description_md = 'A pangolin pangolin.' WHERE slug = :s"),
            {"s": catalog[0]},
        )
    if engine.dialect.name != "sqlite":
        cache.bump(CATALOG)
    facet_columns.install(facet_columns.build(get_engine()))
    cache.invalidate("search:")  # the words the worker holds must answer, not a cached page
    with session_scope() as db:
        after = search(db, SearchQuery(q="pangolin"))
    assert [c.slug for c in after.items] == [catalog[0]]
