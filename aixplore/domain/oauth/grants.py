"""The token endpoint's work, revocation (RFC 7009), introspection (RFC 7662) and grants.

Codes and refresh tokens are spent with one conditional UPDATE (``used_at IS NULL``), so two
workers racing on the same value cannot both win. A code presented twice revokes the grant
it was exchanged for (RFC 6749 4.1.2); a refresh token presented twice revokes its whole
family, i.e. the grant (OAuth 2.0 Security BCP 4.14): both are audited. Errors are Authlib's
RFC 6749 errors; callers commit the unit of work even when one is raised, so a revocation
made while refusing sticks.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from authlib.oauth2.rfc6749.errors import (
    InvalidClientError,
    InvalidGrantError,
    InvalidRequestError,
    UnauthorizedClientError,
    UnsupportedGrantTypeError,
)
from authlib.oauth2.rfc7636.challenge import CODE_VERIFIER_PATTERN, compare_s256_code_challenge
from sqlalchemy import update
from sqlmodel import Session, col, select

from aixplore.core.db import read_scope
from aixplore.core.errors import NotAuthenticated, NotFound
from aixplore.core.security import new_token, token_digest
from aixplore.core.settings import get_settings
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import Actor, User
from aixplore.domain.accounts.services import require_actor
from aixplore.domain.audit.services import record as audit
from aixplore.domain.oauth import tokens
from aixplore.domain.oauth.authorize import apps_forbidden_by
from aixplore.domain.oauth.models import (
    GrantPublic,
    OAuthApp,
    OAuthCode,
    OAuthGrant,
    OAuthRefreshToken,
    scope_in_words,
)


@dataclass(frozen=True)
class ClientCredentials:
    """What the caller presented to authenticate as an app."""

    client_id: str
    secret: str | None


def authenticate_client(session: Session, creds: ClientCredentials) -> OAuthApp:
    """The app the caller is; a confidential app must present its secret, a public none."""
    app = (
        session.exec(select(OAuthApp).where(OAuthApp.client_id == creds.client_id)).first()
        if creds.client_id
        else None
    )
    if app is None:
        raise InvalidClientError(description="Unknown client.")
    if app.confidential:
        given = token_digest(creds.secret or "")
        if not creds.secret or not hmac.compare_digest(given, app.secret_hash):
            raise InvalidClientError(description="The client secret is wrong or missing.")
    elif creds.secret:
        raise InvalidClientError(description="A public client has no secret.")
    return app


def _spend(session: Session, model: Any, row_id: int) -> bool:
    """Mark a code or refresh token used; False when someone already had."""
    result = session.execute(
        update(model)
        .where(col(model.id) == row_id, col(model.used_at).is_(None))
        .values(used_at=utcnow())
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def revoke_grant(
    session: Session, grant: OAuthGrant, reason: str, actor_id: int | None, **kw: Any
) -> None:
    """Revoke a grant (its refresh tokens and access tokens with it) and audit it, once."""
    if grant.revoked_at is not None:
        return
    grant.revoked_at, grant.revoked_reason = utcnow(), reason
    session.add(grant)
    action = {
        "code_replayed": "oauth.code_replayed",
        "refresh_reused": "oauth.refresh_reused",
    }.get(reason, "oauth.revoked")
    audit(
        session,
        actor_id,
        action,
        target=f"oauth_grant:{grant.id}",
        detail={"app_id": grant.app_id, "user_id": grant.user_id, "reason": reason},
        **kw,
    )


def _live_grant(session: Session, grant: OAuthGrant | None) -> OAuthGrant:
    if grant is None or grant.revoked_at is not None:
        raise InvalidGrantError(description="The authorization was revoked.")
    user = session.get(User, grant.user_id)
    if user is None or user.suspended_at is not None:
        raise InvalidGrantError(description="The account is not active.")
    if apps_forbidden_by(session, grant.user_id) is not None:
        raise InvalidGrantError(description="The user's organization forbids third-party apps.")
    return grant


def _issue(session: Session, app: OAuthApp, grant: OAuthGrant) -> dict[str, Any]:
    assert grant.id is not None
    refresh = new_token(32)
    now = utcnow()
    session.add(
        OAuthRefreshToken(
            grant_id=grant.id,
            token_hash=token_digest(refresh),
            expires_at=now + timedelta(days=get_settings().oauth_refresh_token_days),
        )
    )
    grant.last_used_at = now
    session.add(grant)
    access, lifetime = tokens.sign_access_token(
        session,
        user_id=grant.user_id,
        client_id=app.client_id,
        grant_id=grant.id,
        scopes=grant.scopes,
    )
    return {
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": lifetime,
        "refresh_token": refresh,
        "scope": grant.scopes,
    }


def _exchange_code(
    session: Session, app: OAuthApp, form: dict[str, str], ip: str
) -> dict[str, Any]:
    raw = form.get("code", "")
    code = (
        session.exec(select(OAuthCode).where(OAuthCode.code_hash == token_digest(raw))).first()
        if raw
        else None
    )
    if code is None or code.app_id != app.id or code.id is None:
        raise InvalidGrantError(description="The code is not valid for this client.")
    grant = session.get(OAuthGrant, code.grant_id) if code.grant_id else None
    if not _spend(session, OAuthCode, code.id):
        if grant is not None:
            revoke_grant(session, grant, "code_replayed", None, ip=ip)
        raise InvalidGrantError(description="The code was already used.")
    if code.expires_at <= utcnow():
        raise InvalidGrantError(description="The code has expired.")
    if form.get("redirect_uri", "") != code.redirect_uri:
        raise InvalidGrantError(description="The redirect_uri differs from the authorization's.")
    verifier = form.get("code_verifier", "")
    if code.code_challenge:
        if not verifier or not CODE_VERIFIER_PATTERN.match(verifier):
            raise InvalidGrantError(description="A valid code_verifier is required.")
        if not compare_s256_code_challenge(verifier, code.code_challenge):
            raise InvalidGrantError(description="The code_verifier does not match.")
    elif verifier:
        raise InvalidGrantError(description="The authorization carried no code_challenge.")
    return _issue(session, app, _live_grant(session, grant))


def _refresh(session: Session, app: OAuthApp, form: dict[str, str], ip: str) -> dict[str, Any]:
    raw = form.get("refresh_token", "")
    row = (
        session.exec(
            select(OAuthRefreshToken, OAuthGrant)
            .join(OAuthGrant, col(OAuthGrant.id) == col(OAuthRefreshToken.grant_id))
            .where(OAuthRefreshToken.token_hash == token_digest(raw))
        ).first()
        if raw
        else None
    )
    if row is None or row[1].app_id != app.id or row[0].id is None:
        raise InvalidGrantError(description="The refresh token is not valid for this client.")
    token, grant = row
    assert token.id is not None
    if not _spend(session, OAuthRefreshToken, token.id):
        revoke_grant(session, grant, "refresh_reused", None, ip=ip)
        raise InvalidGrantError(
            description="The refresh token was already used; the authorization is revoked."
        )
    if token.expires_at <= utcnow():
        raise InvalidGrantError(description="The refresh token has expired.")
    return _issue(session, app, _live_grant(session, grant))


def do_token(
    session: Session, creds: ClientCredentials, form: dict[str, str], *, ip: str = ""
) -> dict[str, Any]:
    """The token endpoint: a code or refresh token exchanged for new tokens."""
    app = authenticate_client(session, creds)
    grant_type = form.get("grant_type", "")
    if grant_type == "authorization_code":
        return _exchange_code(session, app, form, ip)
    if grant_type == "refresh_token":
        return _refresh(session, app, form, ip)
    if not grant_type:
        raise InvalidRequestError(description="grant_type is required.")
    raise UnsupportedGrantTypeError(grant_type)


def _grant_of(session: Session, raw: str) -> OAuthGrant | None:
    """The grant a refresh token or access token belongs to (None when neither)."""
    token = session.exec(
        select(OAuthRefreshToken).where(OAuthRefreshToken.token_hash == token_digest(raw))
    ).first()
    if token is not None:
        return session.get(OAuthGrant, token.grant_id)
    if tokens.looks_like_jwt(raw):
        try:
            claims = tokens.verify_access_token(read_scope, raw)
        except NotAuthenticated:
            return None
        grant_id = claims.get("grant_id")
        return session.get(OAuthGrant, grant_id) if isinstance(grant_id, int) else None
    return None


def do_revoke_token(session: Session, creds: ClientCredentials, raw: str, *, ip: str = "") -> None:
    """RFC 7009: revoke the token's grant (an unknown token is not an error)."""
    app = authenticate_client(session, creds)
    grant = _grant_of(session, raw) if raw else None
    if grant is None:
        return
    if grant.app_id != app.id:
        raise UnauthorizedClientError(description="The token was issued to another client.")
    revoke_grant(session, grant, "client_revoked", None, ip=ip)


def introspect(session: Session, creds: ClientCredentials, raw: str) -> dict[str, Any]:
    """RFC 7662: what an active token of this client is; ``{"active": false}`` otherwise."""
    app = authenticate_client(session, creds)
    inactive = {"active": False}
    if not raw:
        return inactive
    refresh = session.exec(
        select(OAuthRefreshToken).where(OAuthRefreshToken.token_hash == token_digest(raw))
    ).first()
    grant = _grant_of(session, raw)
    if grant is None or grant.app_id != app.id or grant.revoked_at is not None:
        return inactive
    base = {
        "active": True,
        "client_id": app.client_id,
        "sub": str(grant.user_id),
        "scope": grant.scopes,
        "iss": tokens.issuer(),
    }
    if refresh is not None:
        if refresh.used_at is not None or refresh.expires_at <= utcnow():
            return inactive
        return {**base, "token_type": "refresh_token", "exp": int(refresh.expires_at.timestamp())}
    claims = tokens.verify_access_token(read_scope, raw)
    return {
        **base,
        "token_type": "access_token",
        "scope": claims.get("scope", ""),
        "exp": claims["exp"],
        "iat": claims.get("iat"),
        "aud": claims.get("aud"),
    }


def list_my_grants(session: Session, actor: Actor | None) -> list[GrantPublic]:
    """The apps the actor authorized and has not revoked, newest first."""
    actor = require_actor(actor)
    rows = session.exec(
        select(OAuthGrant, OAuthApp)
        .join(OAuthApp, col(OAuthApp.id) == col(OAuthGrant.app_id))
        .where(OAuthGrant.user_id == actor.user_id, col(OAuthGrant.revoked_at).is_(None))
        .order_by(col(OAuthGrant.id).desc())
    ).all()
    return [
        GrantPublic(
            id=grant.id or 0,
            app_name=app.name,
            logo_url=app.logo_url,
            scopes=grant.scopes.split(),
            scopes_in_words=[scope_in_words(s) for s in grant.scopes.split()],
            created_at=grant.created_at,
            last_used_at=grant.last_used_at,
        )
        for grant, app in rows
    ]


def do_revoke_grant(session: Session, actor: Actor | None, grant_id: Any, *, ip: str = "") -> None:
    """Revoke one of the actor's grants; the app's tokens are refused from the next request."""
    actor = require_actor(actor)
    ok = isinstance(grant_id, int) and not isinstance(grant_id, bool) and 1 <= grant_id < 2**31
    grant = session.get(OAuthGrant, grant_id) if ok else None
    if grant is None or grant.user_id != actor.user_id:
        raise NotFound("Unknown authorization.")
    revoke_grant(session, grant, "user_revoked", actor.user_id, ip=ip)
