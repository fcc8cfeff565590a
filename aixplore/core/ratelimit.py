"""Rate limits on the `limits` library: Redis when configured (shared by all workers), else memory.

The moving window is exact (no boundary effects), which small limits such as sign-in need.
"""

from __future__ import annotations

import math
import time
from functools import lru_cache

from limits import RateLimitItem, parse
from limits.errors import StorageError
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from aixplore.core.errors import ServiceUnavailable, Throttled
from aixplore.core.settings import get_settings


@lru_cache(maxsize=4)
def _limiter(redis_url: str | None) -> MovingWindowRateLimiter:
    if redis_url:
        storage = storage_from_string(
            redis_url, socket_connect_timeout=1.0, socket_timeout=2.0, wrap_exceptions=True
        )
    else:
        storage = MemoryStorage()
    return MovingWindowRateLimiter(storage)


def limiter() -> MovingWindowRateLimiter:
    """Return the limiter for the configured storage."""
    return _limiter(get_settings().redis_url)


def _retry_after(item: RateLimitItem, *keys: str) -> int:
    reset = limiter().get_window_stats(item, *keys).reset_time
    return max(1, math.ceil(reset - time.time()))


def check(limit: str, *keys: str, message: str) -> None:
    """Raise Throttled when ``limit`` (e.g. "5/15 minutes") is used up for ``keys``."""
    item = parse(limit)
    try:
        if not limiter().test(item, *keys):
            raise Throttled(message, retry_after=_retry_after(item, *keys))
    except StorageError as exc:
        raise ServiceUnavailable("Rate limiting is unavailable; please try again shortly.") from exc


def hit(limit: str, *keys: str, message: str) -> None:
    """Count one attempt against ``limit``; raise Throttled when it is used up."""
    item = parse(limit)
    try:
        if not limiter().hit(item, *keys):
            raise Throttled(message, retry_after=_retry_after(item, *keys))
    except StorageError as exc:
        raise ServiceUnavailable("Rate limiting is unavailable; please try again shortly.") from exc


def reset(limit: str, *keys: str) -> None:
    """Forget the attempts counted for ``keys`` (after a successful sign-in)."""
    try:
        limiter().clear(parse(limit), *keys)
    except StorageError:
        return
