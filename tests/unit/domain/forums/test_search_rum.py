"""Forum search on PostgreSQL: the RUM index where the server has ``rum``, the GIN index without.

The paths rank alike where it matters (title A over body B, more mentions over fewer, words
near each other over words apart: RUM by cover density, GIN by ``ts_rank``) and filter alike
(hidden posts never match; unreadable groups: ``test_groups``, on the path the server has); the
RUM statement is served in rank order by the index itself.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from aixplore.core.db import get_engine, session_scope
from aixplore.domain.accounts.models import Actor
from aixplore.domain.forums import actions, search
from tests.unit.domain.forums.support import admin, category, person, start, trusted

pytestmark = pytest.mark.skipif(
    get_engine().dialect.name != "postgresql", reason="PostgreSQL's search paths"
)


def _rum_offered() -> bool:
    with session_scope() as db:
        found = db.execute(text("SELECT 1 FROM pg_available_extensions WHERE name = 'rum'"))
        return found.first() is not None


def test_the_migration_made_the_rum_index_exactly_where_rum_is_offered() -> None:
    search._RUM_BY_ENGINE.clear()
    with session_scope() as db:
        assert search._has_rum(db) is _rum_offered()
        # Looked up once per engine: the answer is kept.
        assert list(search._RUM_BY_ENGINE.values()) == [_rum_offered()]


@pytest.fixture(params=[True, False], ids=["rum", "gin-fallback"])
def on_path(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> tuple[Actor, Actor, str]:
    """Search on the RUM path, then on the GIN one: (an admin, an author, a category slug)."""
    if request.param and not _rum_offered():
        pytest.skip("this PostgreSQL server has no rum extension (the GIN case still runs)")
    monkeypatch.setitem(search._RUM_BY_ENGINE, str(get_engine().url), request.param)
    boss, ada = admin(), person("Ada")
    trusted(boss, ada)
    return boss, ada, category(boss)


def test_both_paths_rank_best_first_and_leave_out_hidden_posts(
    on_path: tuple[Actor, Actor, str],
) -> None:
    boss, ada, slug = on_path
    once = start(ada, slug, "Other things", "Invoices came up once, among many other words.")
    titled = start(ada, slug, "Invoices, invoices", "A few words about them.")
    often = start(ada, slug, "Paperwork", "Invoices and invoices: invoices all day.")
    hidden = start(ada, slug, "Hidden", "Invoices invoices invoices invoices invoices.")
    with session_scope() as db:
        post_id = db.execute(
            text("SELECT id FROM forum_post WHERE thread_id = :t"), {"t": hidden}
        ).scalar_one()
        actions.hide_post(db, boss, post_id, "spam")
    with session_scope() as db:
        found = [t.id for t in search.search_forums(db, None, "invoice")]
    assert found == [titled, often, once]


def test_both_paths_rank_words_near_each_other_first(on_path: tuple[Actor, Actor, str]) -> None:
    _boss, ada, slug = on_path
    # The better match is the older: the newest-first order would fail.
    near = start(
        ada, slug, "Side by side", "A model invoice, " + "then other words, " * 8 + "done."
    )
    apart = start(ada, slug, "Far apart", "Invoice first, " + "then other words, " * 8 + "a model.")
    with session_scope() as db:
        found = [t.id for t in search.search_forums(db, None, "invoice model")]
    assert found == [near, apart]


def test_the_rum_statement_takes_its_order_from_the_index() -> None:
    if not _rum_offered():
        pytest.skip("this PostgreSQL server has no rum extension")
    with session_scope() as db:
        db.execute(text("SET LOCAL enable_seqscan = off"))
        plan = "\n".join(
            row[0]
            for row in db.execute(
                text("EXPLAIN " + search._PG_RUM.replace(":mine", "(-1)")),
                {"q": "invoice", "pool": search.POOL},
            )
        )
    hits = plan.split("CTE hits", 1)[1].split("->  Hash", 1)[0]
    assert f"Index Scan using {search.RUM_INDEX}" in hits
    assert "Sort" not in hits.split("Index Scan", 1)[0]  # no sort between the limit and scan
