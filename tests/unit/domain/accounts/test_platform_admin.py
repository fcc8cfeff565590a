"""Platform administration is for platform admins only, checked in the service layer."""

from __future__ import annotations

import logging

import pytest

from aixplore.core.db import session_scope
from aixplore.core.errors import Conflict, NotAuthenticated, PermissionDenied, ValidationFailed
from aixplore.domain.accounts import admin as account_admin
from aixplore.domain.accounts import services as accounts
from aixplore.domain.accounts.models import PlatformRole
from tests.factories import actor_for, make_admin, make_member, sign_in


def test_members_are_refused_every_admin_action_and_it_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    member = make_member()
    victim = make_member()
    actor = actor_for(sign_in(member.email))
    caplog.set_level(logging.WARNING, logger="aixplore.security")
    with session_scope() as db:
        with pytest.raises(PermissionDenied):
            account_admin.list_users(db, actor)
        with pytest.raises(PermissionDenied):
            account_admin.do_change_role(db, actor, member.id, "platform_admin")
        with pytest.raises(PermissionDenied):
            account_admin.do_set_suspended(db, actor, victim.id, True)
    with session_scope() as db:
        assert accounts.get_user(db, member.id).role == PlatformRole.MEMBER
        assert accounts.get_user(db, victim.id).suspended_at is None
    refusals = [
        r for r in caplog.records if getattr(r, "security_event", "") == "admin_action_refused"
    ]
    assert len(refusals) == 3


def test_signed_out_callers_are_asked_to_sign_in() -> None:
    with session_scope() as db, pytest.raises(NotAuthenticated):
        account_admin.list_users(db, None)


def test_admin_lists_searches_and_pages_users() -> None:
    admin = make_admin()
    for n in range(30):
        make_member(email=f"person{n:02d}@example.org", name=f"Person {n:02d}")
    actor = actor_for(sign_in(admin.email))
    with session_scope() as db:
        first, total = account_admin.list_users(db, actor)
        second, _ = account_admin.list_users(db, actor, page=2)
        found, found_total = account_admin.list_users(db, actor, query="PERSON 07")
    assert total == 31 and len(first) == account_admin.ADMIN_PAGE_SIZE and len(second) == 6
    assert found_total == 1 and found[0].email == "person07@example.org"


@pytest.mark.parametrize("page", [0, -1, "2", 1.5, True, 10**7])
def test_admin_list_refuses_absurd_pages(page: object) -> None:
    actor = actor_for(sign_in(make_admin().email))
    with session_scope() as db, pytest.raises(ValidationFailed):
        account_admin.list_users(db, actor, page=page)


def test_admin_changes_roles_but_cannot_demote_or_suspend_themself() -> None:
    admin = make_admin()
    member = make_member()
    actor = actor_for(sign_in(admin.email))
    with session_scope() as db:
        promoted = account_admin.do_change_role(db, actor, member.id, "platform_admin")
    assert promoted.role == PlatformRole.PLATFORM_ADMIN
    with session_scope() as db:
        with pytest.raises(Conflict):
            account_admin.do_change_role(db, actor, admin.id, "member")
        with pytest.raises(Conflict):
            account_admin.do_set_suspended(db, actor, admin.id, True)
        with pytest.raises(ValidationFailed):
            account_admin.do_change_role(db, actor, member.id, "superuser")
        with pytest.raises(ValidationFailed):
            account_admin.do_set_suspended(db, actor, member.id, "yes")


def test_a_demoted_admin_loses_admin_rights_on_the_next_action() -> None:
    first, second = make_admin(), make_admin()
    second_token = sign_in(second.email)
    with session_scope() as db:
        account_admin.do_change_role(db, actor_for(sign_in(first.email)), second.id, "member")
    with session_scope() as db, pytest.raises(PermissionDenied):
        account_admin.list_users(db, actor_for(second_token))
