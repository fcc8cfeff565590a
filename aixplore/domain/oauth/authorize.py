"""The authorization request and the user's consent (RFC 6749 4.1, PKCE per RFC 7636).

``check_authorize`` reads the request. Until the client and its redirect URI are known, a
refusal is ``AuthorizeRefused`` (shown on a page, never redirected: no open redirect);
afterwards it is ``RedirectError`` (sent back to the app with ``error`` and ``state``).
Redirect URIs match a registered one exactly. PKCE is S256 only: ``plain`` is refused, and
a public app must send a challenge. ``do_approve`` records the grant (audited) and issues a
single-use code bound to the app, the redirect URI and the challenge, valid for
``oauth_code_seconds``. Members of an organization that forbids third-party apps are refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from sqlmodel import Session, col, select

from aixplore.core.errors import DomainError, PermissionDenied
from aixplore.core.security import new_token, token_digest
from aixplore.core.settings import get_settings
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import Actor
from aixplore.domain.accounts.services import require_actor
from aixplore.domain.audit.services import record as audit
from aixplore.domain.membership.models import Organization, OrgMembership
from aixplore.domain.oauth.models import OAUTH_SCOPES, OAuthApp, OAuthCode, OAuthGrant
from aixplore.domain.orgs.models import OrgRole
from aixplore.domain.orgs.services import require_org_role

_CHALLENGE = re.compile(r"^[A-Za-z0-9_-]{43}$")  # base64url of a SHA-256, unpadded
MAX_STATE = 500


class AuthorizeRefused(DomainError):
    """A request that cannot go back to the app (unknown app or redirect URI)."""

    code = "oauth_refused"


@dataclass
class RedirectError(Exception):
    """A refusal sent back to the app's redirect URI."""

    redirect_uri: str
    error: str
    description: str
    state: str = ""

    def location(self) -> str:
        """Where the browser goes."""
        query = {"error": self.error, "error_description": self.description}
        if self.state:
            query["state"] = self.state
        return with_query(self.redirect_uri, query)


@dataclass
class AuthorizeRequest:
    """A checked authorization request, as the consent screen shows it."""

    client_id: str
    app_name: str
    logo_url: str
    redirect_uri: str
    scopes: list[str]
    state: str
    code_challenge: str
    app_id: int = 0
    params: dict[str, str] = field(default_factory=dict)


def with_query(uri: str, query: dict[str, str]) -> str:
    """``uri`` with ``query`` appended (keeping its own query)."""
    return f"{uri}{'&' if '?' in uri else '?'}{urlencode(query)}"


def _text(params: dict[str, Any], name: str, limit: int = 500) -> str:
    value = params.get(name, "")
    return value if isinstance(value, str) and len(value) <= limit else ""


def check_authorize(session: Session, params: dict[str, Any]) -> AuthorizeRequest:
    """The request's app, redirect URI, scopes, state and challenge, or the refusal."""
    client_id = _text(params, "client_id", 60)
    app = (
        session.exec(select(OAuthApp).where(OAuthApp.client_id == client_id)).first()
        if client_id
        else None
    )
    if app is None or app.id is None:
        raise AuthorizeRefused("This app is not registered with AiXplore.")
    redirect_uri = _text(params, "redirect_uri")
    if redirect_uri not in app.redirect_uris.split("\n"):
        raise AuthorizeRefused(
            "The app sent a redirect address it did not register, so AiXplore will not "
            "send you there."
        )
    state = _text(params, "state", MAX_STATE)

    def refuse(error: str, description: str) -> RedirectError:
        return RedirectError(redirect_uri, error, description, state)

    if _text(params, "response_type") != "code":
        raise refuse("unsupported_response_type", "Only response_type=code is supported.")
    scopes = _text(params, "scope", 600).split()
    if not scopes or any(s not in OAUTH_SCOPES for s in scopes):
        raise refuse("invalid_scope", "Ask for one or more of the documented scopes.")
    challenge = _text(params, "code_challenge", 128)
    method = _text(params, "code_challenge_method", 10)
    if challenge or method:
        if method != "S256":
            raise refuse("invalid_request", "PKCE needs code_challenge_method=S256.")
        if not _CHALLENGE.match(challenge):
            raise refuse("invalid_request", "The code_challenge is not an S256 challenge.")
    elif not app.confidential:
        raise refuse("invalid_request", "A public app must use PKCE (S256).")
    return AuthorizeRequest(
        client_id=app.client_id,
        app_name=app.name,
        logo_url=app.logo_url,
        redirect_uri=redirect_uri,
        scopes=sorted(set(scopes), key=OAUTH_SCOPES.index),
        state=state,
        code_challenge=challenge,
        app_id=app.id,
        params={k: _text(params, k) for k in _PARAMS},
    )


_PARAMS = (
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
)


def apps_forbidden_by(session: Session, user_id: int) -> str | None:
    """The name of an organization of the user that forbids third-party apps, if any."""
    return session.exec(
        select(Organization.name)
        .join(OrgMembership, col(OrgMembership.org_id) == col(Organization.id))
        .where(
            OrgMembership.user_id == user_id,
            col(OrgMembership.suspended_at).is_(None),
            col(Organization.third_party_apps_allowed).is_(False),
        )
    ).first()


def require_apps_allowed(session: Session, actor: Actor) -> None:
    """Refuse members of an organization whose policy forbids third-party apps."""
    org = apps_forbidden_by(session, actor.user_id)
    if org is not None:
        raise PermissionDenied(
            f"{org} does not allow its members to authorize third-party apps. "
            "Ask its admins if you need this app."
        )


def do_approve(
    session: Session, actor: Actor | None, params: dict[str, Any], *, ip: str = ""
) -> str:
    """Record the actor's consent and issue a code; the app's redirect with code and state."""
    actor = require_actor(actor)
    request = check_authorize(session, params)
    require_apps_allowed(session, actor)
    grant = OAuthGrant(
        app_id=request.app_id, user_id=actor.user_id, scopes=" ".join(request.scopes)
    )
    session.add(grant)
    session.flush()
    code = new_token(32)
    session.add(
        OAuthCode(
            code_hash=token_digest(code),
            app_id=request.app_id,
            user_id=actor.user_id,
            redirect_uri=request.redirect_uri,
            scopes=grant.scopes,
            code_challenge=request.code_challenge,
            expires_at=utcnow() + timedelta(seconds=get_settings().oauth_code_seconds),
            grant_id=grant.id,
        )
    )
    audit(
        session,
        actor.user_id,
        "oauth.granted",
        target=f"oauth_grant:{grant.id}",
        ip=ip,
        detail={"client_id": request.client_id, "scopes": grant.scopes},
    )
    query = {"code": code}
    if request.state:
        query["state"] = request.state
    return with_query(request.redirect_uri, query)


def deny_location(session: Session, params: dict[str, Any]) -> str:
    """Where the app learns that the user said no."""
    return RedirectError(
        check_authorize(session, params).redirect_uri,
        "access_denied",
        "The user did not authorize the app.",
        _text(params, "state", MAX_STATE),
    ).location()


def do_set_apps_policy(
    session: Session, actor: Actor | None, org_id: Any, allowed: Any, *, ip: str = ""
) -> None:
    """Allow or forbid third-party apps for the organization's members (its admins)."""
    if not isinstance(allowed, bool):
        raise PermissionDenied("Say whether third-party apps are allowed.")
    actor, org, _m = require_org_role(session, actor, org_id, OrgRole.ADMIN, "set_apps_policy")
    org.third_party_apps_allowed = allowed
    session.add(org)
    audit(
        session,
        actor.user_id,
        "org.third_party_apps_policy",
        target=f"organization:{org.id}",
        org_id=org.id,
        ip=ip,
        detail={"allowed": allowed},
    )
