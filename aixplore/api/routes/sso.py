"""Single sign-on endpoints: start, OIDC callback, SAML ACS, SP metadata and logout.

A finished sign-in sets the site's ``aixplore_session`` cookie and redirects into the app;
a refused one answers a small page that says why (and is logged and shown on the org's SSO
health panel). These are browser navigations, so answers are HTML or redirects, not JSON.

SAML sign-ins are bound to the browser that started them: ``/start`` sets an HttpOnly
``aixplore_sso_saml`` cookie (SameSite=Lax), the ACS (a cross-site POST that carries no such
cookie) keeps the verified identity under a one-time key and answers a 303 to ``/finish``,
a same-site top-level GET that does carry it; only there is the session opened. A response
obtained in one browser and posted from another ends at a page saying so (login CSRF). An
IdP-initiated sign-in (allowed per connection) has no browser to bind to; it still obeys
every other rule (whom the IdP may sign in, replay, audience, enforce SSO).

An identity the IdP may not sign in by itself (an address outside the org's verified
domains that no one linked) goes to ``/api/sso/link`` (``sso_link.py``).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from aixplore.api.plain_page import plain_page
from aixplore.core.db import read_scope, session_scope
from aixplore.core.errors import DomainError
from aixplore.core.settings import get_settings
from aixplore.domain.accounts import services as accounts
from aixplore.domain.accounts.actor_cache import authenticate
from aixplore.domain.orgs import domains, oidc, saml, sso
from aixplore.domain.orgs.models import OrgRole
from aixplore.domain.orgs.services import require_org_role
from aixplore.domain.orgs.sso_models import SsoProtocol
from aixplore.domain.orgs.sso_sign_in import Identity, Outcome, sign_in_identity

router = APIRouter(prefix="/api/sso", tags=["sso"])

SESSION_COOKIE = "aixplore_session"  # aixplore.web.session.COOKIE_NAME
STATE_COOKIE = "aixplore_sso_state"
SAML_BROWSER_COOKIE = "aixplore_sso_saml"
LINK_COOKIE = "aixplore_sso_link"
ConnId = Annotated[int, Path(ge=1, lt=2**31)]


def _client(request: Request) -> tuple[str, str]:
    ip = request.client.host if request.client else ""
    return ip, request.headers.get("user-agent", "")


def error_page(message: str, status: int = 400) -> HTMLResponse:
    """A plain page with a refusal the user can read, and a way back."""
    body = (
        f"<h1>Sign-in failed</h1><p role='alert'>{html.escape(message)}</p>"
        "<p><a href='/login'>Back to sign-in</a></p>"
    )
    return plain_page("Sign-in failed", body, status)


def set_flow_cookie(response: Response, name: str, value: str) -> None:
    """A short-lived HttpOnly cookie that binds a sign-in step to this browser."""
    response.set_cookie(
        name,
        value,
        max_age=get_settings().sso_login_minutes * 60,
        path="/api/sso",
        samesite="lax",
        httponly=True,
        secure=get_settings().base_url.startswith("https://"),
    )


def answer(outcome: Outcome, return_to: str, test_org: int | None) -> Response:
    """Where a finished IdP round trip goes: into the app, or to the link confirmation."""
    if outcome.link_secret is not None:
        response = RedirectResponse("/api/sso/link", status_code=303)
        set_flow_cookie(response, LINK_COOKIE, outcome.link_secret)
        response.delete_cookie(STATE_COOKIE, path="/api/sso")
        response.delete_cookie(SAML_BROWSER_COOKIE, path="/api/sso")
        return response
    return signed_in(outcome.token, return_to, test_org)


def signed_in(raw: str | None, return_to: str, test_org: int | None) -> Response:
    """Redirect into the app, setting the session cookie (none for a test round trip)."""
    target = f"/orgs/{test_org}/sso?test=ok" if test_org is not None else return_to
    response = RedirectResponse(target, status_code=303)
    if raw is not None:
        settings = get_settings()
        response.set_cookie(
            SESSION_COOKIE,
            raw,
            max_age=settings.session_days * 24 * 3600,
            path="/",
            samesite="lax",
            secure=settings.base_url.startswith("https://"),
            httponly=False,  # the Reflex front end reads it and sends it over the socket
        )
    response.delete_cookie(STATE_COOKIE, path="/api/sso")
    response.delete_cookie(SAML_BROWSER_COOKIE, path="/api/sso")
    return response


def _check_test_allowed(request: Request, org_id: int) -> None:
    """A test round trip is for the organization's admins only."""
    actor = authenticate(request.cookies.get(SESSION_COOKIE, ""))
    with session_scope() as db:
        require_org_role(db, actor, org_id, OrgRole.ADMIN, "sso_test")


def _start(
    request: Request,
    conn_id: int,
    protocol: SsoProtocol,
    begin: Callable[..., tuple[str, str]],
    cookie: str,
    return_to: str,
    test: bool,
) -> Response:
    """Send the browser to the connection's IdP: ``begin`` gives the address and the value of
    ``cookie``, which binds the flow to this browser. A test round trip: its admins only."""
    try:
        with session_scope() as db:
            org_id = sso.get_connection(db, conn_id, protocol).org_id
        if test:
            _check_test_allowed(request, org_id)
        with session_scope() as db:
            conn = sso.get_connection(db, conn_id, protocol)
            url, value = begin(db, conn, return_to=return_to, test_only=test)
    except sso.SsoRefused as exc:
        sso.record_failure(exc)
        return error_page(exc.message)
    except DomainError as exc:
        return error_page(exc.message, 404 if exc.code == "not_found" else 403)
    response = RedirectResponse(url, status_code=303)
    set_flow_cookie(response, cookie, value)
    return response


@router.get("/oidc/{conn_id}/start", include_in_schema=False)
def oidc_start(
    request: Request,
    conn_id: ConnId,
    return_to: Annotated[str, Query(max_length=300)] = "/",
    test: Annotated[bool, Query()] = False,
) -> Response:
    """Send the browser to the organization's OpenID Provider."""
    return _start(request, conn_id, SsoProtocol.OIDC, oidc.start, STATE_COOKIE, return_to, test)


@router.get("/oidc/callback", include_in_schema=False)
def oidc_callback(request: Request) -> Response:
    """The provider's redirect back: check state, exchange the code, sign in."""
    params = {k: v for k, v in request.query_params.items() if len(v) <= 4000}
    ip, user_agent = _client(request)
    try:
        with session_scope() as db:
            conn, login = oidc.check_state(
                db, params, state_cookie=request.cookies.get(STATE_COOKIE, "")
            )
            conn_id = conn.id
        with session_scope() as db:
            conn = sso.get_connection(db, conn_id, SsoProtocol.OIDC)
            outcome = oidc.finish(db, conn, login, params, ip=ip, user_agent=user_agent)
            org_id = conn.org_id
    except sso.SsoRefused as exc:
        sso.record_failure(exc)
        return error_page(exc.message)
    except DomainError as exc:
        return error_page(exc.message, 404 if exc.code == "not_found" else 400)
    return answer(outcome, login.return_to, org_id if login.test_only else None)


@router.get("/saml/{conn_id}/metadata", include_in_schema=False)
def saml_metadata(conn_id: ConnId) -> Response:
    """This connection's SP metadata, for the IdP's administrators."""
    try:
        with session_scope() as db:
            conn = sso.get_connection(db, conn_id, SsoProtocol.SAML, enabled_only=False)
            xml = saml.sp_metadata(conn)
    except DomainError as exc:
        return error_page(exc.message, 404)
    return Response(xml, media_type="application/samlmetadata+xml")


@router.get("/saml/{conn_id}/start", include_in_schema=False)
def saml_start(
    request: Request,
    conn_id: ConnId,
    return_to: Annotated[str, Query(max_length=300)] = "/",
    test: Annotated[bool, Query()] = False,
) -> Response:
    """Send the browser to the organization's SAML IdP with an AuthnRequest."""
    return _start(
        request, conn_id, SsoProtocol.SAML, saml.start, SAML_BROWSER_COOKIE, return_to, test
    )


@router.post("/saml/{conn_id}/acs", include_in_schema=False)
async def saml_acs(request: Request, conn_id: ConnId) -> Response:
    """The IdP posts its signed response here; the browser then finishes at ``/finish``."""
    body = await request.body()
    if len(body) > saml.MAX_RESPONSE_BYTES * 2:
        return error_page("The SAML response is too large.", 413)
    form = await request.form()
    post = {k: v for k, v in form.items() if isinstance(v, str)}
    from starlette.concurrency import run_in_threadpool

    def work() -> str:
        with session_scope() as db:
            conn = sso.get_connection(db, conn_id, SsoProtocol.SAML)
            return saml.acs(db, conn, post)

    try:
        key = await run_in_threadpool(work)
    except sso.SsoRefused as exc:
        await run_in_threadpool(sso.record_failure, exc)
        return error_page(exc.message)
    except DomainError as exc:
        return error_page(exc.message, 404 if exc.code == "not_found" else 400)
    return RedirectResponse(f"/api/sso/saml/{conn_id}/finish?{urlencode({'k': key})}", 303)


@router.get("/saml/{conn_id}/finish", include_in_schema=False)
def saml_finish(
    request: Request, conn_id: ConnId, k: Annotated[str, Query(max_length=100)] = ""
) -> Response:
    """Open the session, in the browser that started the sign-in (its cookie says so)."""
    ip, user_agent = _client(request)
    browser = request.cookies.get(SAML_BROWSER_COOKIE, "")
    try:
        with session_scope() as db:
            login, claims = sso.take_parked(db, conn_id, k, browser)
            conn = sso.get_connection(db, conn_id, SsoProtocol.SAML)
            identity = Identity(
                issuer=str(claims.get("issuer", "")),
                subject=str(claims.get("subject", "")),
                email=claims.get("email"),
                name=claims.get("name"),
                groups=claims.get("groups"),
            )
            try:
                outcome = sign_in_identity(
                    db,
                    conn,
                    identity,
                    return_to=login.return_to,
                    ip=ip,
                    user_agent=user_agent,
                    test_only=login.test_only,
                )
            except sso.SsoRefused as exc:
                exc.test_only = login.test_only
                raise
            return_to, test_org = login.return_to, conn.org_id if login.test_only else None
    except sso.SsoRefused as exc:
        sso.record_failure(exc)
        return error_page(exc.message)
    except DomainError as exc:
        return error_page(exc.message, 404 if exc.code == "not_found" else 400)
    return answer(outcome, return_to, test_org)


@router.get("/discover", include_in_schema=False)
def discover(email: Annotated[str, Query(max_length=254)] = "") -> JSONResponse:
    """Home-realm discovery for the email-first sign-in: where this address signs in."""
    with read_scope() as db:
        start = domains.home_realm(db, email)
    return JSONResponse(
        {"sso": start is not None, "start_url": start or ""}, headers={"Cache-Control": "no-store"}
    )


@router.get("/saml/{conn_id}/logout", include_in_schema=False)
def saml_logout(request: Request, conn_id: ConnId) -> Response:
    """Sign out here, then at the IdP where it offers single logout."""
    raw = request.cookies.get(SESSION_COOKIE, "")
    actor = authenticate(raw)
    target: str | None = None
    try:
        with session_scope() as db:
            accounts.do_sign_out(db, raw)
            conn = sso.get_connection(db, conn_id, SsoProtocol.SAML)
            if actor is not None:
                target = saml.start_logout(db, conn, actor.email)
    except DomainError:
        target = None
    response = RedirectResponse(target or "/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/saml/{conn_id}/sls", include_in_schema=False)
def saml_sls(request: Request, conn_id: ConnId) -> Response:
    """Single logout: the IdP's response to ours, or its own (signed) logout request."""
    get = {k: v for k, v in request.query_params.items() if len(v) <= 20_000}
    try:
        with session_scope() as db:
            conn = sso.get_connection(db, conn_id, SsoProtocol.SAML)
            target, email = saml.handle_sls(db, conn, get)
            if email:
                sso.end_saml_sessions(db, conn, email)
    except sso.SsoRefused as exc:
        sso.record_failure(exc)
        return error_page(exc.message)
    except DomainError as exc:
        return error_page(exc.message, 404)
    return RedirectResponse(sso.safe_return_to(target) if target.startswith("/") else target, 303)
