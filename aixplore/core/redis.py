"""Redis client from settings, with short timeouts so a dead Redis never hangs a request."""

from __future__ import annotations

import asyncio
import weakref
from functools import lru_cache

import redis
import redis.asyncio as aioredis

from aixplore.core.settings import get_settings

# Short timeouts so a dead Redis never hangs a request; the same for both clients.
_OPTIONS = {"socket_connect_timeout": 1.0, "socket_timeout": 2.0, "health_check_interval": 30}


@lru_cache(maxsize=4)
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, **_OPTIONS)


def listening_pool(url: str, client_name: str, heartbeat: int) -> redis.ConnectionPool:
    """A pool for a thread that holds one connection open to listen (pub/sub, tracking).

    Its reads time out after ``heartbeat`` seconds of silence, when the thread pings: a dead
    connection then fails instead of hanging.
    """
    return redis.ConnectionPool.from_url(
        url,
        socket_connect_timeout=1.0,
        socket_timeout=heartbeat,
        socket_keepalive=True,
        client_name=client_name,
    )


def get_redis() -> redis.Redis | None:
    """Return the shared Redis client, or None when Redis is not configured."""
    url = get_settings().redis_url
    return _client(url) if url else None


# One asyncio client per event loop (a client's connections belong to the loop that opened them).
_async_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, aioredis.Redis] = (
    weakref.WeakKeyDictionary()
)


def get_async_redis() -> aioredis.Redis | None:
    """The running event loop's asyncio Redis client, or None when Redis is not configured.

    For reads an async handler makes before calling the synchronous services
    (:func:`aixplore.core.cache.prefetched`): the worker's event loop serves other events
    while Redis answers, where a synchronous read would hold it for the round trip.
    """
    url = get_settings().redis_url
    if not url:
        return None
    loop = asyncio.get_running_loop()
    client = _async_clients.get(loop)
    if client is None:
        client = aioredis.Redis.from_url(url, **_OPTIONS)
        _async_clients[loop] = client
    return client


async def close_async_redis() -> None:
    """Close the running loop's asyncio client, if it has one (before the loop ends)."""
    client = _async_clients.pop(asyncio.get_running_loop(), None)
    if client is not None:
        await client.aclose()


def redis_ping() -> bool | None:
    """Ping Redis: True when up, False when down, None when not configured."""
    client = get_redis()
    if client is None:
        return None
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
