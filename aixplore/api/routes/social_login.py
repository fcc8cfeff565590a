"""Members' "Continue with Google/GitHub": start, the provider's callback, and the page that
confirms a link with the account's password.

Browser navigations, so every answer is a redirect or a small page: into the app signed in,
to the confirmation page, or back to the sign-in page (or "Sign-in methods" for a link) with
``auth_error=<code>&provider=<name>`` (a key of ``social.flows.OUTCOMES``, shown there).
Nothing a provider or the URL says is shown back, and nothing here answers a trace.
"""

from __future__ import annotations

import html
import logging
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from aixplore.api.routes.sso import error_page, signed_in
from aixplore.api.routes.sso_link import PendingLinkForm, confirm_with_password, password_page
from aixplore.core.db import read_scope, session_scope
from aixplore.core.errors import DomainError, ServiceUnavailable
from aixplore.core.settings import get_settings
from aixplore.domain.accounts.actor_cache import authenticate
from aixplore.domain.accounts.models import Actor
from aixplore.domain.social_login import flows, google, methods, sign_in
from aixplore.domain.social_login.models import ProviderIdentity, SocialProvider, SocialPurpose
from aixplore.integrations import github_oauth as github

router = APIRouter(prefix="/api/auth", tags=["auth"])
log = logging.getLogger(__name__)

SESSION_COOKIE = "aixplore_session"  # aixplore.web.session.COOKIE_NAME
BROWSER_COOKIE = "aixplore_social"
PENDING_COOKIE = "aixplore_social_link"
COOKIE_PATH = "/api/auth"
SETTINGS_PAGE = "/settings/sign-in"


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


def back(reason: str, provider: SocialProvider, *, to: str = "/login") -> RedirectResponse:
    """A 303 to the sign-in page (or settings) saying why the round trip ended."""
    query = urlencode({"auth_error": reason, "provider": provider.value})
    response = RedirectResponse(f"{to}?{query}", status_code=303)
    response.delete_cookie(BROWSER_COOKIE, path=COOKIE_PATH)
    return _no_store(response)  # type: ignore[return-value]


def _set_cookie(response: Response, name: str, value: str) -> None:
    response.set_cookie(
        name,
        value,
        max_age=get_settings().sso_login_minutes * 60,
        path=COOKIE_PATH,
        samesite="lax",  # sent on the provider's top-level redirect back
        httponly=True,
        secure=get_settings().base_url.startswith("https://"),
    )


def _client(request: Request) -> tuple[str, str]:
    ip = request.client.host if request.client else ""
    return ip, request.headers.get("user-agent", "")[:300]


def _param(request: Request, name: str, limit: int = 300) -> str:
    value = request.query_params.get(name, "")
    return value if len(value) <= limit else ""


def _actor(request: Request) -> Actor | None:
    return authenticate(request.cookies.get(SESSION_COOKIE, ""))


def _authorize_url(provider: SocialProvider, started: flows.StartedLogin) -> str:
    if provider is SocialProvider.GOOGLE:
        return google.authorize_url(started)
    return github.authorize_url(started.state, started.verifier, github.signin_app())


@router.get("/{provider}/start", include_in_schema=False)
def start(
    request: Request,
    provider: str,
    state: Annotated[str, Query(max_length=200)] = "",
    next: Annotated[str, Query(max_length=300)] = "/",
) -> Response:
    """Bind a round trip to this browser (an HttpOnly cookie) and go to the provider.

    Without ``state``: a sign-in. With one: a link the signed-in owner started in settings.
    """
    found = flows.parse_provider(provider)
    if found is None:
        return error_page("No such sign-in provider.", 404)
    to = SETTINGS_PAGE if state else "/login"
    try:
        flows.require_offered(found.value)
        with session_scope() as db:
            if state:
                started = flows.do_bind_browser(db, _actor(request), found, state)
            else:
                started = flows.do_start_sign_in(db, found, next)
        url = _authorize_url(found, started)
    except flows.SocialSignInFailed as exc:
        return back(exc.reason, found, to=to)
    except DomainError:
        return back("unavailable", found, to=to)
    response = RedirectResponse(url, status_code=303)
    _set_cookie(response, BROWSER_COOKIE, started.browser_secret)
    return _no_store(response)


def _identity(login: flows.UsedLogin, code: str) -> ProviderIdentity:
    if login.provider is SocialProvider.GOOGLE:
        return google.identity_from_code(login, code)
    try:
        token = github.exchange_code(code, login.verifier, github.signin_app())
        me = github.read_profile(token)
    except ServiceUnavailable as exc:
        raise flows.SocialSignInFailed("unavailable", SocialProvider.GITHUB) from exc
    except DomainError as exc:
        raise flows.SocialSignInFailed("refused", SocialProvider.GITHUB) from exc
    return ProviderIdentity(
        provider=SocialProvider.GITHUB,
        subject=str(me["id"]),
        email=me["email"],
        email_verified=me["email_verified"],
        name=me["name"] or me["login"],
    )


def _record_refusal(failure: flows.SocialSignInFailed, ip: str, ua: str) -> None:
    with session_scope() as db:
        flows.record_refusal(db, failure, ip=ip, user_agent=ua)


def _consume(provider: SocialProvider, state: str, browser: str) -> flows.UsedLogin:
    with session_scope() as db:
        return flows.consume(db, provider, state, browser)


def _finish(
    actor: Actor | None, login: flows.UsedLogin, identity: ProviderIdentity, ip: str, ua: str
) -> sign_in.Outcome:
    with session_scope() as db:
        if login.purpose is SocialPurpose.LINK:
            methods.do_link_identity(db, actor, login, identity, ip=ip, user_agent=ua)
            return sign_in.Outcome()
        return sign_in.sign_in_identity(
            db, identity, return_to=login.return_to, ip=ip, user_agent=ua
        )


@router.get("/{provider}/callback", include_in_schema=False)
async def callback(request: Request, provider: str) -> Response:
    """The provider's redirect back: use the state up, exchange the code, verify, sign in."""
    found = flows.parse_provider(provider)
    if found is None:
        return error_page("No such sign-in provider.", 404)
    if found.value not in get_settings().social_providers:
        return back("off", found)
    state, code, error = (_param(request, n, 2000) for n in ("state", "code", "error"))
    browser = request.cookies.get(BROWSER_COOKIE, "")
    ip, ua = _client(request)
    try:
        login = await run_in_threadpool(_consume, found, state, browser)
    except flows.SocialSignInFailed as exc:
        await run_in_threadpool(_record_refusal, exc, ip, ua)
        return back("cancelled" if error == "access_denied" else exc.reason, found)
    except DomainError:
        return back("unavailable", found)
    to = SETTINGS_PAGE if login.purpose is SocialPurpose.LINK else "/login"
    if error:
        return back("cancelled" if error == "access_denied" else "refused", found, to=to)
    if not code:
        return back("refused", found, to=to)
    try:
        identity = await run_in_threadpool(_identity, login, code)
        actor = await run_in_threadpool(_actor, request)
        outcome = await run_in_threadpool(_finish, actor, login, identity, ip, ua)
    except flows.SocialSignInFailed as exc:
        log.info("%s sign-in refused: %s", found.value, exc.reason)
        await run_in_threadpool(_record_refusal, exc, ip, ua)
        return back(exc.reason, found, to=to)
    except DomainError as exc:
        log.info("%s sign-in refused: %s", found.value, exc.message)
        return back("refused", found, to=to)
    except Exception:  # a browser lands on the sign-in page, never on a trace
        log.exception("%s sign-in failed unexpectedly", found.value)
        return back("unavailable", found, to=to)
    if login.purpose is SocialPurpose.LINK:
        query = urlencode({"linked": found.value})
        response = RedirectResponse(f"{SETTINGS_PAGE}?{query}", status_code=303)
    elif outcome.link_secret is not None:
        response = RedirectResponse(f"{COOKIE_PATH}/confirm", status_code=303)
        _set_cookie(response, PENDING_COOKIE, outcome.link_secret)
    else:
        response = signed_in(outcome.token, login.return_to, None)
    response.delete_cookie(BROWSER_COOKIE, path=COOKIE_PATH)
    return _no_store(response)


EXPIRED = sign_in.EXPIRED_LINK


def _pending_view(secret: str) -> tuple[str, str] | None:
    with read_scope() as db:
        pending = sign_in.get_pending(db, secret)
        if pending is None:
            return None
        return SocialProvider(pending.provider).label, pending.email


def _confirm_page(label: str, email: str, error: str = "", status: int = 200) -> Response:
    name, address = html.escape(label), html.escape(email)
    intro = (
        f"<p>{name} says you are <strong>{address}</strong>, and an AiXplore account already "
        f"uses this address. Accounts are never joined without their owner: enter this "
        f"account's password to link {name} to it. From then on, {name} signs you in.</p>"
        f"<p>If this is not your account, do not enter a password. "
        "<a href='/login'>Back to sign-in</a></p>"
    )
    return password_page(
        f"Link {label} to your AiXplore account",
        intro,
        f"{COOKIE_PATH}/confirm",
        "Link and sign in",
        error,
        status,
    )


@router.get("/confirm", include_in_schema=False)
def confirm_page(request: Request) -> Response:
    """Ask for the password of the account with the address the provider verified."""
    view = _pending_view(request.cookies.get(PENDING_COOKIE, ""))
    if view is None:
        return error_page(EXPIRED)
    return _confirm_page(*view)


CONFIRM_FORM = PendingLinkForm(
    PENDING_COOKIE, COOKIE_PATH, EXPIRED, _pending_view, _confirm_page, sign_in.do_confirm_pending
)


@router.post("/confirm", include_in_schema=False)
async def confirm(request: Request) -> Response:
    """Check the password; link the provider and sign in."""
    return await confirm_with_password(request, CONFIRM_FORM)
