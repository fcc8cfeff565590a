"""Shared cache entries kept in this process's memory until Redis says they changed.

Server-assisted client-side caching (Redis ``CLIENT TRACKING`` in broadcast mode): one
connection per process asks Redis to announce every change to a key under the cache's prefix,
and listens for the announcements on ``__redis__:invalidate``. A thread drops the named keys
from the process's copy as they arrive. A hot entry (a signed-in session, the events page) is
then read from memory instead of costing a Redis round trip on every event. Every worker still
sees every other worker's change as soon as its announcement arrives (well under a
millisecond on one host; under load, as soon as the listening thread gets the interpreter).

The copy is used only while the listening connection is up. It starts empty, is dropped whole
when the connection fails or Redis is flushed, and nothing is kept across a reconnection.
An entry is served for at most :data:`MAX_AGE` seconds, because Redis may delete an expired key
later than its expiry and only announces it then. A read keeps what it got only if no
announcement arrived while it was in flight (:meth:`NearCache.begin`, :meth:`NearCache.store`),
so a value that changed during the read is never kept. This process's own writes drop their
keys at once (:meth:`NearCache.forget`) instead of waiting for their announcement.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Sequence
from typing import Any, cast

import redis
import redis.asyncio as aioredis

from aixplore.core.redis import listening_pool
from aixplore.core.settings import get_settings

log = logging.getLogger(__name__)

CHANNEL = "__redis__:invalidate"
MAX_AGE = 1.0  # seconds an entry is served from memory at most
MAX_ENTRIES = 20_000
HEARTBEAT = 2  # seconds of silence after which the listener pings Redis
RETRY_MAX = 2.0  # seconds between reconnection attempts at most


class NearCache:
    """This process's copy of the Redis keys under ``prefix``, kept current by Redis."""

    def __init__(self, url: str, prefix: str) -> None:
        self.url = url
        self.prefix = prefix
        self._data: dict[str, tuple[float, bytes | None]] = {}
        self._lock = threading.Lock()
        self._epoch = 0  # moves on with every announcement, forget, clear and reconnection
        self._ready = False
        self.client_id: int | None = None  # the listening connection's id (CLIENT LIST)
        self._stop = threading.Event()
        self._conn: Any = None  # the listening connection (a redis-py connection)
        self._thread = threading.Thread(target=self._listen, name="near-cache", daemon=True)
        self._thread.start()

    @property
    def ready(self) -> bool:
        """Whether the copy is in use (the listening connection is up)."""
        return self._ready

    def lookup(self, keys: Sequence[str]) -> list[bytes | None] | None:
        """The values of ``keys`` (None for an absent key), or None unless every one is here."""
        if not self._ready:
            return None
        now = time.monotonic()
        found: list[bytes | None] = []
        for key in keys:
            hit = self._data.get(key)
            if hit is None or hit[0] <= now:
                return None
            found.append(hit[1])
        return found

    def begin(self) -> int:
        """A mark to take before reading ``keys`` from Redis, for :meth:`store`."""
        return self._epoch if self._ready else -1

    def store(self, mark: int, keys: Sequence[str], values: Sequence[bytes | None]) -> None:
        """Keep what a read begun at ``mark`` got, unless anything changed since the mark."""
        if mark < 0:
            return
        deadline = time.monotonic() + MAX_AGE
        with self._lock:
            if mark != self._epoch or not self._ready:
                return
            data = self._data
            for key, value in zip(keys, values, strict=True):
                data[key] = (deadline, value)
            if len(data) > MAX_ENTRIES:
                for key in list(data)[: MAX_ENTRIES // 2]:  # the oldest half
                    del data[key]

    def forget(self, keys: Sequence[str]) -> None:
        """Drop ``keys`` now (this process wrote them); reads in flight keep nothing."""
        with self._lock:
            self._epoch += 1
            for key in keys:
                self._data.pop(key, None)

    def clear(self) -> None:
        """Drop everything; reads in flight keep nothing."""
        with self._lock:
            self._epoch += 1
            self._data.clear()

    def close(self) -> None:
        """Stop listening and drop everything (the thread ends within :data:`HEARTBEAT`)."""
        self._stop.set()
        self._set_ready(False)
        conn = self._conn
        if conn is not None:
            with contextlib.suppress(OSError, redis.RedisError):
                conn.disconnect()  # wakes the listening thread, which then ends

    def _set_ready(self, ready: bool) -> None:
        with self._lock:
            self._epoch += 1
            self._data.clear()
            self._ready = ready and not self._stop.is_set()

    def _announced(self, keys: list[bytes] | None) -> None:
        with self._lock:
            self._epoch += 1
            if keys is None:  # the database was flushed
                self._data.clear()
                return
            for key in keys:
                self._data.pop(key.decode(), None)

    def _listen(self) -> None:
        delay = 0.05
        failed = False
        while not self._stop.is_set():
            pool = listening_pool(self.url, "aixplore-near-cache", HEARTBEAT)
            conn = self._conn = pool.make_connection()
            try:
                conn.connect()
                conn.send_command("CLIENT", "ID")
                client_id = self.client_id = int(cast(int, conn.read_response()))
                tracking = ("TRACKING", "ON", "REDIRECT", client_id, "BCAST", "PREFIX", self.prefix)
                conn.send_command("CLIENT", *tracking)
                conn.read_response()
                conn.send_command("SUBSCRIBE", CHANNEL)
                conn.read_response()
                self._set_ready(True)
                if failed:
                    log.info("near cache: listening again")
                failed, delay = False, 0.05
                while not self._stop.is_set():
                    if not conn.can_read(timeout=HEARTBEAT):
                        conn.send_command("PING")  # a dead connection fails the read below
                    message = conn.read_response()
                    if isinstance(message, list) and message[:2] == [b"message", CHANNEL.encode()]:
                        self._announced(message[2])
            except (redis.RedisError, OSError) as exc:
                if not failed and not self._stop.is_set():
                    log.warning("near cache: not in use until Redis answers again (%s)", exc)
                failed = True
            finally:
                self._set_ready(False)
                conn.disconnect()
                pool.disconnect()
            self._stop.wait(delay)
            delay = min(delay * 2, RETRY_MAX)


_instances: dict[tuple[str, str], NearCache] = {}
_registry_lock = threading.Lock()


def for_url(url: str, prefix: str) -> NearCache:
    """This process's copy of the keys under ``prefix`` on the Redis at ``url``."""
    near = _instances.get((url, prefix))
    if near is None:
        with _registry_lock:
            near = _instances.get((url, prefix))
            if near is None:
                near = _instances[(url, prefix)] = NearCache(url, prefix)
    return near


def in_use(prefix: str) -> NearCache | None:
    """This process's copy of the keys under ``prefix`` on the configured Redis, if any."""
    settings = get_settings()
    if not settings.redis_url or not settings.redis_near_cache:
        return None
    return for_url(settings.redis_url, prefix)


def read(client: redis.Redis, prefix: str, keys: list[str]) -> list[bytes | None]:
    """The raw values of the Redis ``keys`` (all under ``prefix``): from this process's copy
    when it has them all, else in one ``MGET`` that the copy keeps."""
    near = in_use(prefix)
    if near is None:
        return cast(list[bytes | None], client.mget(keys))
    found = near.lookup(keys)
    if found is not None:
        return found
    mark = near.begin()
    values = cast(list[bytes | None], client.mget(keys))
    near.store(mark, keys, values)
    return values


async def read_async(client: aioredis.Redis, prefix: str, keys: list[str]) -> list[bytes | None]:
    """:func:`read` for an event handler: the ``MGET``, when needed, lets the loop run."""
    near = in_use(prefix)
    if near is None:
        return cast(list[bytes | None], await client.mget(keys))
    found = near.lookup(keys)
    if found is not None:
        return found
    mark = near.begin()
    values = cast(list[bytes | None], await client.mget(keys))
    near.store(mark, keys, values)
    return values


def wrote(prefix: str, keys: list[str] | None) -> None:
    """This process wrote (or tried to write) ``keys``, None for any under ``prefix``: its
    copy drops them now instead of waiting for Redis to announce it."""
    near = in_use(prefix)
    if near is not None:
        near.clear() if keys is None else near.forget(keys)


def close_all() -> None:
    """Stop every copy of this process (tests; a new one starts on the next use)."""
    with _registry_lock:
        for near in _instances.values():
            near.close()
        _instances.clear()


def _after_fork() -> None:
    # A forked worker has none of its parent's threads: it starts its own copies.
    global _registry_lock
    _registry_lock = threading.Lock()
    _instances.clear()


os.register_at_fork(after_in_child=_after_fork)
