"""The worker's facet columns: used only while current, rebuilt in the background, same pages.

Word searches count and (in relevance order) rank their matches from per-worker columns
(``facet_columns``). These tests pin down when: never with columns of an older catalog
generation, whatever changed it (a new solution, a tag removed in bulk, a publisher deleted
with their solutions by the database's cascade); a stale search answers from SQL and starts
one rebuild; and a page from the columns equals the page SQL gives, order included, first
and deep. Runs on SQLite and on PostgreSQL with Redis.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlmodel import col, delete, select

from aixplore.core import cache
from aixplore.core.db import get_engine, session_scope
from aixplore.domain.accounts.models import Actor, User
from aixplore.domain.solutions import facet_columns
from aixplore.domain.solutions import services as solutions
from aixplore.domain.solutions.models import Solution, SolutionTag
from aixplore.domain.solutions.search import SearchPage, SearchQuery, search
from tests.factories import actor_for, make_member, sign_in

WORDS = ("alpha", "beta", "gamma")


@pytest.fixture(autouse=True)
def _fresh_columns() -> Iterator[None]:
    facet_columns.forget()
    yield
    facet_columns.forget()


def _publish(actor: Actor | None, **data: object) -> str:
    with session_scope() as db:
        made = solutions.do_create_solution(
            db,
            actor,
            {
                "description": "Orbit planning for every team.",
                "category": "text-generation",
                "pricing": "free",
                "tags": [],
                **data,
            },
        )
        return solutions.do_set_status(db, actor, made.slug, "published").slug


@pytest.fixture
def catalog() -> list[str]:
    """Thirty published solutions sharing the word "orbit", with varied facets and tags."""
    actors = [actor_for(sign_in(make_member(name=f"Publisher {i}").email)) for i in range(3)]
    categories = ["text-generation", "computer-vision", "speech-audio"]
    pricing = ["free", "freemium", "paid", "enterprise"]
    slugs = [
        _publish(
            actors[i % 3],
            name=f"Orbit {WORDS[i % 3]} {i}",
            tagline=f"Orbit tools for {WORDS[(i + 1) % 3]} teams" + " orbit" * (i % 4),
            description=f"Orbit planning number {i}.",
            category=categories[i % 3],
            pricing=pricing[i % 4],
            tags=[["ocr", "nlp"], ["nlp"], ["vision", "ocr"], []][i % 4],
        )
        for i in range(30)
    ]
    with session_scope() as db:  # ratings, reviews and dates with ties, for the orders
        for i, slug in enumerate(slugs):
            solution = db.exec(select(Solution).where(Solution.slug == slug)).one()
            solution.rating_avg = float(i % 5)
            solution.rating_score = 3.0 + (i % 4) / 2
            solution.rating_count = i % 3
            solution.published_at = datetime(2026, 1, 1 + i % 7, tzinfo=UTC)
    return slugs


def _search(**params: str) -> SearchPage:
    cache.invalidate("search:")  # the columns, not a cached summary, must answer
    with session_scope() as db:
        return search(db, SearchQuery.from_params(params))


def _install() -> facet_columns.Columns:
    columns = facet_columns.build(get_engine())
    facet_columns.install(columns)
    return columns


def _current() -> facet_columns.Columns | None:
    with session_scope() as db:
        return facet_columns.current(db)


QUERIES = [
    {"q": "orbit"},
    {"q": "orbit", "page": "2", "per_page": "7"},
    {"q": "orbit alpha"},
    {"q": "orbit", "category": "computer-vision", "pricing": "free,paid"},
    {"q": "orbit", "tags": "ocr"},
    {"q": "orbit", "tags": "ocr,nlp", "min_rating": "1"},
    {"q": "orbit", "category": "no-such-category"},
    {"q": "teams", "sort": "newest"},
    {"q": "orbit", "sort": "rating", "min_rating": "2"},
    {"q": "orbit", "sort": "reviews", "page": "2", "per_page": "5"},
    {"q": "orbit", "sort": "trending"},
]


def _shown(page: SearchPage) -> tuple:
    return (page.total, [c.slug for c in page.items], page.facets, page.corrected_q)


def test_pages_from_the_columns_equal_pages_from_sql(
    catalog: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patched:
        patched.setattr(facet_columns, "_rebuild_soon", lambda *_: None)
        by_sql = [_shown(_search(**q)) for q in QUERIES]
        assert _current() is None  # nothing built: SQL answered every search
    _install()
    assert _current() is not None
    used: list[str] = []
    for method in ("cells_of", "rank", "top_tags"):
        original = getattr(facet_columns.Columns, method)

        def spy(self, *args, _original=original, _method=method):  # type: ignore[no-untyped-def]
            used.append(_method)
            return _original(self, *args)

        monkeypatch.setattr(facet_columns.Columns, method, spy)
    by_columns = []
    # SQLite filters trending matches there too (the term index's, ordered in SQL).
    sqlite = get_engine().dialect.name == "sqlite"
    for q in QUERIES:
        used.clear()
        by_columns.append(_shown(_search(**q)))
        # Counted from the columns, and ranked there unless in trending order.
        ranked = q.get("sort") != "trending" or sqlite
        expected = {"cells_of", "top_tags"} | ({"rank"} if ranked else set())
        assert set(used) == expected, q
    assert by_columns == by_sql
    assert by_sql[0][0] == 30 and len(by_sql[1][1]) == 7


def test_a_stale_search_answers_from_sql_and_rebuilds_in_the_background(
    catalog: list[str],
) -> None:
    before = _install()
    late = actor_for(sign_in(make_member(name="Late Publisher").email))
    _publish(
        late, name="Orbit latecomer", tagline="Arrived late to the party", tags=["ocr"]
    )  # a catalog change
    assert _current() is None  # older generation: not used, a rebuild starts
    facet_columns.wait()
    page = _search(q="orbit")
    assert page.total == 31 and "ocr" in {f.value for f in page.facets["tags"]}
    rebuilt = _current()
    assert rebuilt is not None and rebuilt is not before
    with session_scope() as db:
        assert rebuilt.generation == facet_columns.version(db)


def test_the_throttle_starts_one_rebuild_at_a_time(catalog: list[str]) -> None:
    facet_columns.MIN_REBUILD_SECONDS, saved = 1e9, facet_columns.MIN_REBUILD_SECONDS
    try:
        assert _current() is None  # the first stale search starts a build ...
        facet_columns.wait()
        assert _current() is not None
        _publish(
            actor_for(sign_in(make_member().email)),
            name="Orbit more",
            tagline="More tools for planning",
        )
        assert _current() is None  # ... and, within the pause, no other starts
        facet_columns.wait()
        assert _current() is None
    finally:
        facet_columns.MIN_REBUILD_SECONDS = saved


def test_bulk_tag_removal_and_a_cascading_publisher_delete_retire_the_columns(
    catalog: list[str],
) -> None:
    _install()
    with session_scope() as db:  # a bulk delete the flush never sees
        db.exec(delete(SolutionTag).where(col(SolutionTag.tag) == "ocr"))  # type: ignore[call-overload]
    assert _current() is None
    assert "ocr" not in {f.value for f in _search(q="orbit").facets["tags"]}
    _install()
    with session_scope() as db:
        publisher = db.exec(select(User).where(User.display_name == "Publisher 0")).one()
        db.delete(publisher)  # their solutions go by the database's ON DELETE CASCADE
    assert _current() is None
    assert _search(q="orbit").total == 20


def test_columns_are_never_current_without_a_version_every_process_sees(
    catalog: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite: a write from another process, which no hook of this one sees (here raw SQL on
    a connection of its own), still retires the columns: the database counts the change.
    PostgreSQL: the version is the generation shared through Redis; when Redis cannot be
    read, no columns are used."""
    _install()
    engine = get_engine()
    if engine.dialect.name == "sqlite":
        with engine.begin() as conn:
            conn.exec_driver_sql("UPDATE solution SET pricing = 'enterprise'")
        assert _current() is None
        pricing = {f.value: f.count for f in _search(q="orbit").facets["pricing"]}
        assert pricing["enterprise"] == 30
    else:

        def down(name: str, *, strict: bool = False) -> int:
            raise cache.Unavailable(name)

        monkeypatch.setattr(cache, "generation", down)
        assert _current() is None
        assert _search(q="orbit").total == 30
