"""Redis client from settings, with short timeouts so a dead Redis never hangs a request."""

from __future__ import annotations

from functools import lru_cache

import redis

from aixplore.core.settings import get_settings


@lru_cache(maxsize=4)
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(
        url, socket_connect_timeout=1.0, socket_timeout=2.0, health_check_interval=30
    )


def get_redis() -> redis.Redis | None:
    """Return the shared Redis client, or None when Redis is not configured."""
    url = get_settings().redis_url
    return _client(url) if url else None


def redis_ping() -> bool | None:
    """Ping Redis: True when up, False when down, None when not configured."""
    client = get_redis()
    if client is None:
        return None
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
