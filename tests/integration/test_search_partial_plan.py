"""SQLite's plan for partial matches reads each full-text match once.

Partial matches (``search_text.sqlite_partial_matches``) join the solutions holding any of the
words to how many of the words each holds. Flattened into that join, the "any word" match ran
again for every hit (a lookup by rowid cannot reuse the match's result): 29 s for a common
pair of words over 100,000 solutions, against 0.1 s when it is read once (``bench/api.py
--count 100000``). The check is the plan, not a timing. SQLite only: PostgreSQL's statement
reads its vectors once by construction.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from aixplore.core.db import get_engine
from aixplore.domain.solutions import search_text
from tests.factories import make_small_catalog


def test_the_any_word_match_is_read_once_not_per_hit() -> None:
    engine = get_engine()
    if engine.dialect.name != "sqlite":
        pytest.skip("an FTS5 statement: SQLite only")
    make_small_catalog()
    found = search_text.sqlite_partial_matches(["receipts", "meetings", "summary"])
    for columns in ([found.c.solution_id], [found.c.solution_id, found.c.score]):
        compiled = select(*columns).compile(engine, compile_kwargs={"literal_binds": True})
        with engine.connect() as conn:
            plan = [
                str(row[3]) for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}").all()
            ]
        assert "MATERIALIZE any_term" in plan
        # No full-text lookup by rowid inside the join ("INDEX 0:=M...").
        assert not [step for step in plan if "VIRTUAL TABLE INDEX 0:=" in step], plan
