"""Organizations: roles, invitations, removal, ownership, and refusals for the wrong user."""

from __future__ import annotations

import pytest

from aixplore.core.db import session_scope
from aixplore.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from aixplore.domain.mail.services import list_outbox_for
from aixplore.domain.orgs import invitations
from aixplore.domain.orgs import services as orgs
from aixplore.domain.orgs.models import OrgRole
from tests.factories import actor_for, make_member, sign_in


def _actor(email: str):
    actor = actor_for(sign_in(email))
    assert actor is not None
    return actor


def _invite_link(email: str) -> str:
    with session_scope() as db:
        for mail in list_outbox_for(db, email):
            for word in mail.body_text.split():
                if "/orgs/invitation?token=" in word:
                    return word.split("token=", 1)[1]
    raise AssertionError("no invitation mailed")


def _org_with(owner_email: str, slug: str = "acme") -> int:
    with session_scope() as db:
        return orgs.do_create_org(db, _actor(owner_email), {"name": "Acme Inc", "slug": slug}).id


def _join(org_id: int, inviter: str, email: str, role: str = "member") -> None:
    with session_scope() as db:
        invitations.do_invite(db, _actor(inviter), org_id, {"email": email, "role": role})
    with session_scope() as db:
        invitations.do_accept_invitation(db, _actor(email), _invite_link(email))


def test_create_invite_accept_and_list_across_several_orgs() -> None:
    owner, bob = make_member(), make_member()
    acme = _org_with(owner.email)
    _join(acme, owner.email, bob.email, "admin")
    bob_actor = _actor(bob.email)
    with session_scope() as db:
        other = orgs.do_create_org(db, bob_actor, {"name": "Bob's Lab", "slug": "bob-lab"})
        mine = orgs.list_my_orgs(db, bob_actor)
        members = orgs.list_members(db, bob_actor, acme)
    assert [(o.slug, o.role) for o in mine] == [("acme", OrgRole.ADMIN), ("bob-lab", OrgRole.OWNER)]
    assert other.role == OrgRole.OWNER
    assert [(m.email, m.role) for m in members] == [
        (owner.email, OrgRole.OWNER),
        (bob.email, OrgRole.ADMIN),
    ]


def test_invitation_is_for_its_address_only_and_works_once() -> None:
    owner, bob, eve = make_member(), make_member(), make_member()
    acme = _org_with(owner.email)
    with session_scope() as db:
        invitations.do_invite(db, _actor(owner.email), acme, {"email": bob.email, "role": "member"})
    token = _invite_link(bob.email)
    with session_scope() as db, pytest.raises(PermissionDenied, match="another email"):
        invitations.do_accept_invitation(db, _actor(eve.email), token)
    with session_scope() as db:
        invitations.do_accept_invitation(db, _actor(bob.email), token)
    with session_scope() as db, pytest.raises(ValidationFailed, match="invalid or has expired"):
        invitations.do_accept_invitation(db, _actor(bob.email), token)
    with session_scope() as db, pytest.raises(ValidationFailed):
        invitations.do_accept_invitation(db, _actor(bob.email), "x" * 40)


def test_decline_and_revoke() -> None:
    owner, bob = make_member(), make_member()
    acme = _org_with(owner.email)
    with session_scope() as db:
        invitations.do_invite(db, _actor(owner.email), acme, {"email": bob.email})
    b, o = _actor(bob.email), _actor(owner.email)
    token = _invite_link(bob.email)
    with session_scope() as db:
        assert len(invitations.list_my_invitations(db, b)) == 1
        invitations.do_decline_invitation(db, b, token)
    with session_scope() as db:
        assert invitations.list_my_invitations(db, b) == []
        inv = invitations.do_invite(db, o, acme, {"email": bob.email})
    with session_scope() as db:
        invitations.do_revoke_invitation(db, _actor(owner.email), acme, inv.id)
    with session_scope() as db, pytest.raises(ValidationFailed):
        invitations.do_accept_invitation(db, _actor(bob.email), _invite_link(bob.email))


def test_invite_refuses_owner_role_and_bad_input() -> None:
    owner = make_member()
    acme = _org_with(owner.email)
    actor = _actor(owner.email)
    with session_scope() as db:
        with pytest.raises(ValidationFailed, match="ownership"):
            invitations.do_invite(db, actor, acme, {"email": "x@example.com", "role": "owner"})
        with pytest.raises(ValidationFailed, match="admin or member"):
            invitations.do_invite(db, actor, acme, {"email": "x@example.com", "role": "root"})
        with pytest.raises(ValidationFailed, match="email"):
            invitations.do_invite(db, actor, acme, {"email": "nope"})
        with pytest.raises(ValidationFailed, match="short name"):
            orgs.do_create_org(db, actor, {"name": "Bad", "slug": "Bad Slug!"})
        with pytest.raises(Conflict, match="taken"):
            orgs.do_create_org(db, actor, {"name": "Again", "slug": "acme"})


def test_members_and_outsiders_cannot_act_as_admins() -> None:
    owner, member, outsider = make_member(), make_member(), make_member()
    acme = _org_with(owner.email)
    _join(acme, owner.email, member.email)
    m, o = _actor(member.email), _actor(outsider.email)
    with session_scope() as db:
        with pytest.raises(PermissionDenied):
            invitations.do_invite(db, m, acme, {"email": "x@example.com"})
        with pytest.raises(PermissionDenied):
            orgs.do_update_org_settings(db, m, acme, {"name": "Hijacked"})
        with pytest.raises(PermissionDenied):
            orgs.do_remove_member(db, m, acme, owner.id)
        with pytest.raises(PermissionDenied):
            orgs.do_transfer_ownership(db, m, acme, member.id)
        with pytest.raises(PermissionDenied):
            orgs.do_end_member_sessions(db, m, acme, owner.id)
        # Outsiders are told the organization does not exist.
        with pytest.raises(NotFound):
            orgs.list_members(db, o, acme)
        with pytest.raises(NotFound):
            invitations.do_invite(db, o, acme, {"email": "x@example.com"})
        with pytest.raises(NotFound):
            orgs.get_org(db, o, "1; drop table")


def test_admin_of_one_org_cannot_act_on_another() -> None:
    alice, bob = make_member(), make_member()
    a = _org_with(alice.email, "org-a")
    b = _org_with(bob.email, "org-b")
    with session_scope() as db, pytest.raises(NotFound):
        orgs.do_remove_member(db, _actor(alice.email), b, bob.id)
    with session_scope() as db:
        assert orgs.get_org(db, _actor(alice.email), a).role == OrgRole.OWNER


def test_remove_leave_change_role_and_transfer_ownership() -> None:
    owner, admin, member = make_member(), make_member(), make_member()
    acme = _org_with(owner.email)
    _join(acme, owner.email, admin.email, "admin")
    _join(acme, owner.email, member.email)
    o, a, m = _actor(owner.email), _actor(admin.email), _actor(member.email)
    with session_scope() as db:
        with pytest.raises(PermissionDenied):
            orgs.do_change_role(db, a, acme, owner.id, "member")
        with pytest.raises(Conflict, match="Transfer ownership"):
            orgs.do_remove_member(db, o, acme, owner.id)
        orgs.do_change_role(db, a, acme, member.id, "admin")
    with session_scope() as db:
        orgs.do_change_role(db, o, acme, member.id, "member")
        orgs.do_remove_member(db, m, acme, member.id)  # leaving
    with session_scope() as db:
        orgs.do_transfer_ownership(db, o, acme, admin.id)
    with session_scope() as db:
        roles = {x.email: x.role for x in orgs.list_members(db, a, acme)}
    assert roles == {owner.email: OrgRole.ADMIN, admin.email: OrgRole.OWNER}
    with session_scope() as db:
        orgs.do_remove_member(db, a, acme, owner.id)
    with session_scope() as db, pytest.raises(NotFound):
        orgs.get_org(db, o, acme)


def test_admin_ends_all_sessions_of_a_member() -> None:
    owner, member = make_member(), make_member()
    acme = _org_with(owner.email)
    _join(acme, owner.email, member.email)
    token = sign_in(member.email)
    assert actor_for(token) is not None
    o = _actor(owner.email)
    with session_scope() as db:
        ended = orgs.do_end_member_sessions(db, o, acme, member.id)
    assert ended >= 2
    assert actor_for(token) is None


def test_suspending_a_member_ends_their_sessions_and_access_at_once() -> None:
    owner, admin, member = make_member(), make_member(), make_member()
    acme = _org_with(owner.email)
    _join(acme, owner.email, admin.email, "admin")
    _join(acme, owner.email, member.email)
    token = sign_in(member.email)
    m = actor_for(token)
    o, a = _actor(owner.email), _actor(admin.email)
    with session_scope() as db:
        with pytest.raises(PermissionDenied):
            orgs.do_suspend_member(db, m, acme, admin.id, True)
        with pytest.raises(PermissionDenied):
            orgs.do_suspend_member(db, a, acme, owner.id, True)
        with pytest.raises(ValidationFailed):
            orgs.do_suspend_member(db, a, acme, member.id, "yes")
    with session_scope() as db:
        orgs.do_suspend_member(db, a, acme, member.id, True)
    assert actor_for(token) is None
    again = _actor(member.email)  # a new platform session, but no way into the org
    with session_scope() as db:
        assert orgs.list_my_orgs(db, again) == []
        with pytest.raises(NotFound):
            orgs.list_members(db, again, acme)
        assert [x.suspended for x in orgs.list_members(db, o, acme) if x.user_id == member.id] == [
            True
        ]
    with session_scope() as db:
        orgs.do_suspend_member(db, o, acme, member.id, False)
    with session_scope() as db:
        assert [x.slug for x in orgs.list_my_orgs(db, again)] == ["acme"]
