"""Admin handlers called straight through the event socket, as any browser can, are refused.

The UI hides admin buttons from members; these tests skip the UI and fire the handlers by name
with the member's real session cookie, with forged arguments, and with a replayed cookie.
"""

from __future__ import annotations

import pytest

from aixplore.core.db import session_scope
from aixplore.domain.accounts import services as accounts
from aixplore.domain.accounts.models import PlatformRole
from aixplore.web.accounts.state import ProfileState
from aixplore.web.admin.state import AdminUsersState
from aixplore.web.session import SessionState
from tests.e2e.helpers import run_async
from tests.factories import actor_for, make_admin, make_member, sign_in
from tests.support.reflex_client import ReflexClient

pytestmark = pytest.mark.e2e


def _role_and_suspension(user_id: int) -> tuple[PlatformRole, bool]:
    with session_scope() as db:
        user = accounts.get_user(db, user_id)
        return user.role, user.suspended_at is not None


def test_member_calling_admin_handlers_over_the_socket_is_refused(app_url: str) -> None:
    member = make_member(name="Mallory Member")
    victim = make_member(name="Victor Victim")
    token = sign_in(member.email)

    async def attack() -> list:
        async with ReflexClient(app_url, cookies={"aixplore_session": token}) as tab:
            loaded = await tab.hydrate("/admin")
            results = [
                loaded,
                await tab.call(AdminUsersState.set_role, user_id=member.id, role="platform_admin"),
                await tab.call(AdminUsersState.set_suspended, user_id=victim.id, suspended=True),
                await tab.call(AdminUsersState.search, form_data={"query": "@"}),
                await tab.call(AdminUsersState.go_to_page, page=1),
            ]
            assert tab.state(SessionState)["viewer_id"] == member.id  # really signed in
            assert tab.state(AdminUsersState).get("users", []) == []
            return results

    results = run_async(attack())
    for result in results[1:]:
        assert ("error", "Only platform admins can do that.") in result.toasts, result.updates
        assert not result.changed(AdminUsersState).get("users")
    assert _role_and_suspension(member.id) == (PlatformRole.MEMBER, False)
    assert _role_and_suspension(victim.id) == (PlatformRole.MEMBER, False)


def test_signed_out_tab_is_sent_to_sign_in(app_url: str) -> None:
    victim = make_member()

    async def attack():
        async with ReflexClient(app_url) as tab:
            await tab.hydrate("/")
            return await tab.call(AdminUsersState.set_suspended, user_id=victim.id, suspended=True)

    result = run_async(attack())
    assert any(path.startswith("/login") for path in result.redirects)
    assert _role_and_suspension(victim.id) == (PlatformRole.MEMBER, False)


def test_forged_arguments_get_a_clear_error_not_a_crash(app_url: str) -> None:
    admin = make_admin()
    member = make_member()
    token = sign_in(admin.email)

    async def forge():
        async with ReflexClient(app_url, cookies={"aixplore_session": token}) as tab:
            await tab.hydrate("/admin")
            return [
                await tab.call(AdminUsersState.set_role, user_id=1.9, role="platform_admin"),
                await tab.call(AdminUsersState.set_role, user_id=member.id, role="root"),
                await tab.call(AdminUsersState.set_suspended, user_id=True, suspended="yes"),
                await tab.call(AdminUsersState.go_to_page, page={"$gt": 1}),
            ]

    for result in run_async(forge()):
        levels = [t.level for t in result.toasts]
        assert "error" in levels, result.updates
        assert all("went wrong on our side" not in t.message for t in result.toasts)
    assert _role_and_suspension(member.id) == (PlatformRole.MEMBER, False)


def test_admin_over_the_socket_is_accepted(app_url: str) -> None:
    admin = make_admin()
    member = make_member()
    token = sign_in(admin.email)

    async def act():
        async with ReflexClient(app_url, cookies={"aixplore_session": token}) as tab:
            await tab.hydrate("/admin")
            return await tab.call(AdminUsersState.set_suspended, user_id=member.id, suspended=True)

    result = run_async(act())
    assert [t.level for t in result.toasts] == ["success"]
    assert _role_and_suspension(member.id) == (PlatformRole.MEMBER, True)


def test_a_cookie_replayed_after_sign_out_gets_nothing(app_url: str) -> None:
    admin = make_admin()
    member = make_member()
    token = sign_in(admin.email)
    with session_scope() as db:
        accounts.do_sign_out(db, token)

    async def replay():
        async with ReflexClient(app_url, cookies={"aixplore_session": token}) as tab:
            await tab.hydrate("/")
            result = await tab.call(
                AdminUsersState.set_role, user_id=member.id, role="platform_admin"
            )
            return tab.state(SessionState).get("viewer_id", 0), result

    viewer_id, result = run_async(replay())
    assert viewer_id == 0
    assert any(path.startswith("/login") for path in result.redirects)
    assert _role_and_suspension(member.id) == (PlatformRole.MEMBER, False)


def _bio(user_id: int) -> str:
    with session_scope() as db:
        return accounts.get_user(db, user_id).bio


def test_a_member_can_edit_only_their_own_about_text(app_url: str) -> None:
    """The about text a publisher's page shows is saved from the caller's session alone."""
    publisher = make_member(name="Pia Publisher")
    other = make_member(name="Oscar Other")
    owner = actor_for(sign_in(publisher.email))
    with session_scope() as db:
        accounts.do_update_profile(
            db,
            owner,
            {"display_name": "Pia Publisher", "bio": "We publish tools."},
        )
    forged = {"display_name": "Oscar Other", "bio": "Hijacked about text."}
    targets = {"user_id": publisher.id, "id": publisher.id, "email": publisher.email}

    async def attack() -> list:
        async with ReflexClient(app_url, cookies={"aixplore_session": sign_in(other.email)}) as tab:
            await tab.hydrate("/profile")
            return [
                await tab.call(ProfileState.save, form_data={**forged, **targets}),
                await tab.call(ProfileState.save, form_data={**forged, "bio": "x" * 501}),
                await tab.call(ProfileState.save, form_data="bio=hijacked"),
            ]

    async def signed_out():
        async with ReflexClient(app_url) as tab:
            await tab.hydrate("/")
            return await tab.call(ProfileState.save, form_data=forged)

    saved, too_long, not_a_form = run_async(attack())
    # The forged ids are ignored: the call changed the caller's own profile, nobody else's.
    assert [t.level for t in saved.toasts] == ["success"]
    assert _bio(publisher.id) == "We publish tools."
    assert _bio(other.id) == "Hijacked about text."
    for refused in (too_long, not_a_form):
        assert [t.level for t in refused.toasts] == ["error"], refused.updates
        assert all("went wrong on our side" not in t.message for t in refused.toasts)
    assert _bio(other.id) == "Hijacked about text."
    assert any(path.startswith("/login") for path in run_async(signed_out()).redirects)
    assert _bio(publisher.id) == "We publish tools."
