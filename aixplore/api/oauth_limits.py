"""Rate limits of the OAuth2 server's endpoints, answered the way OAuth clients expect.

The token, revocation and introspection endpoints count each request per app (the client id
as presented, whether or not it is known: a guessed one costs as much as a real one) and per
network address; the consent page counts per network address. They use the app's limiter
(Redis when configured, so every worker shares the counts). A refusal is 429 with
``Retry-After`` and, for the JSON endpoints, an RFC 6749 error body with
``temporarily_unavailable`` (the registered code for "try again later"); the consent page
answers a plain page the member can read.
"""

from __future__ import annotations

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from aixplore.api.auth import STATE_HEADERS, client_ip, count_windows
from aixplore.core.settings import get_settings

MAX_CLIENT_ID = 64  # longer ids are refused by the service; the key stays short


def _windows(endpoint: str, client_id: str | None, ip: str) -> list[tuple[str, tuple[str, ...]]]:
    settings = get_settings()
    if client_id is None:
        return [(settings.oauth_authorize_limit_per_ip, ("oauth", endpoint, "ip", ip))]
    return [
        (settings.oauth_limit_per_ip, ("oauth", "client-calls", "ip", ip)),
        (settings.oauth_limit_per_client, ("oauth", "client", client_id[:MAX_CLIENT_ID])),
    ]


def count_consent(request: Request) -> None:
    """Count one request to the consent page (per address); raises ``RateLimited`` when used up.

    For the routes that already run on the thread pool.
    """
    headers = count_windows(_windows("authorize", None, client_ip(request)))
    setattr(request.state, STATE_HEADERS, headers)


async def count_oauth(request: Request, endpoint: str, client_id: str | None = None) -> None:
    """Count one request to an OAuth endpoint; raises ``RateLimited`` when a window is used up.

    ``client_id`` is None for the consent page (counted per address only). The tightest
    window's ``X-RateLimit-*`` headers go on the answer.
    """
    windows = _windows(endpoint, client_id, client_ip(request))
    if get_settings().redis_url:  # a network round trip: off the event loop
        headers = await run_in_threadpool(count_windows, windows)
    else:
        headers = count_windows(windows)
    setattr(request.state, STATE_HEADERS, headers)
