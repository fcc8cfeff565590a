"""Groups themselves in the moderation inbox: reported, hidden and warned by platform admins."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from aixplore.core.db import session_scope
from aixplore.core.errors import NotFound, PermissionDenied, ValidationFailed
from aixplore.domain.forums import categories, reading
from aixplore.domain.groups import services as groups
from aixplore.domain.moderation import actions, inbox, reports
from aixplore.domain.moderation.models import ModerationReport
from tests.unit.domain.forums.support import admin, handle, notes, person, start


def _group(owner, name: str, visibility: str) -> tuple[str, int, str]:
    """A group's slug, id and its own category's slug."""
    with session_scope() as db:
        shown = groups.do_create_group(db, owner, name, "We trade tips", visibility, "community")
        group = groups.group_by_id(db, shown.id)
        return shown.slug, shown.id, categories.group_category(db, group).slug


def _listed(viewer) -> list[str]:
    with session_scope() as db:
        return [g.slug for g in groups.list_groups(db, viewer)]


def test_a_reported_group_is_hidden_by_an_admin_not_by_its_own_moderators() -> None:
    owner, mod, member, reader, boss = (
        person("Owner"),
        person("Mod"),
        person("Member"),
        person("Reader"),
        admin(),
    )
    slug, group_id, where = _group(owner, "Pump Signals", "public")
    with session_scope() as db:
        groups.do_join(db, mod, slug)
        groups.do_join(db, member, slug)
        groups.do_set_role(db, owner, slug, mod.user_id, "moderator")
    thread_id = start(owner, where, "Buy now", "Guaranteed gains.")
    with session_scope() as db, pytest.raises(ValidationFailed, match="your own group"):
        reports.do_report(db, owner, "group", group_id, {"reason": "spam"})
    with session_scope() as db:
        reports.do_report(db, reader, "group", group_id, {"reason": "spam", "note": "Scam"})
    with session_scope() as db:
        assert [(i.kind, i.target_id) for i in inbox.list_inbox(db, boss)] == [("group", group_id)]
        assert inbox.list_inbox(db, mod) == []  # its own moderators are the subject
    for wrong in (owner, mod, member, reader):
        with session_scope() as db, pytest.raises(PermissionDenied, match="moderators"):
            actions.do_act(db, wrong, "group", group_id, {"action": "hide"})
    with session_scope() as db:
        actions.do_act(db, boss, "group", group_id, {"action": "hide", "reason": "spam"})
    # Out of every listing and shut to all but its moderators and admins, forum included.
    assert slug not in _listed(member) and slug not in _listed(None)
    assert slug in _listed(boss)
    for shut_out in (member, reader, None):
        with session_scope() as db, pytest.raises(NotFound, match="hidden by the moderators"):
            groups.get_group(db, shut_out, slug)
        with session_scope() as db, pytest.raises((NotFound, PermissionDenied)):
            reading.read_thread(db, shut_out, thread_id)
    with session_scope() as db, pytest.raises(NotFound):
        groups.do_join(db, reader, slug)
    with session_scope() as db:
        assert groups.get_group(db, owner, slug).id == group_id
        reading.read_thread(db, mod, thread_id)
        log, _next = inbox.public_log(db)
    assert (log[0].action_label, log[0].kind_label, log[0].subject) == (
        "Hidden",
        "group",
        "The group Pump Signals",
    )
    assert handle(owner) not in log[0].subject + log[0].note
    assert ("moderation", "Your group was hidden by the moderators") in notes(owner)
    with session_scope() as db:
        actions.do_act(db, boss, "group", group_id, {"action": "warn", "reason": "spam"})
        actions.do_act(db, boss, "group", group_id, {"action": "restore"})
    assert ("moderation", "Your group earned you a warning from the moderators") in notes(owner)
    assert slug in _listed(member)
    with session_scope() as db:
        reading.read_thread(db, reader, thread_id)


def test_a_secret_group_cannot_be_reported_by_who_cannot_see_it_and_stays_unnamed() -> None:
    owner, member, outsider, boss = person("Owner"), person("Member"), person("Out"), admin()
    slug, group_id, _where = _group(owner, "Quiet Desk", "secret")
    with session_scope() as db:
        groups.do_invite(db, owner, slug, handle(member))
        groups.do_join(db, member, slug)
    # As if it did not exist: the same answer as for an id nobody has, and nothing stored.
    for target in (group_id, group_id + 1000):
        with session_scope() as db, pytest.raises(NotFound, match="No such group"):
            reports.do_report(db, outsider, "group", target, {"reason": "spam"})
    for bad in ("1", -1, True, None):
        with session_scope() as db, pytest.raises(ValidationFailed):
            reports.do_report(db, outsider, "group", bad, {"reason": "spam"})
    with session_scope() as db:
        assert db.exec(select(ModerationReport).where(col(ModerationReport.id) > 0)).all() == []
        reports.do_report(db, member, "group", group_id, {"reason": "harassment"})
    with session_scope() as db:
        actions.do_act(db, boss, "group", group_id, {"action": "delete", "reason": "harassment"})
    with session_scope() as db:
        log, _next = inbox.public_log(db)
        assert log[0].subject == "A secret group"
        assert "Quiet Desk" not in log[0].subject + log[0].note
        with pytest.raises(NotFound):
            groups.get_group(db, member, slug)
    assert slug not in _listed(member)
