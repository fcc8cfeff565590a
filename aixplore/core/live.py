"""Live delivery: a small notice published on a channel reaches its subscribers in every worker.

What is live (a message, a read receipt, a notification) is first written to the database with
a sequence number; the notice published here only says "channel ``user:7`` has something new
after sequence 41". A subscriber then reads what it has not seen from the database, from the
last sequence it saw: so nothing is lost and nothing shown twice, whatever happens to the
notices. Notices are a hint; the database is the record.

Without Redis, notices go straight to this process's subscribers (the embedded default runs one
worker). With ``AIXPLORE_REDIS_URL`` set, :func:`publish` sends them through Redis pub/sub and
one thread per process (:class:`RedisRelay`, shaped like ``core/near_cache.py``'s listener)
hands them to this process's subscribers, so a tab on worker A hears what was sent on worker B.
Whenever that thread (re)connects to Redis (first start, a Redis restart, a dropped
connection), every subscriber gets :data:`RESYNC`: notices sent meanwhile are gone, so each
catches up from the database. A subscriber that falls far behind gets :data:`RESYNC` too,
instead of an unbounded queue.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import threading
from collections.abc import AsyncIterator, Iterable
from typing import Any

import redis
from sqlmodel import Session

from aixplore.core import events
from aixplore.core.redis import get_redis, listening_pool
from aixplore.core.settings import get_settings

log = logging.getLogger(__name__)

PREFIX = "aixplore:live:"
RESYNC: dict[str, Any] = {"kind": "resync"}
QUEUE_MAX = 200  # notices a subscriber may hold before it is told to catch up instead
HEARTBEAT = 2  # seconds of silence after which the relay pings Redis
RETRY_MAX = 2.0  # seconds between reconnection attempts at most
_TOPIC = "live"  # the after-commit topic (core/events.py) that publishes


def user_channel(user_id: int) -> str:
    """The channel of everything live for one user (messages, receipts, notifications)."""
    return f"user:{user_id}"


class Subscription:
    """The notices of some channels for one reader, on the reader's event loop."""

    def __init__(self, channels: Iterable[str], loop: asyncio.AbstractEventLoop) -> None:
        self.channels = frozenset(channels)
        self._loop = loop
        self._queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    def _offer(self, item: dict[str, Any]) -> None:
        # Runs on the reader's loop. A reader this far behind catches up from the database.
        if self._queue.qsize() >= QUEUE_MAX:
            while not self._queue.empty():
                self._queue.get_nowait()
            item = RESYNC
        self._queue.put_nowait(item)

    def offer(self, item: dict[str, Any]) -> bool:
        """Hand ``item`` to the reader from any thread; False once its loop has closed."""
        try:
            self._loop.call_soon_threadsafe(self._offer, item)
        except RuntimeError:
            return False
        return True

    async def get(self, seconds: float) -> dict[str, Any] | None:
        """The next notice, or None after ``seconds`` without one."""
        try:
            return await asyncio.wait_for(self._queue.get(), seconds)
        except TimeoutError:
            return None


class Hub:
    """This process's subscribers by channel."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_channel: dict[str, set[Subscription]] = {}

    def add(self, sub: Subscription) -> None:
        """Start handing ``sub`` its channels' notices."""
        with self._lock:
            for channel in sub.channels:
                self._by_channel.setdefault(channel, set()).add(sub)

    def remove(self, sub: Subscription) -> None:
        """Stop handing ``sub`` anything."""
        with self._lock:
            for channel in sub.channels:
                subs = self._by_channel.get(channel)
                if subs is not None:
                    subs.discard(sub)
                    if not subs:
                        del self._by_channel[channel]

    def deliver(self, channel: str, item: dict[str, Any]) -> None:
        """Hand ``item`` to every subscriber of ``channel`` in this process."""
        with self._lock:
            subs = list(self._by_channel.get(channel, ()))
        for sub in subs:
            if not sub.offer(item):
                self.remove(sub)

    def resync_all(self) -> None:
        """Tell every subscriber that notices may have been missed."""
        with self._lock:
            subs = {sub for group in self._by_channel.values() for sub in group}
        for sub in subs:
            if not sub.offer(RESYNC):
                self.remove(sub)

    def count(self) -> int:
        """How many subscriptions this process holds (metrics, tests)."""
        with self._lock:
            return len({sub for group in self._by_channel.values() for sub in group})


class RedisRelay:
    """One thread per process: Redis pub/sub notices under :data:`PREFIX` to the hub."""

    def __init__(self, url: str, hub: Hub) -> None:
        self.url = url
        self.hub = hub
        self.connected = threading.Event()
        self._stop = threading.Event()
        self._conn: Any = None
        self._thread = threading.Thread(target=self._listen, name="live-relay", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop listening (the thread ends within :data:`HEARTBEAT`)."""
        self._stop.set()
        conn = self._conn
        if conn is not None:
            with contextlib.suppress(OSError, redis.RedisError):
                conn.disconnect()

    def _listen(self) -> None:
        delay = 0.05
        failed = False
        pattern = (PREFIX + "*").encode()
        while not self._stop.is_set():
            pool = listening_pool(self.url, "aixplore-live", HEARTBEAT)
            conn = self._conn = pool.make_connection()
            try:
                conn.connect()
                conn.send_command("PSUBSCRIBE", pattern)
                conn.read_response()
                self.connected.set()
                # Whatever was published while this thread was not listening is lost here:
                # every subscriber reads it from the database instead.
                self.hub.resync_all()
                if failed:
                    log.info("live relay: listening again")
                failed, delay = False, 0.05
                while not self._stop.is_set():
                    if not conn.can_read(timeout=HEARTBEAT):
                        conn.send_command("PING")  # a dead connection fails the read below
                    message = conn.read_response()
                    if isinstance(message, list) and message[:1] == [b"pmessage"]:
                        self._hand_on(message[2], message[3])
            except (redis.RedisError, OSError, AttributeError) as exc:
                # AttributeError: close() dropped the socket under the reading thread.
                if not failed and not self._stop.is_set():
                    log.warning("live relay: no live notices until Redis answers (%s)", exc)
                failed = True
            finally:
                self.connected.clear()
                conn.disconnect()
                pool.disconnect()
            self._stop.wait(delay)
            delay = min(delay * 2, RETRY_MAX)

    def _hand_on(self, channel: bytes, data: bytes) -> None:
        try:
            item = json.loads(data)
        except ValueError:
            return
        if isinstance(item, dict):
            self.hub.deliver(channel.decode()[len(PREFIX) :], item)


_hub = Hub()
_relays: dict[str, RedisRelay] = {}
_relay_lock = threading.Lock()


def hub() -> Hub:
    """This process's hub."""
    return _hub


def relay() -> RedisRelay | None:
    """This process's Redis relay (started on first use), or None without Redis."""
    url = get_settings().redis_url
    if not url:
        return None
    found = _relays.get(url)
    if found is None:
        with _relay_lock:
            found = _relays.get(url)
            if found is None:
                found = _relays[url] = RedisRelay(url, _hub)
    return found


def publish(channel: str, item: dict[str, Any]) -> None:
    """Send ``item`` (a small JSON object) to ``channel``'s subscribers in every worker.

    Never raises: a notice that cannot be sent is missed, and subscribers catch up from the
    database when the relay reconnects.
    """
    client = get_redis()
    if client is None:
        _hub.deliver(channel, item)
        return
    try:
        client.publish(PREFIX + channel, json.dumps(item, separators=(",", ":")))
    except redis.RedisError as exc:
        log.warning("live notice not sent (%s)", exc)


def publish_after_commit(session: Session, channel: str, item: dict[str, Any]) -> None:
    """:func:`publish` once ``session`` commits (nothing is announced that was not stored)."""
    events.publish_after_commit(session, _TOPIC, (channel, item))


def _publish_committed(payload: tuple[str, dict[str, Any]]) -> None:
    publish(*payload)


events.subscribe(_TOPIC, _publish_committed)


@contextlib.asynccontextmanager
async def subscribe(*channels: str) -> AsyncIterator[Subscription]:
    """Receive the notices of ``channels`` while the block runs.

    Read what you have missed from the database *after* entering: a notice published after
    that read arrives here, one published before is in what the read returned.
    """
    sub = Subscription(channels, asyncio.get_running_loop())
    _hub.add(sub)
    relay()  # the first subscriber in a process starts its relay
    try:
        yield sub
    finally:
        _hub.remove(sub)


def close_all() -> None:
    """Stop this process's relays (tests; a new one starts on the next use)."""
    with _relay_lock:
        for found in _relays.values():
            found.close()
        _relays.clear()


def _after_fork() -> None:
    # A forked worker has none of its parent's threads or subscribers: it starts its own.
    global _relay_lock, _hub
    _relay_lock = threading.Lock()
    _relays.clear()
    _hub = Hub()


os.register_at_fork(after_in_child=_after_fork)
