"""Single sign-on endpoints: start, OIDC callback, SAML ACS, SP metadata and logout.

A finished sign-in sets the site's ``aixplore_session`` cookie and redirects into the app;
a refused one answers a small page that says why (and is logged and shown on the org's SSO
health panel). These are browser navigations, so answers are HTML or redirects, not JSON.
"""

from __future__ import annotations

import html
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from aixplore.core.db import read_scope, session_scope
from aixplore.core.errors import DomainError
from aixplore.core.settings import get_settings
from aixplore.domain.accounts import services as accounts
from aixplore.domain.accounts.actor_cache import authenticate
from aixplore.domain.orgs import domains, oidc, saml, sso
from aixplore.domain.orgs.models import OrgRole
from aixplore.domain.orgs.services import require_org_role
from aixplore.domain.orgs.sso_models import SsoProtocol

router = APIRouter(prefix="/api/sso", tags=["sso"])

SESSION_COOKIE = "aixplore_session"  # aixplore.web.session.COOKIE_NAME
STATE_COOKIE = "aixplore_sso_state"
ConnId = Annotated[int, Path(ge=1, lt=2**31)]


def _client(request: Request) -> tuple[str, str]:
    ip = request.client.host if request.client else ""
    return ip, request.headers.get("user-agent", "")


def error_page(message: str, status: int = 400) -> HTMLResponse:
    """A plain page with a refusal the user can read, and a way back."""
    body = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        "<title>Sign-in failed · AiXplore</title></head><body style='font-family:sans-serif;"
        "max-width:36rem;margin:4rem auto;padding:0 1rem'><h1>Sign-in failed</h1>"
        f"<p role='alert'>{html.escape(message)}</p><p><a href='/sign-in'>Back to sign-in</a>"
        "</p></body></html>"
    )
    return HTMLResponse(body, status_code=status, headers={"Cache-Control": "no-store"})


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
    return response


def _check_test_allowed(request: Request, org_id: int) -> None:
    """A test round trip is for the organization's admins only."""
    actor = authenticate(request.cookies.get(SESSION_COOKIE, ""))
    with session_scope() as db:
        require_org_role(db, actor, org_id, OrgRole.ADMIN, "sso_test")


@router.get("/oidc/{conn_id}/start", include_in_schema=False)
def oidc_start(
    request: Request,
    conn_id: ConnId,
    return_to: Annotated[str, Query(max_length=300)] = "/",
    test: Annotated[bool, Query()] = False,
) -> Response:
    """Send the browser to the organization's OpenID Provider."""
    try:
        with session_scope() as db:
            conn = sso.get_connection(db, conn_id, SsoProtocol.OIDC)
            org_id = conn.org_id
        if test:
            _check_test_allowed(request, org_id)
        with session_scope() as db:
            conn = sso.get_connection(db, conn_id, SsoProtocol.OIDC)
            url, state = oidc.start(db, conn, return_to=return_to, test_only=test)
    except sso.SsoRefused as exc:
        sso.record_failure(exc)
        return error_page(exc.message)
    except DomainError as exc:
        return error_page(exc.message, 404 if exc.code == "not_found" else 403)
    response = RedirectResponse(url, status_code=303)
    response.set_cookie(
        STATE_COOKIE,
        state,
        max_age=get_settings().sso_login_minutes * 60,
        path="/api/sso",
        samesite="lax",
        httponly=True,
        secure=get_settings().base_url.startswith("https://"),
    )
    return response


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
            raw = oidc.finish(db, conn, login, params, ip=ip, user_agent=user_agent)
            org_id = conn.org_id
    except sso.SsoRefused as exc:
        sso.record_failure(exc)
        return error_page(exc.message)
    except DomainError as exc:
        return error_page(exc.message, 404 if exc.code == "not_found" else 400)
    return signed_in(raw, login.return_to, org_id if login.test_only else None)


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
    try:
        with session_scope() as db:
            org_id = sso.get_connection(db, conn_id, SsoProtocol.SAML).org_id
        if test:
            _check_test_allowed(request, org_id)
        with session_scope() as db:
            conn = sso.get_connection(db, conn_id, SsoProtocol.SAML)
            url = saml.start(db, conn, return_to=return_to, test_only=test)
    except sso.SsoRefused as exc:
        sso.record_failure(exc)
        return error_page(exc.message)
    except DomainError as exc:
        return error_page(exc.message, 404 if exc.code == "not_found" else 403)
    return RedirectResponse(url, status_code=303)


@router.post("/saml/{conn_id}/acs", include_in_schema=False)
async def saml_acs(request: Request, conn_id: ConnId) -> Response:
    """The IdP posts its signed response here."""
    body = await request.body()
    if len(body) > saml.MAX_RESPONSE_BYTES * 2:
        return error_page("The SAML response is too large.", 413)
    form = await request.form()
    post = {k: v for k, v in form.items() if isinstance(v, str)}
    ip, user_agent = _client(request)
    from starlette.concurrency import run_in_threadpool

    def work() -> tuple[str | None, str, bool, int]:
        with session_scope() as db:
            conn = sso.get_connection(db, conn_id, SsoProtocol.SAML)
            raw, return_to, test_only = saml.acs(db, conn, post, ip=ip, user_agent=user_agent)
            return raw, return_to, test_only, conn.org_id

    try:
        raw, return_to, test_only, org_id = await run_in_threadpool(work)
    except sso.SsoRefused as exc:
        await run_in_threadpool(sso.record_failure, exc)
        return error_page(exc.message)
    except DomainError as exc:
        return error_page(exc.message, 404 if exc.code == "not_found" else 400)
    return signed_in(raw, return_to, org_id if test_only else None)


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
