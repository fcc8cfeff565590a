"""People reading the audit log see who acted by name, not by user number."""

from __future__ import annotations

from sqlmodel import select

from aixplore.core.db import read_scope, session_scope
from aixplore.domain.accounts.models import User
from aixplore.domain.audit import reading
from aixplore.domain.audit.services import record
from tests.factories import actor_for, make_admin, make_member, sign_in


def test_entries_name_their_actor_the_system_and_deleted_users() -> None:
    admin, member = make_admin(), make_member(name="Nora Named")
    gone = make_member(name="Gone Soon")
    with session_scope() as db:
        record(db, member.id, "test.by_member")
        record(db, None, "test.by_system")
        record(db, gone.id, "test.by_gone")
    with session_scope() as db:
        user = db.exec(select(User).where(User.id == gone.id)).one()
        db.delete(user)
    actor = actor_for(sign_in(admin.email))
    with read_scope() as db:
        rows, _cursor = reading.list_named_entries(db, actor, {"action": "test."})
        named = {entry.action: name for entry, name in rows}
    assert named == {
        "test.by_member": "Nora Named",
        "test.by_system": reading.SYSTEM_ACTOR,
        "test.by_gone": reading.GONE_ACTOR,
    }


def test_names_are_only_for_those_who_may_read_the_log() -> None:
    import pytest

    from aixplore.core.errors import PermissionDenied

    member = make_member()
    with read_scope() as db, pytest.raises(PermissionDenied):
        reading.list_named_entries(db, actor_for(sign_in(member.email)), {})
