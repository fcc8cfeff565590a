"""Single sign-on, protocol-neutral part: connections, one-time login state, replay memory
and health.

Whom an IdP may sign in is decided in ``sso_sign_in`` (verified domains and identities their
owners linked; membership alone is not enough), who may change a connection in
``sso_changes``, and what enforce SSO admits in ``sso_policy``. Refusals (``SsoRefused``,
``refuse``, ``record_failure``) and ``safe_return_to`` live in ``sso_guards``, which the
modules this one imports use too; they are importable from here.
"""

from __future__ import annotations

import hmac
import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from aixplore.core import crypto
from aixplore.core.errors import NotFound, PermissionDenied
from aixplore.core.security import new_token, token_digest
from aixplore.core.settings import get_settings
from aixplore.core.time import as_utc, utcnow
from aixplore.domain.accounts.models import Actor, User
from aixplore.domain.orgs.models import Organization, OrgRole
from aixplore.domain.orgs.saml_certs import cert_expiry_days
from aixplore.domain.orgs.services import end_sessions, require_org_role
from aixplore.domain.orgs.sso_changes import require_sso_change
from aixplore.domain.orgs.sso_guards import SsoRefused as SsoRefused
from aixplore.domain.orgs.sso_guards import record_failure as record_failure
from aixplore.domain.orgs.sso_guards import refuse, safe_return_to
from aixplore.domain.orgs.sso_models import (
    SsoConnection,
    SsoHealth,
    SsoLoginState,
    SsoProtocol,
    SsoReplay,
)
from aixplore.domain.orgs.sso_sign_in import Identity, sign_in_identity


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
    session: Session,
    actor: Actor | None,
    org_id: Any,
    protocol: SsoProtocol,
    *,
    change: bool = False,
) -> tuple[Organization, SsoConnection]:
    """The org's connection for an org admin, created empty (disabled) when missing.

    To ``change`` it, the admin must be the owner or have confirmed their password just now.
    """
    if change:
        _actor, org, _m = require_sso_change(session, actor, org_id, "sso_settings")
    else:
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
    browser_secret: str = "",
) -> None:
    """Remember a started sign-in under ``key`` (OIDC state or SAML request ID).

    ``browser_secret`` (SAML) is the value of the cookie that binds it to this browser.
    """
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
            browser_hash=token_digest(browser_secret) if browser_secret else "",
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


def park_identity(
    session: Session,
    conn: SsoConnection,
    login: SsoLoginState | None,
    identity: dict[str, Any],
    *,
    return_to: str,
) -> str:
    """Keep a verified SAML identity until the browser comes back for it; the one-time key.

    The ACS is a cross-site POST from the IdP, which carries no SameSite=Lax cookie, so it
    cannot tell which browser posted. It keeps the result here and sends the browser to a
    same-site GET (:func:`take_parked`), which does carry the binding cookie. An
    IdP-initiated sign-in (``login`` None) has no browser to bind to.
    """
    assert conn.id is not None
    key = new_token(24)
    now = utcnow()
    if login is None:
        login = SsoLoginState(
            connection_id=conn.id,
            state_hash=token_digest(new_token(24)),
            return_to=safe_return_to(return_to),
            used_at=now,
            expires_at=now + timedelta(minutes=get_settings().sso_login_minutes),
        )
    login.claims_enc = crypto.encrypt(json.dumps(identity), context="sso_login_state.claims")
    login.finish_hash = token_digest(key)
    session.add(login)
    return key


def take_parked(
    session: Session, conn_id: int, key: Any, browser_secret: Any
) -> tuple[SsoLoginState, dict[str, Any]]:
    """Use a parked identity once, in the browser that started its sign-in."""
    if not isinstance(key, str) or not 16 <= len(key) <= 100:
        raise refuse(conn_id, "the sign-in expired or was already used; start again")
    digest = token_digest(key)
    result = session.execute(
        update(SsoLoginState)
        .where(
            col(SsoLoginState.finish_hash) == digest,
            col(SsoLoginState.connection_id) == conn_id,
            col(SsoLoginState.finished_at).is_(None),
            col(SsoLoginState.expires_at) > utcnow(),
        )
        .values(finished_at=utcnow())
    )
    if getattr(result, "rowcount", 0) != 1:
        raise refuse(conn_id, "the sign-in expired or was already used; start again")
    login = session.exec(select(SsoLoginState).where(SsoLoginState.finish_hash == digest)).one()
    if login.browser_hash and not (
        isinstance(browser_secret, str)
        and browser_secret
        and hmac.compare_digest(token_digest(browser_secret), login.browser_hash)
    ):
        raise refuse(
            conn_id,
            "this sign-in was started in another browser (or its cookie is gone); start "
            "again from this browser",
        )
    identity = json.loads(crypto.decrypt(login.claims_enc, context="sso_login_state.claims"))
    return login, identity


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


# ---- Completing a sign-in ----


def complete_sign_in(
    session: Session,
    conn: SsoConnection,
    *,
    email: Any,
    name: Any,
    groups: Any,
    subject: str | None = None,
    ip: str = "",
    user_agent: str = "",
    test_only: bool = False,
) -> str | None:
    """Sign in an identity this IdP may speak for; the raw session token (None for a test).

    For callers that cannot show the link page (commands, benchmarks, tests): an identity
    that needs its owner's confirmation is refused. The sign-in routes use
    ``sso_sign_in.sign_in_identity``.
    """
    issuer = conn.idp_entity_id or conn.discovery_url or f"connection:{conn.id}"
    identity = Identity(
        issuer=issuer,
        subject=subject if subject is not None else str(email),
        email=email,
        name=name,
        groups=groups,
    )
    outcome = sign_in_identity(
        session, conn, identity, ip=ip, user_agent=user_agent, test_only=test_only
    )
    if outcome.link_secret is not None:
        raise refuse(conn.id, "this identity must first be linked by its owner")
    return outcome.token


def record_skew(session: Session, conn: SsoConnection, issued_at: Any) -> None:
    """Remember the clock difference seen in an IdP's issue time (positive: IdP ahead)."""
    if isinstance(issued_at, int | float) and not isinstance(issued_at, bool):
        conn.clock_skew_seconds = int(issued_at - utcnow().timestamp())
        session.add(conn)


def get_health(session: Session, actor: Actor | None, org_id: Any) -> list[SsoHealth]:
    """The SSO health panel of an organization (admins)."""
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
    org = session.get(Organization, conn.org_id)
    user = session.exec(select(User).where(User.email == email.strip().lower())).first()
    if org is None or user is None or user.id is None:
        return 0
    return end_sessions(session, org, user.id, sso_only=True)
