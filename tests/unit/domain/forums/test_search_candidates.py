"""Forum search on SQLite ranks a bounded set: the newest matching posts, not all of them."""

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
