"""Entries with explicit writes: peek, add if absent, bury under a tombstone, read ahead.

The actor cache builds on these: readers only add, and a change buries the entries it
touched after it commits.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import AsyncIterator
from contextvars import ContextVar
from typing import Any

import redis

from aixplore.core import near_cache
from aixplore.core.cache import local
from aixplore.core.cache.local import GONE, PREFIX
from aixplore.core.metrics import CACHE_READS, cache_name
from aixplore.core.redis import get_async_redis, get_redis

# Entries read ahead by ``prefetched`` in this context: key -> raw value (None when absent).
PREFETCHED: ContextVar[dict[str, bytes | None] | None] = ContextVar(
    "aixplore_cache_prefetched", default=None
)


@contextlib.asynccontextmanager
async def prefetched(keys: list[str]) -> AsyncIterator[None]:
    """Read ``keys`` from Redis in one ``MGET`` that does not hold the event loop; inside the
    block, the first :func:`peek` of each key answers from that read, and so does the first
    :func:`cached_current` whose entries (:func:`current_keys`) were all read.

    An async event handler wraps its synchronous service call in this: the worker serves
    other events while Redis answers, where the service's own read would block the loop for
    the round trip. The read is one moment earlier than the service's would have been, which
    the entries' protocol already allows (readers only add; changes bury entries after they
    commit). Each prefetched entry answers once and only inside the block. Without Redis, or
    when the read fails, the block runs as if nothing were prefetched.
    """
    client = get_async_redis() if keys else None
    ahead: dict[str, bytes | None] = {}
    if client is not None:
        with contextlib.suppress(redis.RedisError):
            values = await near_cache.read_async(client, PREFIX, [PREFIX + k for k in keys])
            ahead = dict(zip(keys, values, strict=True))
    outer = PREFETCHED.get()
    token = PREFETCHED.set({**outer, **ahead} if outer else ahead)
    try:
        yield
    finally:
        PREFETCHED.reset(token)


def peek(key: str) -> Any:
    """The cached JSON value of ``key``, :data:`GONE` for a tombstone, or None when absent.

    A Redis failure reads as absent, so callers fall back to the database.
    """
    value = _peek(key)
    # A tombstone sends the caller to the database as an absent entry does.
    hit = value is not None and value != GONE
    CACHE_READS.labels(cache_name(key), "hit" if hit else "miss").inc()
    return value


def _peek(key: str) -> Any:
    client = get_redis()
    if client is not None:
        ahead = PREFETCHED.get()
        if ahead and key in ahead:
            raw = ahead.pop(key)
        else:
            try:
                raw = near_cache.read(client, PREFIX, [PREFIX + key])[0]
            except redis.RedisError:
                return None
        return None if raw is None else json.loads(raw)
    now = time.monotonic()
    with local.lock:
        hit = local.entries.get(key)
        if hit is None or hit[0] <= now:
            return None
        return json.loads(hit[1])


def add(key: str, value: Any, ttl: float) -> bool:
    """Store ``value`` only if ``key`` holds nothing (not even a tombstone); True if stored."""
    text = json.dumps(value, default=str)
    client = get_redis()
    if client is not None:
        try:
            return bool(client.set(PREFIX + key, text, ex=max(1, int(ttl)), nx=True))
        except redis.RedisError:
            return False
        finally:
            near_cache.wrote(PREFIX, [PREFIX + key])
    now = time.monotonic()
    with local.lock:
        hit = local.entries.get(key)
        if hit is not None and hit[0] > now:
            return False
        local.keep(key, now + ttl, text, now)
    return True


def bury(keys: list[str], ttl: float) -> None:
    """Overwrite ``keys`` with tombstones for ``ttl`` seconds (later :func:`add` calls fail).

    Raises ``redis.RedisError`` when Redis is configured but unreachable: callers decide.
    """
    if not keys:
        return
    text = json.dumps(GONE)
    client = get_redis()
    if client is not None:
        pipe = client.pipeline(transaction=False)
        for key in keys:
            pipe.set(PREFIX + key, text, ex=max(1, int(ttl)))
        try:
            pipe.execute()
        finally:
            near_cache.wrote(PREFIX, [PREFIX + key for key in keys])
        return
    expires = time.monotonic() + ttl
    with local.lock:
        for key in keys:
            local.entries[key] = (expires, text)
