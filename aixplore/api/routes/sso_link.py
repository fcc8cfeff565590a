"""Linking an IdP identity to an AiXplore account: the confirmation page and its form.

After an organization's IdP named an account it may not sign in by itself, the browser comes
here with an HttpOnly cookie holding the pending link's secret. The page asks for that
account's AiXplore password; a correct one creates the link (audited, mailed to the user)
and opens a session through the organization's connection. The form posts to this same
origin: the SameSite=Lax cookie is not sent by a cross-site form, so another site cannot
confirm a link in a visitor's browser, and the Origin header is checked too.
"""

from __future__ import annotations

import html
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from aixplore.api.routes.sso import LINK_COOKIE, error_page, signed_in
from aixplore.core.db import read_scope, session_scope
from aixplore.core.errors import DomainError
from aixplore.core.settings import get_settings
from aixplore.domain.orgs import sso_links
from aixplore.domain.orgs.models import Organization
from aixplore.domain.orgs.sso_models import SsoConnection
from aixplore.domain.orgs.sso_sign_in import do_confirm_link

router = APIRouter(prefix="/api/sso", tags=["sso"])

EXPIRED = "This link request expired or was already used. Sign in through your organization again."


def _page(org_name: str, email: str, error: str = "", status: int = 200) -> HTMLResponse:
    org, address = html.escape(org_name), html.escape(email)
    alert = f"<p role='alert' style='color:#b00020'>{html.escape(error)}</p>" if error else ""
    body = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        "<title>Link your account · AiXplore</title></head><body style='font-family:sans-serif;"
        "max-width:36rem;margin:4rem auto;padding:0 1rem'><main>"
        "<h1>Sign in with your AiXplore password to link this identity</h1>"
        f"<p>{org}'s identity provider says you are <strong>{address}</strong>. {org} may "
        "sign in only the addresses of its verified domains by itself, so this AiXplore "
        f"account is linked to {org}'s sign-in only if you confirm it with the account's "
        f"password. From then on, {org}'s sign-in opens this account.</p>{alert}"
        "<form method='post' action='/api/sso/link'>"
        "<p><label for='password'>AiXplore password</label><br>"
        "<input id='password' name='password' type='password' autocomplete='current-password'"
        " required maxlength='256'></p>"
        "<p><button type='submit'>Link and sign in</button></p></form>"
        f"<p>If this is not your account, or you did not expect {org}'s sign-in here, do not "
        "enter a password. <a href='/login'>Back to sign-in</a></p></main></body></html>"
    )
    return HTMLResponse(body, status_code=status, headers={"Cache-Control": "no-store"})


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin is None
    mine = urlsplit(get_settings().base_url)
    theirs = urlsplit(origin)
    return (theirs.scheme, theirs.netloc) == (mine.scheme, mine.netloc)


def _pending_view(secret: str) -> tuple[str, str] | None:
    with read_scope() as db:
        pending = sso_links.get_pending_link(db, secret)
        if pending is None:
            return None
        conn = db.get(SsoConnection, pending.connection_id)
        org = db.get(Organization, conn.org_id) if conn else None
        return (org.name if org else "Your organization"), pending.email


@router.get("/link", include_in_schema=False)
def link_page(request: Request) -> Response:
    """Ask for the password of the account the IdP named."""
    view = _pending_view(request.cookies.get(LINK_COOKIE, ""))
    if view is None:
        return error_page(EXPIRED)
    return _page(*view)


@router.post("/link", include_in_schema=False)
async def confirm_link(request: Request) -> Response:
    """Check the password; link the identity and sign in."""
    if not _same_origin(request):
        return error_page("This form must be sent from AiXplore itself.", 403)
    secret = request.cookies.get(LINK_COOKIE, "")
    form = await request.form()
    password = form.get("password")
    ip = request.client.host if request.client else ""
    user_agent = request.headers.get("user-agent", "")
    from starlette.concurrency import run_in_threadpool

    view = await run_in_threadpool(_pending_view, secret)
    if view is None:
        return error_page(EXPIRED)

    def work() -> tuple[str, str]:
        with session_scope() as db:
            return do_confirm_link(db, secret, password, ip=ip, user_agent=user_agent)

    try:
        raw, return_to = await run_in_threadpool(work)
    except DomainError as exc:
        status = 429 if exc.code == "throttled" else 400
        return _page(*view, error=exc.message, status=status)
    response = signed_in(raw, return_to, None)
    response.delete_cookie(LINK_COOKIE, path="/api/sso")
    return response
