"""Facet counts agree with a plain recount on the solution table after any change.

Random catalog changes straight through the database (inserts, publishing, moves between
categories and pricing, ratings crossing star floors, owners changing, tags added, renamed and
removed, publishers verified and unverified, solutions and publishers deleted with their
cascades), then every facet and total of a set of searches is compared with a recount made
here, one straightforward query per facet on the solution table:

- searches without words, from the trigger-kept cells;
- the same searches and searches with words, from the matches grouped into cells in one
  query (what word searches and multi-tag searches use);
- searches with words counted from the worker's facet columns (``facet_columns``).

Runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import random
from dataclasses import replace
from itertools import count
from typing import Any

from sqlalchemy import Integer, cast, delete, func, text, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from aixplore.core import cache
from aixplore.core.db import get_engine, session_scope
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import User
from aixplore.domain.solutions import facet_cells, facet_columns, search, search_facets, search_text
from aixplore.domain.solutions.facet_cells import FacetCounts
from aixplore.domain.solutions.models import (
    Category,
    Pricing,
    Solution,
    SolutionStatus,
    SolutionTag,
)
from aixplore.domain.solutions.search_query import SearchQuery
from tests.factories import make_member

TAGS = ["ocr", "nlp", "vision", "audio", "agents", "rag", "speech", "search"]
WORDS = ["harbor", "lantern", "meadow"]
_slug = count(1)


def _add_solution(db, rng: random.Random, owners: list[int], categories: list[int]) -> None:
    n = next(_slug)
    solution = Solution(
        owner_id=rng.choice(owners),
        category_id=rng.choice(categories),
        slug=f"cell-{n}",
        name=f"Cell {n} {rng.choice(WORDS)}",
        tagline="A solution for counting",
        pricing=rng.choice(list(Pricing)),
        status=rng.choice(
            [SolutionStatus.PUBLISHED, SolutionStatus.PUBLISHED, SolutionStatus.DRAFT]
        ),
        rating_avg=rng.choice([0.0, 1.2, 2.0, 2.9, 3.5, 4.0, 4.7, 5.0]),
    )
    db.add(solution)
    db.flush()
    for tag in rng.sample(TAGS, rng.randint(0, 3)):
        db.add(SolutionTag(solution_id=solution.id or 0, tag=tag))


def _change(db, rng: random.Random, owners: list[int], categories: list[int]) -> None:
    """One random change to the catalog or its publishers."""
    ids = list(db.exec(select(Solution.id)).all())
    what = rng.randrange(11)
    if what == 0 or not ids:
        _add_solution(db, rng, owners, categories)
        return
    target = rng.choice(ids)
    solution = db.get(Solution, target)
    assert solution is not None
    if what == 1:
        solution.status = rng.choice(list(SolutionStatus))
    elif what == 2:
        solution.category_id = rng.choice(categories)
    elif what == 3:
        solution.pricing = rng.choice(list(Pricing))
    elif what == 4:
        solution.rating_avg = round(rng.uniform(0, 5), 2)
    elif what == 5:
        solution.owner_id = rng.choice(owners)
    elif what == 6:
        have = set(db.exec(select(SolutionTag.tag).where(SolutionTag.solution_id == target)).all())
        missing = [t for t in TAGS if t not in have]
        if missing:
            db.add(SolutionTag(solution_id=target, tag=rng.choice(missing)))
    elif what == 7:
        db.exec(  # type: ignore[call-overload]
            delete(SolutionTag).where(
                col(SolutionTag.solution_id) == target,
                col(SolutionTag.tag) == rng.choice(TAGS),
            )
        )
    elif what == 8:
        have = set(db.exec(select(SolutionTag.tag).where(SolutionTag.solution_id == target)).all())
        missing = [t for t in TAGS if t not in have]
        if have and missing:  # a tag renamed in place
            db.exec(  # type: ignore[call-overload]
                update(SolutionTag)
                .where(col(SolutionTag.solution_id) == target, col(SolutionTag.tag) == min(have))
                .values(tag=rng.choice(missing))
            )
    elif what == 9:
        user = db.get(User, rng.choice(owners))
        assert user is not None
        user.verified_publisher_at = None if user.verified_publisher_at else utcnow()
    else:
        db.delete(solution)


def _queries(categories: list[str]) -> list[SearchQuery]:
    return [
        SearchQuery(),
        SearchQuery(category=categories[0]),
        SearchQuery(pricing=[Pricing.PAID, Pricing.FREE]),
        SearchQuery(min_rating=3),
        SearchQuery(verified=True),
        SearchQuery(tags=["ocr"]),
        SearchQuery(tags=["ocr", "nlp"], min_rating=1),
        SearchQuery(
            category=categories[1],
            tags=["nlp"],
            min_rating=2,
            verified=True,
            pricing=[Pricing.FREEMIUM, Pricing.ENTERPRISE],
        ),
    ]


def _recount(db: Session, query: SearchQuery, matches: Any = None) -> tuple[int, FacetCounts]:
    """The oracle: each facet counted on the solution table by its own query, under every
    filter but its own (search_facets.filters), joined to the matched ids when there are words."""
    Sol, Tag = Solution, SolutionTag

    def scoped(stmt: Any, skip: str) -> Any:
        if matches is not None:
            stmt = stmt.join(matches, matches.c.solution_id == col(Sol.id))
        return stmt.where(*search_facets.filters(query, skip=skip))

    def grouped(column: Any, skip: str) -> dict[Any, int]:
        stmt = scoped(select(column, func.count()).select_from(Sol), skip).group_by(column)
        return {value: int(n) for value, n in db.exec(stmt).all()}

    total = int(db.exec(scoped(select(func.count()).select_from(Sol), "")).one())
    tags = db.exec(
        scoped(
            select(Tag.tag, func.count().label("n"))
            .select_from(Tag)
            .join(Sol, col(Sol.id) == col(Tag.solution_id)),
            "tags",
        )
        .group_by(col(Tag.tag))
        .order_by(text("n DESC"), col(Tag.tag))
        .limit(facet_cells.TOP_TAGS)
    ).all()
    stars = db.exec(
        scoped(
            select(
                *[func.sum(cast(col(Sol.rating_avg) >= n, Integer)) for n in (4, 3, 2, 1)]
            ).select_from(Sol),
            "min_rating",
        )
    ).one()
    verified = db.exec(
        scoped(
            select(func.count()).select_from(Sol).join(User, col(User.id) == col(Sol.owner_id)),
            "verified",
        ).where(col(User.verified_publisher_at).is_not(None))
    ).one()
    counts = FacetCounts(
        category={int(k): n for k, n in grouped(col(Sol.category_id), "category").items()},
        pricing={Pricing(k).value: n for k, n in grouped(col(Sol.pricing), "pricing").items()},
        tags=[(str(t), int(n)) for t, n in tags],
        stars=[int(c or 0) for c in stars],
        verified=int(verified),
    )
    return total, counts


def _matched(db: Session, q: str) -> Any:
    engine = db.get_bind().dialect.name
    words = {
        "engine": engine,
        "mode": "words",
        "q": q,
        "terms": search_text.terms(q),
        "corrected": "",
    }
    return search_text.matches_for(words)


def _grouped_counts(
    db: Session, query: SearchQuery, matches: Any, words: str = ""
) -> tuple[int, FacetCounts]:
    total, counts = search_facets.cell_counts(db, matches, query, None)
    return total, replace(counts, tags=search_facets.tag_counts(db, matches, query, words, None))


def _assert_cells_agree(queries: list[SearchQuery]) -> None:
    cache.invalidate()
    columns = facet_columns.build(get_engine())
    with session_scope() as db:
        for query in queries:
            expected = _recount(db, query)
            if facet_cells.applies(query, None):
                assert facet_cells.summarize(db, query) == expected, query
            assert _grouped_counts(db, query, None) == expected, query
            for word in WORDS[:2]:
                matches = _matched(db, word)
                worded = _recount(db, query, matches)
                assert _grouped_counts(db, query, matches, word) == worded, (word, query)
                # The worker's facet columns count the matched ids to the same figures.
                ids = search_facets.ids(db, sa_select(matches.c.solution_id))
                counted = search_facets.Counted(columns, facet_columns.reading(ids))
                by_columns = _grouped_counts(db, query, counted, f"columns:{word}")
                assert by_columns == worded, (word, query)


def test_cells_agree_with_a_recount_after_random_changes() -> None:
    rng = random.Random(20261202)
    owners = [make_member().id for _ in range(4)]
    with session_scope() as db:
        categories = list(db.exec(select(Category.id, Category.slug)).all())
        verified = db.get(User, owners[0])
        assert verified is not None
        verified.verified_publisher_at = utcnow()
    category_ids = [int(c[0] or 0) for c in categories]
    queries = _queries([c[1] for c in categories])
    _assert_cells_agree(queries)  # empty
    with session_scope() as db:
        for _ in range(30):
            _add_solution(db, rng, owners, category_ids)
    _assert_cells_agree(queries)
    for round_ in range(8):
        with session_scope() as db:
            for _ in range(25):
                _change(db, rng, owners, category_ids)
                db.flush()
        _assert_cells_agree(queries)
        if round_ == 5:  # a verified publisher deleted: solutions and tags go by cascade
            gone = owners.pop()
            with session_scope() as db:
                user = db.get(User, gone)
                assert user is not None
                user.verified_publisher_at = utcnow()
                db.exec(  # type: ignore[call-overload]
                    update(Solution)
                    .where(col(Solution.owner_id) == gone)
                    .values(status=SolutionStatus.PUBLISHED)
                )
            _assert_cells_agree(queries)
            with session_scope() as db:
                db.exec(delete(User).where(col(User.id) == gone))  # type: ignore[call-overload]
            _assert_cells_agree(queries)
    with session_scope() as db:
        published = db.exec(
            select(func.count())
            .select_from(Solution)
            .where(Solution.status == SolutionStatus.PUBLISHED)
        ).one()
    assert published > 5  # the comparison above was not over an empty catalog


def test_a_search_without_words_counts_from_the_cells() -> None:
    """search() takes the cells' figures (a wrong cell shows up in the page it returns)."""
    owner = make_member()
    with session_scope() as db:
        category = db.exec(select(Category)).first()
        assert category is not None
        db.add(
            Solution(
                owner_id=owner.id,
                category_id=category.id or 0,
                slug="only-one",
                name="Only One",
                tagline="The only one",
                status=SolutionStatus.PUBLISHED,
                rating_avg=4.5,
            )
        )
    cache.invalidate()
    with session_scope() as db:
        page = search.search(db, SearchQuery())
    assert page.total == 1
    cell = facet_cells.CELL.update()
    with session_scope() as db:  # tamper with its cell: the page must follow it
        db.exec(cell.where(facet_cells.CELL.c.n == 1).values(n=42))  # type: ignore[call-overload]
    try:
        cache.invalidate()
        with session_scope() as db:
            page = search.search(db, SearchQuery())
            stars = {f.value: f.count for f in page.facets["min_rating"]}
        assert page.total == 42 and stars["4"] == 42
    finally:
        with session_scope() as db:
            db.exec(cell.where(facet_cells.CELL.c.n == 42).values(n=1))  # type: ignore[call-overload]
