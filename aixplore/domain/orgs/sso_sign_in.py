"""Turning an identity an IdP vouched for into an AiXplore session, or into a pending link.

Whom an organization's identity provider may sign in:

1. the account that linked this IdP identity (issuer and subject) on this connection;
2. otherwise, the account of an address in a domain the organization verified (created just
   in time when there is none);
3. nobody else. Membership alone is not enough: an org admin who points the connection at an
   IdP of their own could otherwise sign in as the owner, or as a member who owns another
   organization. The person named must link the identity themselves with their password
   (:func:`do_confirm_link`); until then the IdP round trip ends at that confirmation page.

The session remembers its connection (``sso_connection_id``), so organizations that enforce
single sign-on can tell it from a password session or another organization's SSO session.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlmodel import Session, col, select

from aixplore.core.errors import Conflict, PermissionDenied, ValidationFailed
from aixplore.core.security import token_digest
from aixplore.core.settings import get_settings
from aixplore.core.time import as_utc, utcnow
from aixplore.domain.accounts.models import User, UserSession
from aixplore.domain.accounts.reauth import WRONG_PASSWORD, check_password_of
from aixplore.domain.accounts.sessions import open_session
from aixplore.domain.accounts.users import get_user_by_email
from aixplore.domain.audit_log.services import record as audit
from aixplore.domain.mail.services import do_queue_mail
from aixplore.domain.orgs import sso_links, sso_policy
from aixplore.domain.orgs.models import Organization, OrgDomain, OrgMembership, OrgRole
from aixplore.domain.orgs.services import get_membership, member_event, member_joined
from aixplore.domain.orgs.sso_guards import refuse, safe_return_to
from aixplore.domain.orgs.sso_models import SsoConnection

log = logging.getLogger("aixplore.security")


@dataclass(frozen=True)
class Identity:
    """What an IdP asserted, after its signature and the protocol's checks passed."""

    issuer: str
    subject: str
    email: Any
    name: Any = None
    groups: Any = field(default_factory=list)


@dataclass(frozen=True)
class Outcome:
    """A session opened (its raw token), a link to confirm (the cookie secret), or neither
    (a test round trip)."""

    token: str | None = None
    link_secret: str | None = None


def _verified_domains(session: Session, org_id: int) -> set[str]:
    rows = session.exec(
        select(OrgDomain.domain).where(
            OrgDomain.org_id == org_id, col(OrgDomain.verified_at).is_not(None)
        )
    ).all()
    return set(rows)


def _role_for(conn: SsoConnection, groups: list[str]) -> OrgRole:
    admin_groups = {g.strip() for g in conn.admin_groups.split(",") if g.strip()}
    return OrgRole.ADMIN if admin_groups & set(groups) else OrgRole.MEMBER


def _email(conn: SsoConnection, value: Any) -> str:
    if not isinstance(value, str) or "@" not in value or len(value) > 254:
        raise refuse(conn.id, "the identity provider sent no email address")
    return value.strip().lower()


def _refuse_suspended(conn: SsoConnection, user: User | None, member: OrgMembership | None) -> None:
    if (user is not None and user.suspended_at is not None) or (
        member is not None and member.suspended_at is not None
    ):
        raise refuse(conn.id, "this account is suspended")


def sign_in_identity(
    session: Session,
    conn: SsoConnection,
    identity: Identity,
    *,
    return_to: str = "/",
    ip: str = "",
    user_agent: str = "",
    test_only: bool = False,
) -> Outcome:
    """Sign in the account this IdP may speak for, or start a link for its owner to confirm.

    A test round trip (``test_only``) checks everything but opens no session, starts no link
    and changes no account.
    """
    assert conn.id is not None
    org = session.get(Organization, conn.org_id)
    assert org is not None and org.id is not None
    email = _email(conn, identity.email)
    issuer, subject = identity.issuer, identity.subject
    if not isinstance(subject, str) or not subject or len(subject) > 500 or not issuer:
        raise refuse(conn.id, "the identity provider sent no subject identifier")
    name = identity.name.strip()[:80] if isinstance(identity.name, str) else ""
    groups = (
        [g for g in identity.groups if isinstance(g, str)][:100]
        if isinstance(identity.groups, list)
        else []
    )
    link = sso_links.find_link(session, conn, issuer, subject)
    domain = email.rsplit("@", 1)[1]
    if link is not None:
        user: User | None = session.get(User, link.user_id)
    elif domain in _verified_domains(session, org.id):
        user = get_user_by_email(session, email)
    else:
        if test_only:
            raise refuse(
                conn.id,
                f"this identity provider may not sign in addresses at {domain} unless their "
                "owner links the identity with their password",
            )
        secret = sso_links.start_pending_link(
            session,
            conn,
            issuer=issuer,
            subject=subject,
            email=email,
            name=name,
            groups=groups,
            return_to=safe_return_to(return_to),
        )
        log.info(
            "sso_link_pending",
            extra={"security_event": "sso_link_pending", "connection_id": conn.id},
        )
        return Outcome(link_secret=secret)
    member = get_membership(session, org.id, user.id) if user and user.id else None
    _refuse_suspended(conn, user, member)
    now = utcnow()
    if test_only:
        conn.last_test_at, conn.last_test_ok = now, True
        conn.last_success_at = now
        session.add(conn)
        return Outcome()
    if link is not None:
        link.last_used_at = now
        session.add(link)
    token = open_sso_session(
        session, conn, org, user, email=email, name=name, groups=groups, ip=ip, ua=user_agent
    )
    return Outcome(token=token)


def open_sso_session(
    session: Session,
    conn: SsoConnection,
    org: Organization,
    user: User | None,
    *,
    email: str,
    name: str,
    groups: list[str],
    ip: str,
    ua: str,
) -> str:
    """Open a session through ``conn`` (creating the account and membership just in time)."""
    assert conn.id is not None and org.id is not None
    now = utcnow()
    if user is None:
        display = name or email.split("@")[0]
        user = User(email=email, display_name=display, password_hash=None, email_verified_at=now)
        session.add(user)
        session.flush()
    assert user.id is not None
    member = get_membership(session, org.id, user.id)
    role = _role_for(conn, groups)
    if member is None:
        joined = OrgMembership(org_id=org.id, user_id=user.id, role=role, source="sso")
        session.add(joined)
        session.flush()
        member_joined(session, joined, user.email, {"source": conn.protocol.value})
    elif member.role != OrgRole.OWNER and conn.admin_groups.strip() and member.role != role:
        previous, member.role = member.role, role
        session.add(member)
        member_event(
            session,
            org.id,
            "member.role_changed",
            user.id,
            role=role.value,
            previous_role=previous.value,
        )
    conn.last_success_at = now
    session.add(conn)
    raw = open_session(
        session,
        user,
        ip=ip,
        user_agent=ua,
        provider=f"{conn.protocol.value}:{org.slug}"[:32],
        sso_connection_id=conn.id,
    )
    if org.reauth_hours:
        session.flush()
        row = session.exec(
            select(UserSession).where(UserSession.token_hash == token_digest(raw))
        ).one()
        row.expires_at = min(as_utc(row.expires_at), now + timedelta(hours=org.reauth_hours))
        session.add(row)
    log.info("sso_sign_in", extra={"security_event": "sso_sign_in", "user_id": user.id})
    audit(
        session,
        user.id,
        "sso.signed_in",
        f"user:{user.id}",
        org_id=org.id,
        ip=ip,
        user_agent=ua,
        detail={"protocol": conn.protocol.value, "connection_id": conn.id},
    )
    return raw


# ---- Confirming a link with the password ----


def _refuse_other_enforcing_orgs(session: Session, user: User, org: Organization) -> None:
    """As on the sign-in form, a password may not be used where another organization
    enforces single sign-on for this account (linking to its own IdP is what it asks for)."""
    for other, role in sso_policy.enforcing_orgs_for(session, user):
        if other.id != org.id and role != OrgRole.OWNER:
            raise PermissionDenied(
                f"{other.name} requires single sign-on for this account, so its password "
                "cannot confirm a link to another organization's sign-in."
            )


def do_confirm_link(
    session: Session, secret: Any, password: Any, *, ip: str = "", user_agent: str = ""
) -> tuple[str, str]:
    """Link the pending IdP identity to its account once its password is confirmed; sign in.

    Only the account with exactly the address the IdP sent can be linked, and only by
    someone who may sign in to it with its password (an organization that enforces SSO for
    it refuses, as on the sign-in form). Returns the raw session token and where to go.
    """
    pending = sso_links.get_pending_link(session, secret)
    if pending is None:
        raise ValidationFailed(
            "This link request expired or was already used. Sign in through your "
            "organization again."
        )
    conn = session.get(SsoConnection, pending.connection_id)
    if conn is None or not conn.enabled or sso_links.trust_anchor(conn) != pending.anchor:
        raise ValidationFailed("The organization changed its sign-in settings. Start again.")
    org = session.get(Organization, conn.org_id)
    assert org is not None and org.id is not None
    user = get_user_by_email(session, pending.email)
    check_password_of(session, user, password, ip=ip, user_agent=user_agent)
    assert user is not None and user.id is not None
    _refuse_other_enforcing_orgs(session, user, org)
    if user.suspended_at is not None:
        raise PermissionDenied("This account is suspended.")
    if user.email_verified_at is None:
        raise Conflict("Confirm your email address first, then sign in through your organization.")
    member = get_membership(session, org.id, user.id)
    if member is not None and member.suspended_at is not None:
        raise PermissionDenied(f"Your membership of {org.name} is suspended.")
    if not sso_links.use_pending_link(session, secret):
        raise ValidationFailed(WRONG_PASSWORD)
    link = sso_links.save_link(session, conn, user.id, pending.issuer, pending.subject)
    link.last_used_at = utcnow()
    audit(
        session,
        user.id,
        "sso.identity_linked",
        f"user:{user.id}",
        org_id=org.id,
        ip=ip,
        user_agent=user_agent,
        detail={"connection_id": conn.id, "issuer": pending.issuer, "subject": pending.subject},
    )
    base = get_settings().base_url.rstrip("/")
    do_queue_mail(
        session,
        to=user.email,
        subject=f"Your AiXplore account was linked to {org.name}'s single sign-on",
        body=(
            f"Hello {user.display_name},\n\nYour AiXplore account can now be signed in through "
            f"{org.name}'s identity provider ({conn.protocol.value.upper()}, identity "
            f"{pending.subject}). You confirmed this with your password from {ip or 'an unknown address'}.\n\n"
            f"If this was not you, remove the link and change your password at "
            f"{base}/settings/security.\n"
        ),
        kind="sso_identity_linked",
        user_id=user.id,
    )
    token = open_sso_session(
        session,
        conn,
        org,
        user,
        email=user.email,
        name=pending.name,
        groups=sso_links.pending_groups(pending),
        ip=ip,
        ua=user_agent,
    )
    return token, pending.return_to
