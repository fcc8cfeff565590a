"""Invitations: mailed with a preset role, accepted or declined by the addressee only."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from aixplore.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from aixplore.core.security import new_token, token_digest
from aixplore.core.settings import get_settings
from aixplore.core.time import as_utc, utcnow
from aixplore.domain.accounts.models import Actor, User
from aixplore.domain.accounts.services import parse_input, require_actor
from aixplore.domain.mail.services import do_queue_mail
from aixplore.domain.notifications.services import notify
from aixplore.domain.orgs.models import (
    InvitationPublic,
    InvitationStatus,
    InviteInput,
    Organization,
    OrgInvitation,
    OrgMembership,
    OrgPublic,
    OrgRole,
)
from aixplore.domain.orgs.services import (
    _id,
    _public,
    _security,
    get_membership,
    member_joined,
    org_audit,
    require_org_role,
)

INVITATION_DAYS = 14


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
    if existing is not None and existing.id is not None:
        # The token stays in the mail: the app lists pending invitations on /orgs.
        notify(
            session,
            existing.id,
            "org_invitation",
            f"{actor.display_name} invited you to {org.name}",
            f"Join as {form.role.value}: accept or decline under Organizations.",
            "/orgs",
        )
    org_audit(
        session,
        actor.user_id,
        org.id,
        "org.member_invited",
        f"invitation:{invitation.id}",
        {"email": email, "role": form.role.value},
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
        member_joined(session, membership, actor.email, {"invitation": inv.id})
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
    actor, org, _m = require_org_role(session, actor, org_id, OrgRole.ADMIN, "revoke_invite")
    inv = session.get(OrgInvitation, _id(invitation_id, "invitation"))
    if inv is None or inv.org_id != org.id:
        raise NotFound("No such invitation.")
    if inv.status == InvitationStatus.PENDING:
        inv.status = InvitationStatus.REVOKED
        inv.answered_at = utcnow()
        session.add(inv)
        org_audit(session, actor.user_id, org.id, "org.invitation_revoked", f"invitation:{inv.id}")


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
        membership = OrgMembership(
            org_id=inv.org_id, user_id=actor.user_id, role=inv.role, source="invite"
        )
        session.add(membership)
        session.flush()
        member_joined(session, membership, actor.email, {"invitation": inv.id})
