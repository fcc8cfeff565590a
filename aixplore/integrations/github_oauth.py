"""GitHub OAuth app sign-in (authorization code with S256 PKCE) through Authlib's httpx client.

Two OAuth apps use it: the order wizard's "Connect with GitHub" (:func:`order_app`, scopes
``repo read:org``; who the token belongs to is then read through GitHub's MCP server, as for
a pasted token) and members' "Continue with GitHub" (:func:`signin_app`, scopes
``read:user user:email``; :func:`read_profile` reads the user and their verified addresses
from GitHub's REST API). The browser-facing endpoints are ``/login/oauth/authorize`` and
``/login/oauth/access_token``.

Settings: ``AIXPLORE_GITHUB_OAUTH_CLIENT_ID``/``_SECRET`` (the wizard's app),
``AIXPLORE_GITHUB_SIGNIN_CLIENT_ID``/``_SECRET`` (the sign-in app), ``AIXPLORE_GITHUB_WEB_URL``
(default https://github.com) and ``AIXPLORE_GITHUB_API_URL`` (default https://api.github.com;
GitHub Enterprise or a test server).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx2  # Authlib's httpx client is built on httpx2 (its errors are httpx2's)
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.httpx_client import OAuth2Client

from aixplore.core.errors import ServiceUnavailable, ValidationFailed
from aixplore.core.settings import get_settings

SCOPES = "repo read:org"
HTTP_TIMEOUT = 10.0
CALLBACK_PATH = "/api/github/oauth/callback"


class GitHubSignInRefused(ValidationFailed):
    """GitHub refused the code exchange (a wrong, used or expired code; a wrong app secret)."""


class GitHubSignInUnavailable(ServiceUnavailable):
    """GitHub could not be reached, or did not answer in time."""


@dataclass(frozen=True)
class OAuthApp:
    """One GitHub OAuth app: its credentials, the scopes it asks for and its callback."""

    client_id: str | None
    client_secret: str | None
    scope: str
    callback_path: str


def order_app() -> OAuthApp:
    """The order wizard's app ("Connect with GitHub": repositories)."""
    settings = get_settings()
    return OAuthApp(
        settings.github_oauth_client_id, settings.github_oauth_client_secret, SCOPES, CALLBACK_PATH
    )


def signin_app() -> OAuthApp:
    """Members' sign-in app ("Continue with GitHub": the profile and addresses only)."""
    settings = get_settings()
    return OAuthApp(
        settings.github_signin_client_id,
        settings.github_signin_client_secret,
        "read:user user:email",
        "/api/auth/github/callback",
    )


def redirect_uri(app: OAuthApp | None = None) -> str:
    """The callback registered with the OAuth app."""
    path = (app or order_app()).callback_path
    return f"{get_settings().base_url.rstrip('/')}{path}"


@contextmanager
def _client(app: OAuthApp | None = None) -> Iterator[OAuth2Client]:
    app = app or order_app()
    client = OAuth2Client(
        app.client_id,
        app.client_secret,
        token_endpoint_auth_method="client_secret_post",  # noqa: S106 - a method name
        scope=app.scope,
        redirect_uri=redirect_uri(app),
        code_challenge_method="S256",
        timeout=HTTP_TIMEOUT,
        follow_redirects=False,
    )
    try:
        yield client
    finally:
        client.close()  # pyright: ignore[reportAttributeAccessIssue]


def _endpoint(path: str) -> str:
    return f"{get_settings().github_web_url.rstrip('/')}/login/oauth/{path}"


def authorize_url(state: str, verifier: str, app: OAuthApp | None = None) -> str:
    """Where to send the browser: GitHub's consent page for this app, state and PKCE challenge."""
    with _client(app) as client:
        url, _state = client.create_authorization_url(
            _endpoint("authorize"), state=state, code_verifier=verifier
        )
    return str(url)


def exchange_code(code: str, verifier: str, app: OAuthApp | None = None) -> str:
    """Trade the authorization code (and PKCE verifier) for the user's access token."""
    with _client(app) as client:
        try:
            token = client.fetch_token(
                _endpoint("access_token"),
                grant_type="authorization_code",
                code=code,
                code_verifier=verifier,
            )
        except httpx2.TimeoutException as exc:
            raise GitHubSignInUnavailable("GitHub did not answer in time; try again.") from exc
        except httpx2.HTTPStatusError as exc:
            if exc.response.status_code >= 500:
                raise GitHubSignInUnavailable("GitHub is unavailable; try again.") from exc
            raise GitHubSignInRefused("GitHub refused the sign-in; try again.") from exc
        except httpx2.HTTPError as exc:
            raise GitHubSignInUnavailable("GitHub could not be reached; try again.") from exc
        except (AuthlibBaseError, ValueError) as exc:
            raise GitHubSignInRefused("GitHub refused the sign-in; try again.") from exc
    access = token.get("access_token")
    if not isinstance(access, str) or not 1 <= len(access) <= 500:
        raise GitHubSignInRefused("GitHub sent no access token; try again.")
    return access


def read_profile(token: str) -> dict[str, Any]:
    """Who the token belongs to: GitHub's numeric id, login, name and primary address.

    ``email`` is the primary address and ``email_verified`` whether GitHub verified it (from
    ``/user/emails``, which the ``user:email`` scope opens).
    """
    base = get_settings().github_api_url.rstrip("/")
    headers = {
        "Authorization": f"Bearer {token}",
        "Accept": "application/vnd.github+json",
        "X-GitHub-Api-Version": "2022-11-28",
    }
    try:
        with httpx2.Client(timeout=HTTP_TIMEOUT, follow_redirects=False) as http:
            user = http.get(f"{base}/user", headers=headers)
            user.raise_for_status()
            emails = http.get(f"{base}/user/emails", headers=headers)
            emails.raise_for_status()
            me, addresses = user.json(), emails.json()
    except httpx2.HTTPStatusError as exc:
        if exc.response.status_code >= 500:
            raise GitHubSignInUnavailable("GitHub is unavailable; try again.") from exc
        raise GitHubSignInRefused("GitHub refused to say who signed in; try again.") from exc
    except httpx2.HTTPError as exc:
        raise GitHubSignInUnavailable("GitHub could not be reached; try again.") from exc
    except ValueError as exc:
        raise GitHubSignInRefused("GitHub's answer could not be read; try again.") from exc
    if not isinstance(me, dict) or not isinstance(me.get("id"), int) or isinstance(me["id"], bool):
        raise GitHubSignInRefused("GitHub's answer could not be read; try again.")
    primary = next(
        (
            a
            for a in (addresses if isinstance(addresses, list) else [])
            if isinstance(a, dict) and a.get("primary") is True and isinstance(a.get("email"), str)
        ),
        None,
    )
    return {
        "id": me["id"],
        "login": me.get("login") if isinstance(me.get("login"), str) else "",
        "name": me.get("name") if isinstance(me.get("name"), str) else "",
        "email": primary["email"] if primary else None,
        "email_verified": bool(primary and primary.get("verified") is True),
    }
