"""GitHub OAuth app sign-in (authorization code with S256 PKCE) through Authlib's httpx client.

Only the two browser-facing GitHub endpoints are used: ``/login/oauth/authorize`` (where the
browser is sent) and ``/login/oauth/access_token`` (where the code is exchanged). Who the
token belongs to is then read through GitHub's MCP server, as for a pasted token.

Settings: ``AIXPLORE_GITHUB_OAUTH_CLIENT_ID``, ``AIXPLORE_GITHUB_OAUTH_CLIENT_SECRET`` and
``AIXPLORE_GITHUB_WEB_URL`` (default https://github.com; GitHub Enterprise or a test server).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

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


def redirect_uri() -> str:
    """The callback registered with the OAuth app."""
    return f"{get_settings().base_url.rstrip('/')}{CALLBACK_PATH}"


@contextmanager
def _client() -> Iterator[OAuth2Client]:
    settings = get_settings()
    client = OAuth2Client(
        settings.github_oauth_client_id,
        settings.github_oauth_client_secret,
        token_endpoint_auth_method="client_secret_post",  # noqa: S106 - a method name
        scope=SCOPES,
        redirect_uri=redirect_uri(),
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


def authorize_url(state: str, verifier: str) -> str:
    """Where to send the browser: GitHub's consent page for this app, state and PKCE challenge."""
    with _client() as client:
        url, _state = client.create_authorization_url(
            _endpoint("authorize"), state=state, code_verifier=verifier
        )
    return str(url)


def exchange_code(code: str, verifier: str) -> str:
    """Trade the authorization code (and PKCE verifier) for the user's access token."""
    with _client() as client:
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
