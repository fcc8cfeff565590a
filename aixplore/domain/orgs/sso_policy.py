"""Enforce SSO: which sessions and API keys an organization that enforces single sign-on admits.

A session remembers the connection that opened it (``user_session.sso_connection_id``; None
for a password sign-in), and an API key the connection of the session it was created from.
An organization with "enforce SSO" admits only those opened through one of its own
connections; its owner's password session is the exception that keeps a way in when the
identity provider is down. A session opened through another organization's identity provider
is refused like a password session: otherwise any org whose IdP can sign a member in would
open every other org that member belongs to. Switching enforcement on ends the password
sessions it no longer admits (:func:`end_password_sessions`).
"""

from __future__ import annotations

import logging

from sqlalchemy import update
from sqlmodel import Session, col, select

from aixplore.core.errors import PermissionDenied
from aixplore.core.metrics import SECURITY_EVENTS
from aixplore.core.time import utcnow
from aixplore.domain.accounts import actor_cache
from aixplore.domain.accounts.models import User, UserSession
from aixplore.domain.orgs.models import Organization, OrgDomain, OrgMembership, OrgRole
from aixplore.domain.orgs.sso_models import SsoConnection

log = logging.getLogger("aixplore.security")


class SsoRequired(PermissionDenied):
    """The organization enforces single sign-on and this session or key was not opened
    through it."""

    code = "sso_required"


def required_message(org: Organization) -> str:
    """What a refused member is told."""
    return f"{org.name} requires single sign-on: sign in through {org.name} to open it."


def connection_org(session: Session, sso_connection_id: int | None) -> int | None:
    """The organization of a connection (None when there is none)."""
    if sso_connection_id is None:
        return None
    return session.exec(
        select(SsoConnection.org_id).where(SsoConnection.id == sso_connection_id)
    ).first()


def admits(
    org: Organization, role: OrgRole | None, sso_connection_id: int | None, conn_org: int | None
) -> bool:
    """Whether ``org``'s policy admits a session (or key) opened through this connection."""
    if not org.enforce_sso:
        return True
    if sso_connection_id is None:
        return role == OrgRole.OWNER
    return conn_org == org.id


def check_session(
    session: Session,
    org: Organization,
    membership: OrgMembership,
    sso_connection_id: int | None,
    action: str,
) -> None:
    """Refuse (and log) a session or key that an enforcing organization does not admit."""
    if not org.enforce_sso:
        return
    conn_org = connection_org(session, sso_connection_id)
    if admits(org, membership.role, sso_connection_id, conn_org):
        return
    SECURITY_EVENTS.labels("org_sso_required").inc()
    log.warning(
        "org_sso_required",
        extra={
            "security_event": "org_sso_required",
            "org_id": org.id,
            "user_id": membership.user_id,
            "connection_id": sso_connection_id,
            "action": action,
        },
    )
    raise SsoRequired(required_message(org))


def enforcing_orgs_for(session: Session, user: User) -> list[tuple[Organization, OrgRole | None]]:
    """The enforcing organizations whose policy covers ``user``: those they belong to, and
    the one that verified their email's domain (role None when not a member)."""
    found: dict[int, tuple[Organization, OrgRole | None]] = {}
    rows = session.exec(
        select(Organization, OrgMembership)
        .join(OrgMembership, col(OrgMembership.org_id) == Organization.id)
        .where(OrgMembership.user_id == user.id, col(Organization.enforce_sso).is_(True))
    ).all()
    for org, membership in rows:
        assert org.id is not None
        found[org.id] = (org, membership.role)
    domain = user.email.rsplit("@", 1)[-1]
    by_domain = session.exec(
        select(Organization)
        .join(OrgDomain, col(OrgDomain.org_id) == Organization.id)
        .where(
            OrgDomain.domain == domain,
            col(OrgDomain.verified_at).is_not(None),
            col(Organization.enforce_sso).is_(True),
        )
    ).first()
    if by_domain is not None and by_domain.id is not None and by_domain.id not in found:
        found[by_domain.id] = (by_domain, None)
    return list(found.values())


def key_message(org: Organization) -> str:
    """Why a key is suspended by an organization's enforce-SSO policy."""
    return (
        f"{org.name} requires single sign-on: this API key was not created in a session "
        f"signed in through {org.name}'s single sign-on. Sign in through {org.name} and "
        "create a new key."
    )


def personal_key_refusal(session: Session, user: User, sso_connection_id: int | None) -> str | None:
    """Why an enforcing organization suspends a personal key of ``user``, if one does."""
    covering = enforcing_orgs_for(session, user)
    if not covering:
        return None
    conn_org = connection_org(session, sso_connection_id)
    for org, role in covering:
        if not admits(org, role, sso_connection_id, conn_org):
            return key_message(org)
    return None


def end_password_sessions(session: Session, org: Organization) -> None:
    """When "enforce SSO" is switched on: end the password sessions of members and of
    addresses in the org's verified domains (not the owner's)."""
    members = set(
        session.exec(
            select(OrgMembership.user_id).where(
                OrgMembership.org_id == org.id, OrgMembership.role != OrgRole.OWNER
            )
        ).all()
    )
    owners = set(
        session.exec(
            select(OrgMembership.user_id).where(
                OrgMembership.org_id == org.id, OrgMembership.role == OrgRole.OWNER
            )
        ).all()
    )
    verified = session.exec(
        select(OrgDomain.domain).where(
            OrgDomain.org_id == org.id, col(OrgDomain.verified_at).is_not(None)
        )
    ).all()
    for domain in verified:
        members |= {
            uid
            for uid in session.exec(
                select(User.id).where(col(User.email).endswith(f"@{domain}"))
            ).all()
            if uid is not None and uid not in owners
        }
    if not members:
        return
    session.execute(
        update(UserSession)
        .where(
            col(UserSession.user_id).in_(members),
            # Password and social ("Continue with Google/GitHub") sessions: no connection.
            col(UserSession.sso_connection_id).is_(None),
            col(UserSession.revoked_at).is_(None),
        )
        .values(revoked_at=utcnow())
    )
    actor_cache.forget_after_commit(session, user_ids=list(members))
