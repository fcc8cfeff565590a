"""Forum search on SQLite: a bounded set of the newest matches ranked, the last word a prefix."""

from __future__ import annotations

import pytest

from aixplore.core.db import get_engine, session_scope
from aixplore.domain.forums import search
from tests.unit.domain.forums.support import admin, category, person, start


def test_sqlite_ranks_only_the_newest_matches_and_postgresql_all(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ada = person("Ada")
    slug = category(admin())
    # The older thread names the word in its title (weighed five times): the better match.
    older = start(ada, slug, "Invoices, invoices", "Reading invoices with a model.")
    newer = start(ada, slug, "Something else", "Once about invoices.")
    monkeypatch.setattr(search, "CANDIDATES", 1)
    with session_scope() as db:
        found = [t.id for t in search.search_forums(db, None, "invoices")]
    if get_engine().dialect.name == "sqlite":
        assert found == [newer]  # one candidate: the newest match, however good the older
    else:
        assert found == [older, newer]  # every match ranked


def test_the_last_word_matches_as_a_prefix_and_the_others_whole() -> None:
    ada = person("Ada")
    slug = category(admin())
    thread = start(ada, slug, "Summarizers for invoices", "Reading invoices with a model.")
    with session_scope() as db:
        assert [t.id for t in search.search_forums(db, None, "invoices summar")] == [thread]
        assert [t.id for t in search.search_forums(db, None, "summarizers invoices")] == [thread]
        # A half word before the last matches nothing (as PostgreSQL's whole words).
        assert search.search_forums(db, None, "summ invoices") == []
