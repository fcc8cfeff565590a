"""Organizations: create, invite, accept or decline, roles, removal and ownership transfer.

Every function authorizes its actor against the organization it names: being an admin of one
organization gives nothing in another. Refusals are logged as security events. Owners outrank
admins, admins outrank members; the single owner can only hand ownership over, not leave.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from aixplore.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from aixplore.core.metrics import SECURITY_EVENTS
from aixplore.core.security import new_token, token_digest
from aixplore.core.settings import get_settings
from aixplore.core.time import as_utc, utcnow
from aixplore.domain.accounts import actor_cache
from aixplore.domain.accounts.models import Actor, User, UserSession
from aixplore.domain.accounts.services import parse_input, require_actor
from aixplore.domain.mail.services import do_queue_mail
from aixplore.domain.orgs.models import (
    InvitationPublic,
    InvitationStatus,
    InviteInput,
    MemberPublic,
    Organization,
    OrgInput,
    OrgInvitation,
    OrgMembership,
    OrgPublic,
    OrgRole,
    OrgSettingsInput,
)

log = logging.getLogger("aixplore.security")
INVITATION_DAYS = 14
MAX_ORGS_PER_USER = 50
_RANK = {OrgRole.MEMBER: 0, OrgRole.ADMIN: 1, OrgRole.OWNER: 2}


def _security(event: str, **fields: Any) -> None:
    SECURITY_EVENTS.labels(event).inc()
    log.warning(event, extra={"security_event": event, **fields})


def _id(value: Any, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value < 2**31:
        raise NotFound(f"No such {what}.")
    return value


def sso_provider_prefixes(org: Organization) -> tuple[str, str]:
    """The ``UserSession.provider`` values of this organization's SSO sign-ins."""
    return (f"oidc:{org.slug}", f"saml:{org.slug}")


# ---- Reading and authorizing ----


def get_membership(session: Session, org_id: int, user_id: int) -> OrgMembership | None:
    """A user's membership of an organization, if any."""
    return session.exec(
        select(OrgMembership).where(
            OrgMembership.org_id == org_id, OrgMembership.user_id == user_id
        )
    ).first()


def require_org_role(
    session: Session, actor: Actor | None, org_id: Any, role: OrgRole, action: str
) -> tuple[Actor, Organization, OrgMembership]:
    """The actor's membership of ``org_id`` with at least ``role``, or a logged refusal.

    Someone outside the organization is told it does not exist.
    """
    actor = require_actor(actor)
    org = session.get(Organization, _id(org_id, "organization"))
    membership = get_membership(session, org.id, actor.user_id) if org and org.id else None
    if org is None or membership is None:
        _security("org_action_refused", user_id=actor.user_id, org_id=org_id, action=action)
        raise NotFound("No such organization.")
    if _RANK[membership.role] < _RANK[role]:
        _security("org_action_refused", user_id=actor.user_id, org_id=org_id, action=action)
        who = "the owner" if role == OrgRole.OWNER else "organization admins"
        raise PermissionDenied(f"Only {who} can do that.")
    return actor, org, membership


def _public(org: Organization, role: OrgRole) -> OrgPublic:
    assert org.id is not None
    return OrgPublic(
        id=org.id,
        name=org.name,
        slug=org.slug,
        role=role,
        enforce_sso=org.enforce_sso,
        reauth_hours=org.reauth_hours,
    )


def list_my_orgs(session: Session, actor: Actor | None) -> list[OrgPublic]:
    """The organizations the actor belongs to, by name."""
    actor = require_actor(actor)
    rows = session.exec(
        select(Organization, OrgMembership)
        .join(OrgMembership, col(OrgMembership.org_id) == Organization.id)
        .where(OrgMembership.user_id == actor.user_id)
        .order_by(Organization.name)
    ).all()
    return [_public(org, m.role) for org, m in rows]


def get_org(session: Session, actor: Actor | None, org_id: Any) -> OrgPublic:
    """One organization the actor belongs to."""
    _actor, org, membership = require_org_role(session, actor, org_id, OrgRole.MEMBER, "view")
    return _public(org, membership.role)


def list_members(session: Session, actor: Actor | None, org_id: Any) -> list[MemberPublic]:
    """The members of an organization (its members may see them), owners first."""
    _actor, org, _m = require_org_role(session, actor, org_id, OrgRole.MEMBER, "list_members")
    rows = session.exec(
        select(OrgMembership, User)
        .join(User, col(User.id) == OrgMembership.user_id)
        .where(OrgMembership.org_id == org.id)
    ).all()
    items = [
        MemberPublic(
            user_id=u.id or 0,
            email=u.email,
            display_name=u.display_name,
            role=m.role,
            source=m.source,
            joined_at=m.created_at,
        )
        for m, u in rows
    ]
    return sorted(items, key=lambda m: (-_RANK[m.role], m.display_name.lower()))


# ---- Creating and settings ----


def do_create_org(session: Session, actor: Actor | None, data: Any) -> OrgPublic:
    """Create an organization owned by the actor."""
    actor = require_actor(actor)
    form: OrgInput = parse_input(OrgInput, data)
    owned = session.exec(select(OrgMembership).where(OrgMembership.user_id == actor.user_id)).all()
    if len(owned) >= MAX_ORGS_PER_USER:
        raise Conflict(f"You can belong to at most {MAX_ORGS_PER_USER} organizations.")
    if session.exec(select(Organization).where(Organization.slug == form.slug)).first():
        raise Conflict("That short name is taken. Choose another.", field="slug")
    org = Organization(name=form.name, slug=form.slug)
    session.add(org)
    try:
        session.flush()
    except IntegrityError as exc:
        raise Conflict("That short name is taken. Choose another.", field="slug") from exc
    assert org.id is not None
    session.add(
        OrgMembership(org_id=org.id, user_id=actor.user_id, role=OrgRole.OWNER, source="create")
    )
    session.flush()
    return _public(org, OrgRole.OWNER)


def do_update_org_settings(
    session: Session, actor: Actor | None, org_id: Any, data: Any
) -> OrgPublic:
    """Rename the organization and set its sign-in policy (admins)."""
    _actor, org, membership = require_org_role(session, actor, org_id, OrgRole.ADMIN, "settings")
    form: OrgSettingsInput = parse_input(OrgSettingsInput, data)
    org.name = " ".join(form.name.split())
    if form.enforce_sso and not org.enforce_sso:
        from aixplore.domain.orgs.domains import end_password_sessions

        end_password_sessions(session, org)
    org.enforce_sso = form.enforce_sso
    org.reauth_hours = form.reauth_hours
    session.add(org)
    return _public(org, membership.role)


# ---- Invitations ----


def do_invite(session: Session, actor: Actor | None, org_id: Any, data: Any) -> InvitationPublic:
    """Mail an invitation with a preset role (admins); a new one replaces a pending one."""
    actor, org, _mine = require_org_role(session, actor, org_id, OrgRole.ADMIN, "invite")
    form: InviteInput = parse_input(InviteInput, data)
    assert org.id is not None
    email = str(form.email).strip().lower()
    existing = session.exec(select(User).where(User.email == email)).first()
    if existing and existing.id and get_membership(session, org.id, existing.id):
        raise Conflict("That person is already a member.", field="email")
    session.execute(
        update(OrgInvitation)
        .where(
            col(OrgInvitation.org_id) == org.id,
            col(OrgInvitation.email) == email,
            col(OrgInvitation.status) == InvitationStatus.PENDING,
        )
        .values(status=InvitationStatus.REVOKED, answered_at=utcnow())
    )
    raw = new_token()
    invitation = OrgInvitation(
        org_id=org.id,
        email=email,
        role=form.role,
        token_hash=token_digest(raw),
        invited_by=actor.user_id,
        expires_at=utcnow() + timedelta(days=INVITATION_DAYS),
    )
    session.add(invitation)
    session.flush()
    link = f"{get_settings().base_url.rstrip('/')}/orgs/invitation?token={raw}"
    do_queue_mail(
        session,
        to=email,
        subject=f"{actor.display_name} invited you to {org.name} on AiXplore",
        body=(
            f"Hello,\n\n{actor.display_name} invited you to join {org.name} on AiXplore as "
            f"{form.role.value}.\n\nAccept or decline here (sign in or sign up with this "
            f"address first):\n{link}\n\nThe invitation is valid for {INVITATION_DAYS} days.\n"
        ),
        kind="org_invitation",
        user_id=existing.id if existing else None,
    )
    return _invitation_public(invitation, org)


def _invitation_public(inv: OrgInvitation, org: Organization) -> InvitationPublic:
    return InvitationPublic(
        id=inv.id or 0,
        org_id=org.id or 0,
        org_name=org.name,
        email=inv.email,
        role=inv.role,
        status=inv.status,
        expires_at=inv.expires_at,
    )


def list_invitations(session: Session, actor: Actor | None, org_id: Any) -> list[InvitationPublic]:
    """An organization's pending invitations (admins)."""
    _actor, org, _m = require_org_role(session, actor, org_id, OrgRole.ADMIN, "list_invitations")
    rows = session.exec(
        select(OrgInvitation)
        .where(
            OrgInvitation.org_id == org.id,
            OrgInvitation.status == InvitationStatus.PENDING,
            col(OrgInvitation.expires_at) > utcnow(),
        )
        .order_by(col(OrgInvitation.id).desc())
    ).all()
    return [_invitation_public(i, org) for i in rows]


def list_my_invitations(session: Session, actor: Actor | None) -> list[InvitationPublic]:
    """Pending invitations addressed to the actor's email."""
    actor = require_actor(actor)
    rows = session.exec(
        select(OrgInvitation, Organization)
        .join(Organization, col(Organization.id) == OrgInvitation.org_id)
        .where(
            OrgInvitation.email == actor.email.lower(),
            OrgInvitation.status == InvitationStatus.PENDING,
            col(OrgInvitation.expires_at) > utcnow(),
        )
    ).all()
    return [_invitation_public(i, o) for i, o in rows]


def get_invitation_by_token(session: Session, actor: Actor | None, token: Any) -> InvitationPublic:
    """The pending invitation behind a mailed link, if it is addressed to the actor."""
    inv, org = _invitation_for(session, require_actor(actor), token)
    return _invitation_public(inv, org)


def _invitation_for(
    session: Session, actor: Actor, token: Any
) -> tuple[OrgInvitation, Organization]:
    gone = ValidationFailed("This invitation is invalid or has expired. Ask for a new one.")
    if not isinstance(token, str) or not 16 <= len(token) <= 128:
        raise gone
    inv = session.exec(
        select(OrgInvitation)
        .where(OrgInvitation.token_hash == token_digest(token))
        .with_for_update()
    ).first()
    if inv is None or inv.status != InvitationStatus.PENDING or as_utc(inv.expires_at) <= utcnow():
        raise gone
    if inv.email != actor.email.lower():
        _security("invitation_wrong_user", user_id=actor.user_id, invitation_id=inv.id)
        raise PermissionDenied(
            "This invitation was sent to another email address. Sign in with that address."
        )
    org = session.get(Organization, inv.org_id)
    assert org is not None
    return inv, org


def do_accept_invitation(session: Session, actor: Actor | None, token: Any) -> OrgPublic:
    """Join the organization with the invitation's role."""
    actor = require_actor(actor)
    inv, org = _invitation_for(session, actor, token)
    assert org.id is not None
    inv.status = InvitationStatus.ACCEPTED
    inv.answered_at = utcnow()
    session.add(inv)
    membership = get_membership(session, org.id, actor.user_id)
    if membership is None:
        membership = OrgMembership(
            org_id=org.id, user_id=actor.user_id, role=inv.role, source="invite"
        )
        session.add(membership)
        session.flush()
    return _public(org, membership.role)


def do_decline_invitation(session: Session, actor: Actor | None, token: Any) -> None:
    """Say no to an invitation."""
    inv, _org = _invitation_for(session, require_actor(actor), token)
    inv.status = InvitationStatus.DECLINED
    inv.answered_at = utcnow()
    session.add(inv)


def do_revoke_invitation(
    session: Session, actor: Actor | None, org_id: Any, invitation_id: Any
) -> None:
    """Withdraw a pending invitation (admins of its organization)."""
    _actor, org, _m = require_org_role(session, actor, org_id, OrgRole.ADMIN, "revoke_invite")
    inv = session.get(OrgInvitation, _id(invitation_id, "invitation"))
    if inv is None or inv.org_id != org.id:
        raise NotFound("No such invitation.")
    if inv.status == InvitationStatus.PENDING:
        inv.status = InvitationStatus.REVOKED
        inv.answered_at = utcnow()
        session.add(inv)


# ---- Members ----


def _target(session: Session, org: Organization, user_id: Any) -> OrgMembership:
    assert org.id is not None
    membership = get_membership(session, org.id, _id(user_id, "member"))
    if membership is None:
        raise NotFound("No such member.")
    return membership


def _outranks(actor_m: OrgMembership, target: OrgMembership) -> bool:
    return actor_m.role == OrgRole.OWNER or (
        actor_m.role == OrgRole.ADMIN and target.role != OrgRole.OWNER
    )


def do_change_role(
    session: Session, actor: Actor | None, org_id: Any, user_id: Any, role: Any
) -> None:
    """Make a member an admin or an admin a member (admins; never the owner)."""
    actor, org, mine = require_org_role(session, actor, org_id, OrgRole.ADMIN, "change_role")
    if role not in (OrgRole.ADMIN.value, OrgRole.MEMBER.value):
        raise ValidationFailed("Choose admin or member.")
    target = _target(session, org, user_id)
    if target.role == OrgRole.OWNER or not _outranks(mine, target):
        raise PermissionDenied("Transfer ownership to change the owner's role.")
    target.role = OrgRole(role)
    session.add(target)


def do_remove_member(session: Session, actor: Actor | None, org_id: Any, user_id: Any) -> None:
    """Remove a member (admins) or leave (anyone but the owner); their SSO sessions end."""
    actor, org, mine = require_org_role(session, actor, org_id, OrgRole.MEMBER, "remove_member")
    target = _target(session, org, user_id)
    if target.user_id != actor.user_id and not (
        _RANK[mine.role] >= _RANK[OrgRole.ADMIN] and _outranks(mine, target)
    ):
        _security("org_action_refused", user_id=actor.user_id, org_id=org.id, action="remove")
        raise PermissionDenied("Only organization admins can do that.")
    if target.role == OrgRole.OWNER:
        raise Conflict("The owner cannot leave. Transfer ownership first.")
    end_sessions(session, org, target.user_id, sso_only=True)
    session.delete(target)


def do_transfer_ownership(session: Session, actor: Actor | None, org_id: Any, user_id: Any) -> None:
    """Hand the organization to another member; the old owner stays on as admin."""
    actor, org, mine = require_org_role(session, actor, org_id, OrgRole.OWNER, "transfer")
    target = _target(session, org, user_id)
    if target.user_id == actor.user_id:
        raise ValidationFailed("You already own this organization.")
    target.role = OrgRole.OWNER
    mine.role = OrgRole.ADMIN
    session.add(target)
    session.add(mine)
    _security("org_ownership_transferred", org_id=org.id, user_id=target.user_id)


def end_sessions(session: Session, org: Organization, user_id: int, *, sso_only: bool) -> int:
    """End a member's sessions: all of them, or those opened through this org's SSO."""
    stmt = update(UserSession).where(
        col(UserSession.user_id) == user_id, col(UserSession.revoked_at).is_(None)
    )
    if sso_only:
        stmt = stmt.where(col(UserSession.provider).in_(sso_provider_prefixes(org)))
    result = session.execute(stmt.values(revoked_at=utcnow()))
    actor_cache.forget_after_commit(session, user_ids=[user_id])
    return int(getattr(result, "rowcount", 0) or 0)


def do_end_member_sessions(session: Session, actor: Actor | None, org_id: Any, user_id: Any) -> int:
    """End every session of a member (admins; an admin cannot end the owner's)."""
    actor, org, mine = require_org_role(session, actor, org_id, OrgRole.ADMIN, "end_sessions")
    target = _target(session, org, user_id)
    if not _outranks(mine, target):
        raise PermissionDenied("Only the owner can do that.")
    count = end_sessions(session, org, target.user_id, sso_only=False)
    _security("org_sessions_ended", org_id=org.id, user_id=target.user_id, by=actor.user_id)
    return count


def do_answer_invitation(
    session: Session, actor: Actor | None, invitation_id: Any, accept: Any
) -> None:
    """Accept or decline one of the actor's pending invitations from their list."""
    actor = require_actor(actor)
    inv = session.get(OrgInvitation, _id(invitation_id, "invitation"))
    if (
        inv is None
        or inv.email != actor.email.lower()
        or inv.status != InvitationStatus.PENDING
        or as_utc(inv.expires_at) <= utcnow()
    ):
        raise NotFound("No such invitation.")
    if not isinstance(accept, bool):
        raise ValidationFailed("Accept or decline.")
    inv.status = InvitationStatus.ACCEPTED if accept else InvitationStatus.DECLINED
    inv.answered_at = utcnow()
    session.add(inv)
    if accept and get_membership(session, inv.org_id, actor.user_id) is None:
        session.add(
            OrgMembership(org_id=inv.org_id, user_id=actor.user_id, role=inv.role, source="invite")
        )
