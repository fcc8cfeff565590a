"""Connect GitHub with the OAuth app: the start redirect and GitHub's callback.

Browser navigations, so every answer is a redirect: to GitHub, or back to the order wizard
with ``github=<outcome>`` (a key of ``github_oauth.OUTCOMES``, shown by the wizard). Nothing
here answers an error page or a trace; every refusal lands in the wizard with its message.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from aixplore.core.db import session_scope
from aixplore.core.errors import DomainError, ServiceUnavailable
from aixplore.core.settings import get_settings
from aixplore.domain.accounts.actor_cache import authenticate
from aixplore.domain.accounts.models import Actor
from aixplore.domain.orders import github_account
from aixplore.domain.orders import github_oauth as logins
from aixplore.integrations import github_mcp
from aixplore.integrations import github_oauth as oauth

router = APIRouter(prefix="/api/github/oauth", tags=["github"])
log = logging.getLogger(__name__)

SESSION_COOKIE = "aixplore_session"  # aixplore.web.session.COOKIE_NAME
BROWSER_COOKIE = "aixplore_github_login"
COOKIE_PATH = "/api/github/oauth"


def back_to_wizard(outcome: str, order_id: int | None = None) -> RedirectResponse:
    """A 303 to the wizard (the draft, when known) saying how the sign-in went."""
    query: dict[str, Any] = {"id": order_id} if order_id else {}
    query["github"] = outcome
    response = RedirectResponse(f"/order?{urlencode(query)}", status_code=303)
    response.headers["Cache-Control"] = "no-store"
    response.delete_cookie(BROWSER_COOKIE, path=COOKIE_PATH)
    return response


def _param(request: Request, name: str) -> str:
    value = request.query_params.get(name, "")
    return value if len(value) <= 500 else ""


def _actor(request: Request) -> Actor | None:
    return authenticate(request.cookies.get(SESSION_COOKIE, ""))


@router.get("/start", include_in_schema=False)
def start(request: Request) -> RedirectResponse:
    """Bind the state to this browser (a short-lived HttpOnly cookie) and go to GitHub."""
    if not get_settings().github_oauth_enabled:
        return back_to_wizard("off")
    try:
        with session_scope() as db:
            secret, verifier = logins.do_bind_browser(db, _actor(request), _param(request, "state"))
    except logins.GitHubSignInFailed as exc:
        return back_to_wizard(exc.reason)
    except DomainError:
        return back_to_wizard("unavailable")
    response = RedirectResponse(
        oauth.authorize_url(_param(request, "state"), verifier), status_code=303
    )
    response.headers["Cache-Control"] = "no-store"
    response.set_cookie(
        BROWSER_COOKIE,
        secret,
        max_age=int(logins.LOGIN_TTL.total_seconds()),
        path=COOKIE_PATH,
        samesite="lax",  # sent on GitHub's top-level redirect back
        httponly=True,
        secure=get_settings().base_url.startswith("https://"),
    )
    return response


def _consume(actor: Actor | None, state: str, browser: str) -> logins.GithubLogin:
    with session_scope() as db:
        return logins.consume_login_state(db, actor, state, browser)


def _store(actor: Actor | None, login: str, token: str, ip: str) -> None:
    with session_scope() as db:
        github_account.do_save_github_connection(db, actor, login, token, method="oauth", ip=ip)


@router.get("/callback", include_in_schema=False)
async def callback(request: Request) -> RedirectResponse:
    """GitHub's redirect back: use the state up, exchange the code, verify, store, go back."""
    if not get_settings().github_oauth_enabled:
        return back_to_wizard("off")
    actor = await run_in_threadpool(_actor, request)
    state, code, error = (_param(request, n) for n in ("state", "code", "error"))
    browser = request.cookies.get(BROWSER_COOKIE, "")
    try:
        login = await run_in_threadpool(_consume, actor, state, browser)
    except logins.GitHubSignInFailed as exc:
        return back_to_wizard("cancelled" if error == "access_denied" else exc.reason)
    except DomainError:
        return back_to_wizard("unavailable")
    if error:
        return back_to_wizard(
            "cancelled" if error == "access_denied" else "refused", login.order_id
        )
    if not code:
        return back_to_wizard("invalid", login.order_id)
    try:
        token = await run_in_threadpool(oauth.exchange_code, code, login.verifier)
        async with github_mcp.connect(token) as gh:
            me = await gh.me()
        name = me.get("login") if isinstance(me, dict) else None
        if not isinstance(name, str) or not name:
            return back_to_wizard("invalid", login.order_id)
        ip = request.client.host if request.client else ""
        await run_in_threadpool(_store, actor, name, token, ip)
    except ServiceUnavailable as exc:
        log.warning("github sign-in of user %s failed: %s", login.user_id, exc.message)
        return back_to_wizard("unavailable", login.order_id)
    except DomainError as exc:
        log.info("github sign-in of user %s refused: %s", login.user_id, exc.message)
        return back_to_wizard("refused", login.order_id)
    except Exception:  # a browser lands back in the wizard, never on a trace
        log.exception("github sign-in of user %s failed unexpectedly", login.user_id)
        return back_to_wizard("unavailable", login.order_id)
    return back_to_wizard("connected", login.order_id)
