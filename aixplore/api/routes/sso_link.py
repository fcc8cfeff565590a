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
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from aixplore.api.plain_page import plain_page
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


def password_page(
    heading: str, intro: str, action: str, button: str, error: str = "", status: int = 200
) -> HTMLResponse:
    """A page asking for the account's password to confirm a link (``intro`` is escaped HTML)."""
    alert = f"<p role='alert'>{html.escape(error)}</p>" if error else ""
    body = (
        f"<h1>{html.escape(heading)}</h1>{intro}{alert}"
        f"<form method='post' action='{html.escape(action)}'>"
        "<p><label for='password'>AiXplore password</label><br>"
        "<input id='password' name='password' type='password' autocomplete='current-password'"
        " required maxlength='256'></p><p><button type='submit' class='primary'>"
        f"{html.escape(button)}</button></p></form>"
    )
    return plain_page("Link your account", body, status)


def _page(org_name: str, email: str, error: str = "", status: int = 200) -> HTMLResponse:
    org, address = html.escape(org_name), html.escape(email)
    intro = (
        f"<p>{org}'s identity provider says you are <strong>{address}</strong>. {org} may "
        "sign in only the addresses of its verified domains by itself, so this AiXplore "
        f"account is linked to {org}'s sign-in only if you confirm it with the account's "
        f"password. From then on, {org}'s sign-in opens this account.</p>"
        f"<p>If this is not your account, or you did not expect {org}'s sign-in here, do not "
        "enter a password. <a href='/login'>Back to sign-in</a></p>"
    )
    return password_page(
        "Sign in with your AiXplore password to link this identity",
        intro,
        "/api/sso/link",
        "Link and sign in",
        error,
        status,
    )


def same_origin(request: Request) -> bool:
    """Whether a form post comes from this site (no Origin header: an older browser)."""
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


@dataclass(frozen=True)
class PendingLinkForm:
    """What a link confirmation page is made of: its cookie, how to read the pending link
    for the page (None: expired), how to draw the page, and the service that confirms."""

    cookie: str
    cookie_path: str
    expired: str
    view: Callable[[str], tuple[str, str] | None]
    page: Callable[..., HTMLResponse | Response]
    confirm: Callable[..., tuple[str, str]]


async def confirm_with_password(request: Request, form_of: PendingLinkForm) -> Response:
    """The confirmation form's POST: same origin, the pending link still there, the account's
    password checked by the service; then a session and into the app."""
    if not same_origin(request):
        return error_page("This form must be sent from AiXplore itself.", 403)
    secret = request.cookies.get(form_of.cookie, "")
    form = await request.form()
    password = form.get("password")
    ip = request.client.host if request.client else ""
    user_agent = request.headers.get("user-agent", "")[:300]
    view = await run_in_threadpool(form_of.view, secret)
    if view is None:
        return error_page(form_of.expired)

    def work() -> tuple[str, str]:
        with session_scope() as db:
            return form_of.confirm(db, secret, password, ip=ip, user_agent=user_agent)

    try:
        raw, return_to = await run_in_threadpool(work)
    except DomainError as exc:
        status = 429 if exc.code == "throttled" else 400
        return form_of.page(*view, error=exc.message, status=status)
    response = signed_in(raw, return_to, None)
    response.delete_cookie(form_of.cookie, path=form_of.cookie_path)
    return response


SSO_LINK_FORM = PendingLinkForm(
    LINK_COOKIE, "/api/sso", EXPIRED, _pending_view, _page, do_confirm_link
)


@router.post("/link", include_in_schema=False)
async def confirm_link(request: Request) -> Response:
    """Check the password; link the identity and sign in."""
    return await confirm_with_password(request, SSO_LINK_FORM)
