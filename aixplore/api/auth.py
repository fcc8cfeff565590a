"""Who calls the API, and how often they may: API keys (``Authorization: Bearer``) and limits.

``principal`` resolves the bearer key on every request (the key's row is read each time, so
a revoked key is refused by every worker at once). ``require_scope(resource, level)`` turns a
missing or invalid key into 401 and a key without the scope into 403, each with the reason.

``rate_limit(endpoint_class)`` counts the request against three moving windows (``limits``:
Redis when configured, so every worker shares them; memory otherwise): per key, per user (all
of their keys together) and per client IP. Anonymous callers count per IP only. Every answer
carries ``X-RateLimit-Limit``, ``X-RateLimit-Remaining`` and ``X-RateLimit-Reset`` (seconds
until the window frees a request) for the tightest window; a refusal is 429 with
``Retry-After``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Request
from limits import RateLimitItem, parse
from limits.errors import StorageError
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from aixplore.core import ratelimit
from aixplore.core.db import read_scope, session_scope
from aixplore.core.errors import NotAuthenticated, PermissionDenied, ServiceUnavailable, Throttled
from aixplore.core.settings import get_settings
from aixplore.domain.apikeys import services as apikeys
from aixplore.domain.apikeys.models import KEY_PREFIX, KeyPrincipal
from aixplore.domain.oauth.principal import resolve_access_token
from aixplore.domain.oauth.tokens import looks_like_jwt

_STATE_PRINCIPAL = "api_principal"
STATE_HEADERS = "ratelimit_headers"
_ANONYMOUS = object()


def client_ip(request: Request) -> str:
    """The client's address (behind trusted proxies resolved by ``forwarded.ForwardedClient``)."""
    return request.client.host if request.client else "unknown"


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise NotAuthenticated("Send the API key as 'Authorization: Bearer <key>'.")
    return value.strip()


def _resolve(raw: str, ip: str) -> KeyPrincipal:
    if not raw.startswith(KEY_PREFIX) and looks_like_jwt(raw):
        return resolve_access_token(read_scope, raw)
    with read_scope() as db:
        principal, stale, last_ip = apikeys.resolve_key(db, raw)
    if stale or last_ip != ip[:64]:
        with session_scope() as db:
            apikeys.do_touch_key(db, principal.key_id, ip)
    return principal


async def resolve_bearer(raw: str, ip: str) -> KeyPrincipal:
    """The principal of a raw API key or access token (a WebSocket's); 401 when it is bad."""
    return await run_in_threadpool(_resolve, raw, ip)


async def principal(request: Request) -> KeyPrincipal | None:
    """The key's principal, None when no key was sent; raises 401 for a bad key."""
    cached = getattr(request.state, _STATE_PRINCIPAL, None)
    if cached is not None:
        return None if cached is _ANONYMOUS else cached
    raw = _bearer(request)
    found = None if raw is None else await run_in_threadpool(_resolve, raw, client_ip(request))
    setattr(request.state, _STATE_PRINCIPAL, _ANONYMOUS if found is None else found)
    return found


def require_scope(resource: str, level: str) -> Callable[[Request], Awaitable[KeyPrincipal]]:
    """A dependency: a key holding ``resource:level`` (or more), else 401/403 with the reason."""

    async def dependency(request: Request) -> KeyPrincipal:
        found = await principal(request)
        if found is None:
            raise NotAuthenticated("This endpoint needs an API key: 'Authorization: Bearer <key>'.")
        return check_scope(found, resource, level)

    return dependency


def check_scope(found: KeyPrincipal, resource: str, level: str) -> KeyPrincipal:
    """``found`` when it holds ``resource:level`` (or more); 403 with the reason otherwise."""
    if not found.allows(resource, level):
        what = "access token" if found.kind == "oauth" else "API key"
        raise PermissionDenied(f"This {what} lacks the '{resource}:{level}' scope.")
    return found


# ---- Rate limits ----


class RateLimited(Throttled):
    """A refused request, with the rate-limit headers to send."""

    def __init__(self, message: str, *, retry_after: int, headers: dict[str, str]) -> None:
        super().__init__(message, retry_after=retry_after)
        self.headers = headers


def _limits_for(
    endpoint_class: str, found: KeyPrincipal | None, ip: str
) -> list[tuple[str, tuple[str, ...]]]:
    settings = get_settings()
    if endpoint_class == "sso":
        # Sign-in endpoints: per network address only, tighter than the API's.
        return [(settings.sso_limit_per_ip, ("sso", "ip", ip))]
    per_key = settings.api_write_limit if endpoint_class == "write" else settings.api_read_limit
    if found is None:
        return [(settings.api_anonymous_limit, ("api", endpoint_class, "anon-ip", ip))]
    return [
        (per_key, ("api", endpoint_class, found.kind, str(found.key_id))),
        (settings.api_user_limit, ("api", "any", "user", str(found.actor.user_id))),
        (settings.api_ip_limit, ("api", "any", "ip", ip)),
    ]


def _headers(item: RateLimitItem, keys: tuple[str, ...]) -> tuple[int, dict[str, str]]:
    stats = ratelimit.limiter().get_window_stats(item, *keys)
    reset = max(0, math.ceil(stats.reset_time - time.time()))
    return stats.remaining, {
        "X-RateLimit-Limit": str(item.amount),
        "X-RateLimit-Remaining": str(stats.remaining),
        "X-RateLimit-Reset": str(reset),
    }


def count_windows(windows: list[tuple[str, tuple[str, ...]]], cost: int = 1) -> dict[str, str]:
    """Count ``cost`` requests in each ``(limit, keys)`` window; the tightest one's headers.

    Raises :class:`RateLimited` at the first window used up (``Retry-After`` set) and
    ``ServiceUnavailable`` when the limiter's storage cannot be reached.
    """
    limiter = ratelimit.limiter()
    tightest: tuple[int, dict[str, str]] | None = None
    try:
        for limit, keys in windows:
            item = parse(limit)
            allowed = limiter.hit(item, *keys, cost=cost)
            remaining, headers = _headers(item, keys)
            if not allowed:
                retry = max(1, int(headers["X-RateLimit-Reset"]))
                headers["Retry-After"] = str(retry)
                raise RateLimited(
                    f"Rate limit of {limit} exceeded; retry in {retry} s.",
                    retry_after=retry,
                    headers=headers,
                )
            if tightest is None or remaining < tightest[0]:
                tightest = (remaining, headers)
    except StorageError as exc:
        raise ServiceUnavailable("Rate limiting is unavailable; please try again shortly.") from exc
    return tightest[1] if tightest else {}


def _count(endpoint_class: str, found: KeyPrincipal | None, ip: str) -> dict[str, str]:
    return count_windows(_limits_for(endpoint_class, found, ip))


async def count_call(endpoint_class: str, found: KeyPrincipal | None, ip: str) -> None:
    """Count one call outside an HTTP request (a WebSocket's connection or subscription)."""
    if get_settings().redis_url:
        await run_in_threadpool(_count, endpoint_class, found, ip)
    else:
        _count(endpoint_class, found, ip)


async def charge(request: Request, endpoint_class: str, cost: int) -> dict[str, str]:
    """Count ``cost`` more requests for the caller of ``request`` (a costly GraphQL query).

    The request itself was counted once by :func:`rate_limit`; its ``X-RateLimit-*`` headers
    are replaced by the ones after this charge. Raises :class:`RateLimited` when used up.
    """
    found = await principal(request)
    windows = _limits_for(endpoint_class, found, client_ip(request))
    if get_settings().redis_url:
        headers = await run_in_threadpool(count_windows, windows, cost)
    else:
        headers = count_windows(windows, cost)
    setattr(request.state, STATE_HEADERS, headers)
    return headers


def rate_limit(endpoint_class: str) -> Callable[[Request], Awaitable[None]]:
    """A dependency counting the request against the limits of ``endpoint_class``."""

    async def dependency(request: Request) -> None:
        found = await principal(request)
        ip = client_ip(request)
        if get_settings().redis_url:
            headers = await run_in_threadpool(_count, endpoint_class, found, ip)
        else:
            headers = _count(endpoint_class, found, ip)
        setattr(request.state, STATE_HEADERS, headers)

    return dependency


class RateLimitHeaders:
    """Plain ASGI middleware adding the rate-limit headers a dependency left in the scope."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                state: dict[str, Any] = scope.get("state") or {}
                extra = state.get(STATE_HEADERS)
                if extra:
                    present = {k.lower() for k, _ in message.get("headers", [])}
                    message["headers"] = [
                        *message.get("headers", []),
                        *[
                            (k.lower().encode(), v.encode())
                            for k, v in extra.items()
                            if k.lower().encode() not in present
                        ],
                    ]
            await send(message)

        await self.app(scope, receive, send_with_headers)
