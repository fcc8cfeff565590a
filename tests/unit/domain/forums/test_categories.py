"""Forum categories as admins manage them: order, archive, and nobody else may."""

from __future__ import annotations

import pytest

from aixplore.core.db import session_scope
from aixplore.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from aixplore.domain.forums import categories, reading
from aixplore.domain.groups import services as groups
from tests.unit.domain.forums.support import admin, person, reply, start


def _make(boss, *slugs: str) -> list[int]:
    with session_scope() as db:
        return [
            categories.do_create_category(db, boss, s.title(), s, "", "#123456").id for s in slugs
        ]


def _order() -> list[str]:
    with session_scope() as db:
        return [c.slug for c in categories.list_categories(db)]


def test_admins_reorder_and_archive_categories_and_an_archived_one_takes_no_posts() -> None:
    boss, ada = admin(), person("Ada")
    alpha, _beta, gamma = _make(boss, "alpha", "beta", "gamma")
    assert _order() == ["alpha", "beta", "gamma"]  # new ones go last
    with session_scope() as db:
        categories.do_move_category(db, boss, gamma, "up")
        categories.do_move_category(db, boss, alpha, "up")  # already first: stays
    assert _order() == ["alpha", "gamma", "beta"]
    thread_id = start(ada, "alpha", "Before the archive", "Words.")
    with session_scope() as db:
        row = categories.do_set_archived(db, boss, alpha, True)
        assert row.archived and row.slug == "alpha"
    assert _order() == ["gamma", "beta"]
    with session_scope() as db:
        assert [c.archived for c in categories.list_for_admin(db, boss)] == [True, False, False]
        shown = reading.read_thread(db, ada, thread_id)
        assert shown.title == "Before the archive" and not shown.can_reply
    with pytest.raises(Conflict, match="archived"):
        start(ada, "alpha", "After the archive", "Words.")
    with pytest.raises(Conflict, match="archived"):
        reply(ada, thread_id, "One more")
    with session_scope() as db:
        categories.do_set_archived(db, boss, alpha, False)
    assert _order() == ["alpha", "gamma", "beta"]
    reply(ada, thread_id, "Back again")


def test_only_admins_manage_categories_and_bad_arguments_are_refused() -> None:
    boss, ada = admin(), person("Ada")
    [alpha] = _make(boss, "alpha")
    with session_scope() as db:
        group_id = groups.do_create_group(db, ada, "Ada's Circle", "About", "public").id
        group = groups.group_by_id(db, group_id)
        group_category = categories.group_category(db, group).id or 0
    with session_scope() as db:
        for refused in (
            lambda: categories.list_for_admin(db, ada),
            lambda: categories.do_move_category(db, ada, alpha, "down"),
            lambda: categories.do_set_archived(db, ada, alpha, True),
            lambda: categories.do_create_category(db, ada, "Mine", "mine", "", "#123456"),
            lambda: categories.do_update_category(db, ada, alpha, "Renamed", "", "#123456"),
        ):
            with pytest.raises(PermissionDenied, match="Only platform admins"):
                refused()
        with pytest.raises(ValidationFailed, match="up or down"):
            categories.do_move_category(db, boss, alpha, "sideways")
        with pytest.raises(ValidationFailed, match="whether to archive"):
            categories.do_set_archived(db, boss, alpha, "yes")
        for bad_id in (group_category, 10**9, True, "1"):
            with pytest.raises(NotFound):
                categories.do_set_archived(db, boss, bad_id, True)
        with pytest.raises(ValidationFailed, match="name"):
            categories.do_update_category(db, boss, alpha, "<", "", "#123456")
    with session_scope() as db:
        assert [(c.name, c.archived) for c in categories.list_for_admin(db, boss)] == [
            ("Alpha", False)
        ]
