"""Organizations: create, invite, accept or decline, roles, removal and ownership transfer.

Every function authorizes its actor against the organization it names: being an admin of one
organization gives nothing in another. Refusals are logged as security events. Owners outrank
admins, admins outrank members; the single owner can only hand ownership over, not leave.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, or_, select

from aixplore.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from aixplore.core.metrics import SECURITY_EVENTS
from aixplore.core.time import utcnow
from aixplore.domain.accounts import actor_cache
from aixplore.domain.accounts.models import Actor, User, UserSession
from aixplore.domain.accounts.services import parse_input, require_actor
from aixplore.domain.audit_log.services import record as audit
from aixplore.domain.orgs import sso_policy
from aixplore.domain.orgs.models import (
    MemberPublic,
    Organization,
    OrgInput,
    OrgMembership,
    OrgPublic,
    OrgRole,
    OrgSettingsInput,
)
from aixplore.domain.webhook_outbox.services import emit

log = logging.getLogger("aixplore.security")
MAX_ORGS_PER_USER = 50
_RANK = {OrgRole.MEMBER: 0, OrgRole.ADMIN: 1, OrgRole.OWNER: 2}


def _security(event: str, **fields: Any) -> None:
    SECURITY_EVENTS.labels(event).inc()
    log.warning(event, extra={"security_event": event, **fields})


def org_audit(
    session: Session,
    actor_id: int | None,
    org_id: int | None,
    action: str,
    target: str,
    detail: dict[str, Any] | None = None,
) -> None:
    """Record an organization's security-relevant act in the audit log, under its org id."""
    audit(session, actor_id, action, target, org_id=org_id, detail=detail)


def member_event(session: Session, org_id: int, event_type: str, user_id: int, **data: Any) -> None:
    """Send a membership change to the organization's webhook endpoints (after commit)."""
    emit(session, event_type, {"org_id": org_id, "user_id": user_id, **data}, [], [org_id])


def member_joined(
    session: Session,
    membership: OrgMembership,
    email: str,
    detail: dict[str, Any],
) -> None:
    """Audit a join (by invitation or SSO) and tell the organization's webhooks."""
    org_id, user_id, role = membership.org_id, membership.user_id, membership.role
    org_audit(
        session, user_id, org_id, "org.member_joined", f"user:{user_id}", {"role": role, **detail}
    )
    member_event(
        session,
        org_id,
        "member.joined",
        user_id,
        email=email,
        role=role.value,
        source=membership.source,
    )


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

    Someone outside the organization is told it does not exist. An organization that
    enforces single sign-on refuses its members' sessions (and keys) not opened through one
    of its own connections, its owner's password session aside (``sso_policy``).
    """
    actor = require_actor(actor)
    org = session.get(Organization, _id(org_id, "organization"))
    membership = get_membership(session, org.id, actor.user_id) if org and org.id else None
    if org is None or membership is None or membership.suspended_at is not None:
        _security("org_action_refused", user_id=actor.user_id, org_id=org_id, action=action)
        raise NotFound("No such organization.")
    sso_policy.check_session(session, org, membership, actor.sso_connection_id, action)
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
        third_party_apps_allowed=org.third_party_apps_allowed,
    )


def list_my_orgs(session: Session, actor: Actor | None) -> list[OrgPublic]:
    """The organizations the actor belongs to, by name."""
    actor = require_actor(actor)
    rows = session.exec(
        select(Organization, OrgMembership)
        .join(OrgMembership, col(OrgMembership.org_id) == Organization.id)
        .where(OrgMembership.user_id == actor.user_id, col(OrgMembership.suspended_at).is_(None))
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
            suspended=m.suspended_at is not None,
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
    org_audit(session, actor.user_id, org.id, "org.created", f"org:{org.id}", {"slug": org.slug})
    return _public(org, OrgRole.OWNER)


def do_update_org_settings(
    session: Session, actor: Actor | None, org_id: Any, data: Any
) -> OrgPublic:
    """Rename the organization and set its sign-in policy (admins)."""
    actor, org, membership = require_org_role(session, actor, org_id, OrgRole.ADMIN, "settings")
    form: OrgSettingsInput = parse_input(OrgSettingsInput, data)
    org.name = " ".join(form.name.split())
    if form.enforce_sso and not org.enforce_sso:
        sso_policy.end_password_sessions(session, org)
    org.enforce_sso = form.enforce_sso
    org.reauth_hours = form.reauth_hours
    session.add(org)
    org_audit(
        session,
        actor.user_id,
        org.id,
        "org.settings_changed",
        f"org:{org.id}",
        {"enforce_sso": org.enforce_sso, "reauth_hours": org.reauth_hours},
    )
    return _public(org, membership.role)


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
    previous, target.role = target.role, OrgRole(role)
    session.add(target)
    org_audit(
        session, actor.user_id, org.id, "org.role_changed", f"user:{target.user_id}", {"role": role}
    )
    if previous != target.role:
        _role_event(session, target, previous)


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
    left = target.user_id == actor.user_id
    action = "org.member_left" if left else "org.member_removed"
    org_audit(session, actor.user_id, org.id, action, f"user:{target.user_id}")
    member_event(
        session, target.org_id, "member.left", target.user_id, reason="left" if left else "removed"
    )


def do_transfer_ownership(session: Session, actor: Actor | None, org_id: Any, user_id: Any) -> None:
    """Hand the organization to another member; the old owner stays on as admin."""
    actor, org, mine = require_org_role(session, actor, org_id, OrgRole.OWNER, "transfer")
    target = _target(session, org, user_id)
    if target.user_id == actor.user_id:
        raise ValidationFailed("You already own this organization.")
    target_was = target.role
    target.role = OrgRole.OWNER
    mine.role = OrgRole.ADMIN
    session.add(target)
    session.add(mine)
    _security("org_ownership_transferred", org_id=org.id, user_id=target.user_id)
    org_audit(session, actor.user_id, org.id, "org.ownership_transferred", f"user:{target.user_id}")
    _role_event(session, target, target_was)
    _role_event(session, mine, OrgRole.OWNER)


def _role_event(session: Session, membership: OrgMembership, previous: OrgRole) -> None:
    member_event(
        session,
        membership.org_id,
        "member.role_changed",
        membership.user_id,
        role=membership.role.value,
        previous_role=previous.value,
    )


def end_sessions(session: Session, org: Organization, user_id: int, *, sso_only: bool) -> int:
    """End a member's sessions: all of them, or those opened through this org's SSO."""
    stmt = update(UserSession).where(
        col(UserSession.user_id) == user_id, col(UserSession.revoked_at).is_(None)
    )
    if sso_only:
        from aixplore.domain.orgs.sso_models import SsoConnection

        through_org = select(SsoConnection.id).where(SsoConnection.org_id == org.id)
        stmt = stmt.where(
            or_(
                col(UserSession.provider).in_(sso_provider_prefixes(org)),
                col(UserSession.sso_connection_id).in_(through_org),
            )
        )
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
    org_audit(
        session,
        actor.user_id,
        org.id,
        "org.sessions_ended",
        f"user:{target.user_id}",
        {"count": count},
    )
    return count


def do_suspend_member(
    session: Session, actor: Actor | None, org_id: Any, user_id: Any, suspended: Any
) -> None:
    """Suspend a member (admins; never the owner): every session of theirs ends at once and
    they can neither act in the org nor sign in through its IdP until reinstated."""
    actor, org, mine = require_org_role(session, actor, org_id, OrgRole.ADMIN, "suspend")
    if not isinstance(suspended, bool):
        raise ValidationFailed("Suspend or reinstate.")
    target = _target(session, org, user_id)
    if (
        target.role == OrgRole.OWNER
        or not _outranks(mine, target)
        or target.user_id == actor.user_id
    ):
        raise PermissionDenied("Only the owner can do that, and not to themselves.")
    target.suspended_at = utcnow() if suspended else None
    session.add(target)
    if suspended:
        end_sessions(session, org, target.user_id, sso_only=False)
    _security(
        "org_member_suspended" if suspended else "org_member_reinstated",
        org_id=org.id,
        user_id=target.user_id,
        by=actor.user_id,
    )
    action = "org.member_suspended" if suspended else "org.member_reinstated"
    org_audit(session, actor.user_id, org.id, action, f"user:{target.user_id}")
