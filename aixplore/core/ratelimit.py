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


class MemoryLimits(MemoryStorage):
    """The library's memory storage, sweeping expired entries in the calling thread.

    The library starts a ``threading.Timer`` for its sweep on every hit once the last one has
    finished: under load a new thread every 10 ms, and starting one waits until it runs, which
    on a busy worker holds the event loop for a GIL switch interval (a profile of distinct API
    searches: half of the requests started one). Entries are checked against the clock when
    read, so the sweep only frees memory: once a second, inline, is enough.
    """

    SWEEP_SECONDS = 1.0

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False) -> None:
        """An empty storage (its first sweep is due at once)."""
        super().__init__(uri, wrap_exceptions=wrap_exceptions)
        self._next_sweep = 0.0

    def _MemoryStorage__schedule_expiry(self) -> None:
        """Sweep now if a sweep is due (replaces the library's timer thread)."""
        now = time.monotonic()
        if now >= self._next_sweep:
            self._next_sweep = now + self.SWEEP_SECONDS
            getattr(self, "_MemoryStorage__expire_events")()  # noqa: B009 - mangled name


@lru_cache(maxsize=4)
def _limiter(redis_url: str | None) -> MovingWindowRateLimiter:
    if redis_url:
        storage = storage_from_string(
            redis_url, socket_connect_timeout=1.0, socket_timeout=2.0, wrap_exceptions=True
        )
    else:
        storage = MemoryLimits()
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
