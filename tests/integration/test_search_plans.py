"""A filtered search page is read from an order's covering index, on SQLite and PostgreSQL.

Filtered pages without words (category and pricing, a star floor, verified publishers, a tag)
in each order, and a page of word matches: every id list ``search()`` reads is planned here,
with the very statement and parameters it ran. The check is the plan, not a timing: the page
must come from an index that holds the order and the filtered columns (no sort of every match
on SQLite, no reading of table rows on PostgreSQL), which is what kept cold filtered pages
over 100,000 solutions under a few milliseconds in ``bench/search.py``. A table of sixty rows
is cheaper to read any way at all, so the planners are steered: SQLite is told the order's
index (``INDEXED BY``, which fails if the index cannot serve the statement) and PostgreSQL has
its other b-tree indexes on solutions set aside in a rolled-back transaction, with sequential
scans, bitmap scans and sorts priced out. The plans then show whether the indexes *can* serve
each statement; that the planners pick them at scale is what the benchmark shows.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest.mock import patch

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection
from sqlalchemy.pool import NullPool
from sqlmodel import select

from aixplore.core import cache
from aixplore.core.db import get_engine, session_scope
from aixplore.domain.solutions import facet_columns, search, search_terms
from aixplore.domain.solutions.models import (
    Category,
    Pricing,
    Solution,
    SolutionStatus,
    SolutionTag,
)
from aixplore.domain.solutions.search_query import SearchQuery, SortBy
from tests.factories import make_member

FILTERS: list[dict[str, str]] = [
    {"category": "", "pricing": "paid,enterprise"},
    {"min_rating": "4", "verified": "1"},
    {"tags": "ocr"},
]


ORDER_INDEX = {
    SortBy.RATING: "ix_solution_order_score",
    SortBy.REVIEWS: "ix_solution_order_reviews",
    SortBy.TRENDING: "ix_solution_order_trending",
    SortBy.NEWEST: "ix_solution_order_published",
}


@pytest.fixture
def catalog() -> str:
    """Sixty published solutions over the categories; returns a category slug."""
    owner = make_member()
    with session_scope() as db:
        categories = list(db.exec(select(Category)).all())
        for n in range(60):
            db.add(
                Solution(
                    owner_id=owner.id,
                    category_id=categories[n % len(categories)].id or 0,
                    slug=f"plan-{n}",
                    name=f"Plan {n} lantern",
                    tagline="A solution to plan",
                    pricing=list(Pricing)[n % len(Pricing)],
                    status=SolutionStatus.PUBLISHED,
                    rating_avg=float(n % 6),
                    rating_score=float(n % 7),
                )
            )
            db.flush()
        ids = db.exec(select(Solution.id)).all()
        for i in ids[::3]:
            db.add(SolutionTag(solution_id=i or 0, tag="ocr"))
        slug = categories[0].slug
    engine = get_engine()
    if engine.dialect.name == "sqlite":
        with session_scope() as db:
            db.exec(text("ANALYZE"))  # type: ignore[call-overload]
    else:
        # Fresh statistics and visibility map, as a served catalogue has: a full suite leaves these
        # tables with thousands of dead rows, whose pages would otherwise price every plan.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE solution, solution_tag")
    return slug


@contextmanager
def _statements() -> Iterator[list[tuple[str, Any]]]:
    seen: list[tuple[str, Any]] = []

    def record(_conn: Connection, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        seen.append((statement, params))

    engine = get_engine()
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _id_lists(query: SearchQuery) -> list[tuple[str, Any]]:
    """The ordered id lists a cold ``search(query)`` reads, with their parameters, when the
    worker has no current facet columns (right after a catalog change: words are then
    ordered in SQL too)."""
    cache.invalidate()
    with (
        patch.object(facet_columns, "current", return_value=None),
        _statements() as seen,
        session_scope() as db,
    ):
        search.search(db, query)
    return [
        (s, p)
        for s, p in seen
        if s.lstrip().upper().startswith("SELECT SOLUTION.ID") and "ORDER BY" in s.upper()
    ]


def _plan(statement: str, params: Any, index: str) -> str:
    """The plan of ``statement`` when ``index`` is the only b-tree index solutions have.

    SQLite is told the index (``INDEXED BY`` refuses the statement if the index cannot serve
    it). PostgreSQL has no such hint, so the other b-tree indexes of ``solution`` are dropped in
    a transaction that is rolled back (its GIN indexes, which find word matches, stay), with
    sequential and bitmap scans and sorts priced out: whether an index-only scan of ``index``
    is chosen then depends on that index alone, not on the statistics a full suite leaves.
    """
    with get_engine().connect() as conn, conn.begin() as transaction:
        if conn.dialect.name == "sqlite":
            statement = statement.replace("FROM solution", f"FROM solution INDEXED BY {index}", 1)
            rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params).all()
            transaction.rollback()
            return "\n".join(str(r[-1]) for r in rows)
        conn.exec_driver_sql("SET LOCAL lock_timeout = '10s'")
        others = conn.exec_driver_sql(
            "SELECT c.relname, k.conname FROM pg_index i"
            " JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam"
            " LEFT JOIN pg_constraint k ON k.conindid = i.indexrelid AND k.conrelid = i.indrelid"
            " WHERE i.indrelid = 'solution'::regclass AND a.amname = 'btree' AND c.relname <> %s",
            (index,),
        ).all()
        assert len(others) > 1, "solutions have no other b-tree indexes to set aside"
        for name, constraint in others:
            if constraint:  # the primary key and unique constraints, with what refers to them
                conn.exec_driver_sql(f'ALTER TABLE solution DROP CONSTRAINT "{constraint}" CASCADE')
            else:
                conn.exec_driver_sql(f'DROP INDEX "{name}"')
        for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
            conn.exec_driver_sql(f"SET LOCAL {setting} = off")
        rows = conn.exec_driver_sql("EXPLAIN " + statement, params).all()
        transaction.rollback()
    return "\n".join(str(r[0]) for r in rows)


def _reads_only_indexes(plan: str, dialect: str) -> bool:
    """Whether the plan reads solutions and their tags from indexes alone, with no sort."""
    lines = plan.splitlines()
    if dialect == "sqlite":
        scans = [line for line in lines if line.startswith(("SEARCH solution", "SCAN solution"))]
        return (
            all("COVERING INDEX" in line for line in scans) and "TEMP B-TREE FOR ORDER" not in plan
        )
    scans = [line for line in lines if " on solution " in line or " on solution_tag " in line]
    return all("Index Only Scan" in line for line in scans)


@pytest.mark.parametrize("sort", [SortBy.RATING, SortBy.REVIEWS, SortBy.TRENDING, SortBy.NEWEST])
@pytest.mark.parametrize("filters", range(len(FILTERS)))
def test_a_filtered_page_is_read_from_its_order_index(
    catalog: str, sort: SortBy, filters: int
) -> None:
    params = {**FILTERS[filters], "sort": sort.value}
    if "category" in params:
        params["category"] = catalog
    lists = _id_lists(SearchQuery.from_params(params))
    assert lists, "search read no ordered id list"
    dialect = get_engine().dialect.name
    for statement, bound in lists:
        plan = _plan(statement, bound, ORDER_INDEX[sort])
        assert _reads_only_indexes(plan, dialect), plan


def test_word_matches_are_ordered_from_an_index_alone(catalog: str) -> None:
    lists = _id_lists(SearchQuery.from_params({"q": "lantern"}))
    assert lists
    dialect = get_engine().dialect.name
    for statement, bound in lists:
        lines = _plan(statement, bound, "ix_solution_facets").splitlines()
        if dialect == "sqlite":
            # FTS5 finds the matches; each match's order columns come from the index (which
            # SQLite's planner prefers at scale; over sixty rows the statistics may not).
            reads = [line for line in lines if line.startswith("SEARCH solution ")]
            assert reads and all("COVERING INDEX ix_solution_facets" in line for line in reads), (
                lines
            )
        else:
            # The GIN index finds the matches (their ranking reads the vectors' own table, on
            # the aliased side of the join); the order columns come from an index alone.
            joined = [line for line in lines if " on solution  " in line]
            assert joined and all("Index Only Scan" in line for line in joined), lines


def test_the_words_are_bound_and_parsed_once_per_statement(catalog: str) -> None:
    """Every statement a word search runs (the facet columns' read, the SQL fallback's)
    carries the words as a bound parameter, never spliced into its text. On PostgreSQL the
    text query is also parsed once per statement under a prepared statement's generic plan,
    the plan PostgreSQL settles on after a few runs of the same text: a parse written inside
    ``@@`` and ``ts_rank`` ran once per matched row (30 against 17 ms over 15,000 matches)."""
    words = "lantern plan"
    seen_statements: list[tuple[str, Any]] = []
    for columns in (True, False):
        cache.invalidate()
        facet_columns.forget()
        search_terms.forget()
        if columns:
            facet_columns.install(facet_columns.build(get_engine()))
        with _statements() as seen, session_scope() as db:
            found = search.search(db, SearchQuery.from_params({"q": words}))
        assert found.total == 60
        matching = [(s, p) for s, p in seen if "solution_search" in s or "solution_fts" in s]
        assert matching, seen
        seen_statements += matching
    facet_columns.forget()
    for statement, params in seen_statements:
        assert "lantern" not in statement
        # SQLite's term index reads one word per statement; the others carry them all.
        assert any(word in str(params) for word in words.split())
    for word in words.split():
        assert any(word in str(params) for _, params in seen_statements)
    if get_engine().dialect.name == "sqlite":
        return
    for statement, params in seen_statements:
        plan = _generic_plan(statement, params)
        parses = [
            line.strip().removeprefix("->").strip()
            for line in plan.splitlines()
            if "websearch_to_tsquery" in line
        ]
        assert parses, plan
        assert all(line.startswith(("Function Scan", "Function Call")) for line in parses), plan


def _generic_plan(statement: str, params: dict[str, Any]) -> str:
    """The verbose generic plan PostgreSQL keeps for ``statement`` prepared on the driver."""
    # The driver numbers the named placeholders in the order they first appear.
    names = list(dict.fromkeys(re.findall(r"%\((\w+)\)s", statement)))
    # A connection of its own: a pooled one may have prepared this very statement already
    # (the driver prepares what it ran five times), and the newest it prepared is another.
    with create_engine(get_engine().url, poolclass=NullPool).connect() as conn:
        raw: Any = conn.connection.driver_connection
        try:
            raw.execute("SET plan_cache_mode = force_generic_plan")
            raw.execute(statement, params, prepare=True)
            name = raw.execute(
                "SELECT name FROM pg_prepared_statements WHERE NOT from_sql"
                " ORDER BY prepare_time DESC LIMIT 1"
            ).fetchone()[0]
            values = ", ".join(
                raw.execute("SELECT quote_literal(%s)", (str(params[n]),)).fetchone()[0]
                for n in names
            )
            rows = raw.execute(f'EXPLAIN (VERBOSE) EXECUTE "{name}"({values})').fetchall()
        finally:
            conn.invalidate()  # its session setting and prepared statements go with it
    return "\n".join(str(r[0]) for r in rows)
