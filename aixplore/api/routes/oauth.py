"""The OAuth2 authorization server for third-party apps: consent, token, revoke, introspect.

``/api/oauth/authorize`` is a browser page: the consent screen for the signed-in member
(scopes in words), or a plain refusal page when the app or its redirect URI is unknown
(never a redirect to an unregistered address). Its form posts back with a token bound to the
session and the request, from this site only. The token, revocation (RFC 7009) and
introspection (RFC 7662) endpoints take form posts and authenticate the app with HTTP Basic
or ``client_id``/``client_secret`` in the form; they answer RFC 6749 errors as JSON.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import html
from typing import Any
from urllib.parse import unquote, urlencode

from authlib.oauth2.rfc6749.errors import InvalidClientError, OAuth2Error
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from aixplore.api.auth import RateLimited
from aixplore.api.oauth_limits import count_consent, count_oauth
from aixplore.api.plain_page import plain_page
from aixplore.api.routes.sso_link import same_origin
from aixplore.core.db import read_scope, session_scope
from aixplore.core.errors import DomainError, ServiceUnavailable
from aixplore.core.settings import get_settings
from aixplore.domain.accounts.actor_cache import authenticate
from aixplore.domain.oauth import authorize as flow
from aixplore.domain.oauth import grants, tokens
from aixplore.domain.oauth.models import OAUTH_SCOPES, scope_in_words

router = APIRouter(tags=["oauth"])
SESSION_COOKIE = "aixplore_session"  # aixplore.web.session.COOKIE_NAME
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    return plain_page(title, body, status)


def refused_page(message: str, status: int = 400) -> HTMLResponse:
    """A refusal the member can read, with a way back into AiXplore."""
    body = (
        f"<h1>This app cannot be authorized</h1><p role='alert'>{html.escape(message)}</p>"
        "<p><a href='/'>Back to AiXplore</a></p>"
    )
    return _page("Authorization refused", body, status)


def _limit_page(exc: RateLimited | ServiceUnavailable) -> HTMLResponse:
    """The consent page's refusal when too many requests came from this address."""
    if isinstance(exc, RateLimited):
        reply = refused_page(f"Too many requests from your network: {exc.message}", 429)
        reply.headers.update(exc.headers)
        return reply
    reply = refused_page(exc.message, 503)
    reply.headers["Retry-After"] = "5"
    return reply


def _csrf(session_raw: str, request: flow.AuthorizeRequest) -> str:
    key = hashlib.sha256(("oauth-consent:" + get_settings().secret_key).encode()).digest()
    message = "\n".join([session_raw, *request.params.values()]).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _consent(request: flow.AuthorizeRequest, session_raw: str, who: str) -> HTMLResponse:
    hidden = "".join(
        f"<input type='hidden' name='{k}' value='{html.escape(v, quote=True)}'>"
        for k, v in request.params.items()
    )
    hidden += f"<input type='hidden' name='csrf' value='{_csrf(session_raw, request)}'>"
    logo = (
        f"<img src='{html.escape(request.logo_url, quote=True)}' alt='' width='48' height='48'>"
        if request.logo_url
        else ""
    )
    items = "".join(f"<li>{html.escape(scope_in_words(s))}</li>" for s in request.scopes)
    name = html.escape(request.app_name)
    body = (
        f"{logo}<h1>Authorize {name}</h1>"
        f"<p>{name} wants to act for you (<strong>{html.escape(who)}</strong>) on AiXplore. "
        f"It will be able to:</p><ul>{items}</ul>"
        f"<p>After you authorize it you go back to "
        f"<strong>{html.escape(request.redirect_uri)}</strong>. You can revoke it any time "
        "under Settings → Authorized apps.</p>"
        f"<form method='post' action='/api/oauth/authorize'>{hidden}"
        "<p><button type='submit' class='primary' name='decision' value='allow'>Authorize</button> "
        "<button type='submit' name='decision' value='deny'>Cancel</button></p></form>"
    )
    return _page(f"Authorize {request.app_name}", body)


def _ip(request: Request) -> str:
    return request.client.host if request.client else ""


@router.get("/api/oauth/authorize", include_in_schema=False)
def authorize_page(request: Request) -> Response:
    """The consent screen (or a refusal page, or the app's redirect with an error)."""
    try:
        count_consent(request)
    except (RateLimited, ServiceUnavailable) as exc:
        return _limit_page(exc)
    params = dict(request.query_params)
    session_raw = request.cookies.get(SESSION_COOKIE, "")
    actor = authenticate(session_raw)
    try:
        with read_scope() as db:
            checked = flow.check_authorize(db, params)
            if actor is not None:
                flow.require_apps_allowed(db, actor)
    except flow.RedirectError as exc:
        return RedirectResponse(exc.location(), status_code=303, headers=_NO_STORE)
    except DomainError as exc:
        return refused_page(exc.message, 403 if exc.code == "forbidden" else 400)
    if actor is None:
        back = f"/api/oauth/authorize?{urlencode(checked.params)}"
        body = (
            f"<h1>Sign in to authorize {html.escape(checked.app_name)}</h1>"
            f"<p><a href='/login?{urlencode({'next': back})}'>Sign in to AiXplore</a>, "
            "then come back to this page.</p>"
        )
        return _page("Sign in", body, 401)
    return _consent(checked, session_raw, actor.email)


@router.post("/api/oauth/authorize", include_in_schema=False)
async def authorize_decision(request: Request) -> Response:
    """Authorize (a code back to the app) or cancel (``access_denied`` back to the app)."""
    try:
        await count_oauth(request, "authorize")
    except (RateLimited, ServiceUnavailable) as exc:
        return _limit_page(exc)
    if not same_origin(request):
        return refused_page("This form must be sent from AiXplore itself.", 403)
    form = await request.form()
    params = {k: v for k, v in form.items() if isinstance(v, str) and k in flow._PARAMS}
    session_raw = request.cookies.get(SESSION_COOKIE, "")
    actor = authenticate(session_raw)
    ip = _ip(request)

    def work() -> str:
        with session_scope() as db:
            checked = flow.check_authorize(db, params)
            csrf = form.get("csrf")
            expected = _csrf(session_raw, checked)
            if (
                actor is None
                or not isinstance(csrf, str)
                or not hmac.compare_digest(csrf, expected)
            ):
                raise flow.AuthorizeRefused("This consent form expired. Start again from the app.")
            if form.get("decision") != "allow":
                return flow.deny_location(db, params)
            return flow.do_approve(db, actor, params, ip=ip)

    try:
        location = await run_in_threadpool(work)
    except flow.RedirectError as exc:
        location = exc.location()
    except DomainError as exc:
        return refused_page(exc.message, 403 if exc.code == "forbidden" else 400)
    return RedirectResponse(location, status_code=303, headers=_NO_STORE)


def _credentials(request: Request, form: dict[str, str]) -> grants.ClientCredentials:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise InvalidClientError(description="Malformed Basic credentials.") from exc
        client_id, sep, secret = decoded.partition(":")
        if not sep:
            raise InvalidClientError(description="Malformed Basic credentials.")
        return grants.ClientCredentials(unquote(client_id), unquote(secret))
    return grants.ClientCredentials(form.get("client_id", ""), form.get("client_secret") or None)


def _oauth_error(exc: OAuth2Error) -> JSONResponse:
    body = {"error": exc.error, "error_description": exc.description or ""}
    headers = dict(_NO_STORE)
    status = exc.status_code
    if isinstance(exc, InvalidClientError):
        # RFC 6749 5.2: 401 with a challenge, whichever way the client authenticated.
        headers["WWW-Authenticate"] = 'Basic realm="AiXplore"'
        status = 401
    return JSONResponse(body, status_code=status, headers=headers)


def _limit_error(exc: RateLimited | ServiceUnavailable) -> JSONResponse:
    """429 (or 503 when the limiter is unreachable) as an RFC 6749 error body."""
    body = {"error": "temporarily_unavailable", "error_description": exc.message}
    headers = dict(_NO_STORE)
    if isinstance(exc, RateLimited):
        headers.update(exc.headers)
        return JSONResponse(body, status_code=429, headers=headers)
    headers["Retry-After"] = "5"
    return JSONResponse(body, status_code=503, headers=headers)


def _client_id_of(request: Request, form: dict[str, str]) -> str:
    """The client id as presented, for counting only (malformed credentials count as "")."""
    try:
        return _credentials(request, form).client_id
    except InvalidClientError:
        return ""


async def _client_call(request: Request, endpoint: str, action: Any) -> JSONResponse:
    """Run a client-authenticated endpoint; commit even when it refuses (revocations stick)."""
    raw_form = await request.form()
    form = {k: v for k, v in raw_form.items() if isinstance(v, str) and len(v) <= 4096}
    try:
        await count_oauth(request, endpoint, _client_id_of(request, form))
    except (RateLimited, ServiceUnavailable) as exc:
        return _limit_error(exc)
    ip = _ip(request)

    def work() -> tuple[int, dict[str, Any]]:
        with session_scope() as db:
            try:
                return 200, action(db, _credentials(request, form), form, ip)
            except OAuth2Error as exc:
                return -1, {"exc": exc}

    status, body = await run_in_threadpool(work)
    if status < 0:
        return _oauth_error(body["exc"])
    return JSONResponse(body, headers=_NO_STORE)


@router.post("/api/oauth/token", include_in_schema=False)
async def token(request: Request) -> JSONResponse:
    """Exchange a code (with its PKCE verifier) or a refresh token for tokens."""
    return await _client_call(
        request, "token", lambda db, creds, form, ip: grants.do_token(db, creds, form, ip=ip)
    )


@router.post("/api/oauth/revoke", include_in_schema=False)
async def revoke(request: Request) -> JSONResponse:
    """RFC 7009: revoke a token's authorization (and all its tokens)."""

    def action(db: Any, creds: Any, form: dict[str, str], ip: str) -> dict[str, Any]:
        grants.do_revoke_token(db, creds, form.get("token", ""), ip=ip)
        return {}

    return await _client_call(request, "revoke", action)


@router.post("/api/oauth/introspect", include_in_schema=False)
async def introspect(request: Request) -> JSONResponse:
    """RFC 7662: whether a token of the calling app is active, and what it grants."""
    return await _client_call(
        request,
        "introspect",
        lambda db, creds, form, _ip: grants.introspect(db, creds, form.get("token", "")),
    )


@router.get("/.well-known/jwks.json", include_in_schema=False)
def jwks() -> JSONResponse:
    """The public keys that sign access tokens (current and previous)."""
    with session_scope() as db:
        keys = tokens.jwks(db)
        if not keys["keys"]:
            tokens.do_rotate_signing_key(db)
            keys = tokens.jwks(db)
    return JSONResponse(keys, headers={"Cache-Control": "public, max-age=300"})


@router.get("/.well-known/oauth-authorization-server", include_in_schema=False)
def metadata() -> JSONResponse:
    """RFC 8414 authorization server metadata."""
    base = tokens.issuer()
    return JSONResponse(
        {
            "issuer": base,
            "authorization_endpoint": f"{base}/api/oauth/authorize",
            "token_endpoint": f"{base}/api/oauth/token",
            "revocation_endpoint": f"{base}/api/oauth/revoke",
            "introspection_endpoint": f"{base}/api/oauth/introspect",
            "jwks_uri": f"{base}/.well-known/jwks.json",
            "scopes_supported": list(OAUTH_SCOPES),
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": [
                "client_secret_basic",
                "client_secret_post",
                "none",
            ],
            "revocation_endpoint_auth_methods_supported": ["client_secret_basic", "none"],
            "introspection_endpoint_auth_methods_supported": ["client_secret_basic", "none"],
        }
    )
