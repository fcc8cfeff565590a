"""Single sign-on, protocol-neutral part: connections, one-time login state, replay memory,
health, and turning a verified identity into an AiXplore session.

An identity provider may only sign in addresses it can vouch for: users already members of
its organization, or addresses in a domain the organization verified. Without that rule an
admin of org A could configure an IdP that asserts ``ceo@b.com`` and take over that account.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from aixplore.core import crypto
from aixplore.core.db import session_scope
from aixplore.core.errors import NotFound, PermissionDenied, ValidationFailed
from aixplore.core.metrics import SECURITY_EVENTS
from aixplore.core.security import new_token, token_digest
from aixplore.core.settings import get_settings
from aixplore.core.time import as_utc, utcnow
from aixplore.domain.accounts.models import Actor, User, UserSession
from aixplore.domain.accounts.services import _open_session
from aixplore.domain.audit.services import record as audit
from aixplore.domain.orgs.models import Organization, OrgDomain, OrgMembership, OrgRole
from aixplore.domain.orgs.services import (
    get_membership,
    member_event,
    member_joined,
    require_org_role,
)
from aixplore.domain.orgs.sso_models import (
    SsoConnection,
    SsoHealth,
    SsoLoginState,
    SsoProtocol,
    SsoReplay,
)

log = logging.getLogger("aixplore.security")


class SsoRefused(ValidationFailed):
    """A sign-in through an identity provider was refused; the message says why."""

    code = "sso_refused"

    def __init__(self, message: str, *, conn_id: int | None, reason: str) -> None:
        super().__init__(message)
        self.conn_id = conn_id
        self.reason = reason
        self.test_only = False  # set when a "test connection" round trip failed


def refuse(conn_id: int | None, reason: str, **fields: Any) -> SsoRefused:
    """Log a refused SSO sign-in and return the error to raise.

    The caller's unit of work rolls back; it then calls :func:`record_failure` in a new one.
    """
    SECURITY_EVENTS.labels("sso_refused").inc()
    log.warning(
        "sso_refused",
        extra={
            "security_event": "sso_refused",
            "reason": reason,
            "connection_id": conn_id,
            **fields,
        },
    )
    return SsoRefused(f"Single sign-on failed: {reason}.", conn_id=conn_id, reason=reason)


def record_failure(error: SsoRefused) -> None:
    """Record a refusal on its connection's health (in a unit of work of its own)."""
    if error.conn_id is None:
        return
    with session_scope() as db:
        conn = db.get(SsoConnection, error.conn_id)
        if conn is not None:
            conn.last_failure_at = utcnow()
            conn.last_failure_reason = error.reason[:300]
            if error.test_only:
                conn.last_test_at, conn.last_test_ok = conn.last_failure_at, False
            db.add(conn)


def secret_context(conn: SsoConnection) -> str:
    """Associated data binding an encrypted client secret to its connection."""
    return f"sso_connection.client_secret:{conn.org_id}:{conn.protocol.value}"


def get_connection(
    session: Session, conn_id: Any, protocol: SsoProtocol, *, enabled_only: bool = True
) -> SsoConnection:
    """A (by default enabled) connection of the given protocol, or NotFound."""
    if not isinstance(conn_id, int) or isinstance(conn_id, bool) or not 1 <= conn_id < 2**31:
        raise NotFound("No such sign-in connection.")
    conn = session.get(SsoConnection, conn_id)
    if conn is None or conn.protocol != protocol or (enabled_only and not conn.enabled):
        raise NotFound("No such sign-in connection.")
    return conn


def connection_for_org(
    session: Session, org_id: int, protocol: SsoProtocol
) -> SsoConnection | None:
    """An organization's connection of one protocol, if configured."""
    return session.exec(
        select(SsoConnection).where(
            SsoConnection.org_id == org_id, SsoConnection.protocol == protocol
        )
    ).first()


def admin_connection(
    session: Session, actor: Actor | None, org_id: Any, protocol: SsoProtocol
) -> tuple[Organization, SsoConnection]:
    """The org's connection for an org admin, created empty (disabled) when missing."""
    _actor, org, _m = require_org_role(session, actor, org_id, OrgRole.ADMIN, "sso_settings")
    assert org.id is not None
    conn = connection_for_org(session, org.id, protocol)
    if conn is None:
        conn = SsoConnection(org_id=org.id, protocol=protocol, enabled=False)
        session.add(conn)
        session.flush()
    return org, conn


# ---- One-time login state ----


def new_login_state(
    session: Session,
    conn: SsoConnection,
    *,
    key: str,
    nonce: str = "",
    code_verifier: str = "",
    return_to: str = "/",
    test_only: bool = False,
) -> None:
    """Remember a started sign-in under ``key`` (OIDC state or SAML request ID)."""
    assert conn.id is not None
    now = utcnow()
    session.execute(delete(SsoLoginState).where(col(SsoLoginState.expires_at) < now))
    session.add(
        SsoLoginState(
            connection_id=conn.id,
            state_hash=token_digest(key),
            nonce=nonce,
            code_verifier_enc=crypto.encrypt(code_verifier, context="sso_login_state")
            if code_verifier
            else "",
            return_to=safe_return_to(return_to),
            test_only=test_only,
            expires_at=now + timedelta(minutes=get_settings().sso_login_minutes),
        )
    )


def consume_login_state(session: Session, key: Any) -> SsoLoginState | None:
    """Use a remembered sign-in once; None when unknown, expired or already used."""
    if not isinstance(key, str) or not 8 <= len(key) <= 200:
        return None
    digest = token_digest(key)
    result = session.execute(
        update(SsoLoginState)
        .where(
            col(SsoLoginState.state_hash) == digest,
            col(SsoLoginState.used_at).is_(None),
            col(SsoLoginState.expires_at) > utcnow(),
        )
        .values(used_at=utcnow())
    )
    if getattr(result, "rowcount", 0) != 1:
        return None
    return session.exec(select(SsoLoginState).where(SsoLoginState.state_hash == digest)).one()


def code_verifier_of(state: SsoLoginState) -> str:
    """The PKCE verifier stored with an OIDC state."""
    if not state.code_verifier_enc:
        return ""
    return crypto.decrypt(state.code_verifier_enc, context="sso_login_state")


def remember_once(session: Session, key: str, until: datetime) -> bool:
    """Record ``key`` (an assertion ID); False when it was already recorded (a replay).

    A primary-key insert in its own savepoint: two workers racing on one assertion cannot
    both win.
    """
    now = utcnow()
    session.execute(delete(SsoReplay).where(col(SsoReplay.expires_at) < now))
    existing = session.get(SsoReplay, key[:200])
    if existing is not None:
        return False
    try:
        with session.begin_nested():
            session.add(SsoReplay(key=key[:200], expires_at=max(as_utc(until), now)))
            session.flush()
    except IntegrityError:
        return False
    return True


def safe_return_to(value: Any) -> str:
    """A local path to go to after sign-in (never another site)."""
    if (
        not isinstance(value, str)
        or not value.startswith("/")
        or value.startswith("//")
        or "\\" in value
        or len(value) > 300
    ):
        return "/"
    return value


# ---- Completing a sign-in ----


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


def complete_sign_in(
    session: Session,
    conn: SsoConnection,
    *,
    email: Any,
    name: Any,
    groups: Any,
    ip: str = "",
    user_agent: str = "",
    test_only: bool = False,
) -> str | None:
    """Sign in (creating the account and membership just in time); the raw session token.

    A test round trip (``test_only``) checks everything but opens no session and changes no
    account; it returns None.
    """
    assert conn.id is not None
    org = session.get(Organization, conn.org_id)
    assert org is not None and org.id is not None
    if not isinstance(email, str) or "@" not in email or len(email) > 254:
        raise refuse(conn.id, "the identity provider sent no email address")
    email = email.strip().lower()
    display = name.strip()[:80] if isinstance(name, str) and name.strip() else email.split("@")[0]
    group_list = [g for g in groups if isinstance(g, str)] if isinstance(groups, list) else []
    user = session.exec(select(User).where(User.email == email)).first()
    member = get_membership(session, org.id, user.id) if user and user.id else None
    domain = email.rsplit("@", 1)[1]
    if member is None and domain not in _verified_domains(session, org.id):
        raise refuse(conn.id, f"this identity provider may not sign in addresses at {domain}")
    if (user is not None and user.suspended_at is not None) or (
        member is not None and member.suspended_at is not None
    ):
        raise refuse(conn.id, "this account is suspended")
    now = utcnow()
    if test_only:
        conn.last_test_at, conn.last_test_ok = now, True
        conn.last_success_at = now
        session.add(conn)
        return None
    if user is None:
        user = User(email=email, display_name=display, password_hash=None, email_verified_at=now)
        session.add(user)
        session.flush()
    assert user.id is not None
    role = _role_for(conn, group_list)
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
    raw = _open_session(
        session,
        user,
        ip=ip,
        user_agent=user_agent,
        provider=f"{conn.protocol.value}:{org.slug}"[:32],
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
        user_agent=user_agent,
        detail={"protocol": conn.protocol.value},
    )
    return raw


def record_skew(session: Session, conn: SsoConnection, issued_at: Any) -> None:
    """Remember the clock difference seen in an IdP's issue time (positive: IdP ahead)."""
    if isinstance(issued_at, int | float) and not isinstance(issued_at, bool):
        conn.clock_skew_seconds = int(issued_at - utcnow().timestamp())
        session.add(conn)


def get_health(session: Session, actor: Actor | None, org_id: Any) -> list[SsoHealth]:
    """The SSO health panel of an organization (admins)."""
    from aixplore.domain.orgs.saml import cert_expiry_days

    _actor, org, _m = require_org_role(session, actor, org_id, OrgRole.ADMIN, "sso_health")
    rows = session.exec(select(SsoConnection).where(SsoConnection.org_id == org.id)).all()
    return [
        SsoHealth(
            connection_id=c.id or 0,
            protocol=c.protocol,
            enabled=c.enabled,
            cert_expires_in_days=cert_expiry_days(c.idp_certs) if c.idp_certs else None,
            last_success_at=c.last_success_at,
            last_failure_at=c.last_failure_at,
            last_failure_reason=c.last_failure_reason,
            clock_skew_seconds=c.clock_skew_seconds,
            last_test_at=c.last_test_at,
            last_test_ok=c.last_test_ok,
        )
        for c in rows
    ]


def new_state_token() -> str:
    """A fresh unguessable state value."""
    return new_token(24)


def refuse_for_member(actor_org: Organization) -> PermissionDenied:
    """The refusal shown when password sign-in is not allowed."""
    return PermissionDenied(
        f"{actor_org.name} requires single sign-on. Sign in through your organization."
    )


def end_saml_sessions(session: Session, conn: SsoConnection, email: str) -> int:
    """End a user's sessions opened through this organization's SAML IdP (IdP logout)."""
    from aixplore.domain.orgs.services import end_sessions

    org = session.get(Organization, conn.org_id)
    user = session.exec(select(User).where(User.email == email.strip().lower())).first()
    if org is None or user is None or user.id is None:
        return 0
    return end_sessions(session, org, user.id, sso_only=True)
