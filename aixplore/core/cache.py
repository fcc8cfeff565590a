"""A small read-through cache for public, slowly changing data (home page lists, facets).

On Redis when configured, so every worker serves the same answer; in-process otherwise
(there is then only one worker). Values are JSON; a Redis failure falls back to computing.
On Redis, each process reads entries it has read before from memory until Redis announces a
change to them (:mod:`aixplore.core.near_cache`); its own writes drop them from memory at once.
"""

from __future__ import annotations

import contextlib
import json
import random
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextvars import ContextVar
from typing import Any, cast

import redis
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState
from sqlmodel import Session

from aixplore.core import near_cache
from aixplore.core.events import publish_after_commit, subscribe
from aixplore.core.metrics import CACHE_READS, cache_name
from aixplore.core.redis import get_async_redis, get_redis

_local: dict[str, tuple[float, str]] = {}
_lock = threading.Lock()
PREFIX = "aixplore:cache:"
# The read replica's hooks (core/replica.py): told of a generation's bump before it lands, and
# asked before an entry is stored (False: it was read on a replica that may predate a bump).
before_bump: list[Callable[[str], None]] = []
may_store: list[Callable[[], bool]] = []


def shared() -> bool:
    """Whether entries are shared by every process (Redis configured), so that an entry
    buried by one process is buried for all."""
    return get_redis() is not None


class _Counted:
    """``compute`` that remembers whether it ran: a read that had to compute was a miss."""

    __slots__ = ("compute", "ran")

    def __init__(self, compute: Callable[[], Any]) -> None:
        self.compute, self.ran = compute, False

    def __call__(self) -> Any:
        self.ran = True
        return self.compute()

    def count(self, key: str) -> None:
        CACHE_READS.labels(cache_name(key), "miss" if self.ran else "hit").inc()


def cached(key: str, ttl: float, compute: Callable[[], Any]) -> Any:
    """Return the cached JSON value of ``key``, computing and storing it when missing."""
    counted = _Counted(compute)
    try:
        return _cached(key, ttl, counted)
    finally:
        counted.count(key)


def _cached(key: str, ttl: float, compute: Callable[[], Any]) -> Any:
    client = get_redis()
    if client is not None:
        try:
            raw = near_cache.read(client, PREFIX, [PREFIX + key])[0]
            if raw is not None:
                return json.loads(raw)
        except redis.RedisError:
            return compute()
        value = compute()
        if not all(check() for check in may_store):
            return value
        with contextlib.suppress(redis.RedisError):
            client.set(PREFIX + key, json.dumps(value, default=str), ex=max(1, int(ttl)))
        near_cache.wrote(PREFIX, [PREFIX + key])
        return value
    now = time.monotonic()
    with _lock:
        hit = _local.get(key)
        if hit is not None and hit[0] > now:
            return json.loads(hit[1])
    value = compute()
    if not all(check() for check in may_store):
        return value
    with _lock:
        _local[key] = (now + ttl, json.dumps(value, default=str))
        if len(_local) > _LOCAL_MAX:
            _prune(now)
    return value


def current_keys(key: str, names: tuple[str, ...]) -> list[str]:
    """The entries :func:`cached_current` reads for ``key`` under ``names`` (to prefetch)."""
    return [*(f"gen:{name}" for name in names), key]


def cached_current(
    key: str,
    names: tuple[str, ...],
    ttl: float,
    compute: Callable[[], Any],
    decode: Callable[[Any], Any] | None = None,
) -> Any:
    """:func:`cached` for a value computed from data whose changes bump generations ``names``.

    The entry remembers the generations it was computed under and is used only while they
    are still current. On Redis the generations and the entry come in one ``MGET``, one round
    trip instead of one for the generations and another for a key built from them; the read
    is atomic, so an entry is never taken for current after a bump has landed.

    With ``decode`` the answer is ``decode(value)``, and while the stored entry stays the same
    (byte for byte, under the same generations) every later read in this process gets that
    same decoded object back instead of parsing and decoding again: it is shared, so
    ``decode`` must build something immutable (a frozen model with tuples).
    """
    counted = _Counted(compute)
    try:
        return _cached_current(key, names, ttl, counted, decode)
    finally:
        counted.count(key)


def _cached_current(
    key: str,
    names: tuple[str, ...],
    ttl: float,
    compute: Callable[[], Any],
    decode: Callable[[Any], Any] | None,
) -> Any:
    client = get_redis()
    if client is None:
        with _lock:
            current = [_local_generation(name) for name in names]
            local_key = f"{key}@{current}"
            hit = _local.get(local_key)
            if decode is not None and hit is not None and hit[0] > time.monotonic():
                memo = _memo.get(local_key)
                if memo is not None and memo[0] is hit[1]:
                    return memo[1]
        value = _cached(local_key, ttl, compute)
        if decode is None:
            return value
        decoded = decode(value)
        with _lock:
            stored = _local.get(local_key)
            if stored is not None:
                _remember(local_key, stored[1], decoded)
        return decoded
    wanted = current_keys(key, names)
    ahead = _prefetched.get()
    try:
        if ahead and all(k in ahead for k in wanted):
            raw = [ahead.pop(k) for k in wanted]
        else:
            raw = near_cache.read(client, PREFIX, [PREFIX + k for k in wanted])
    except redis.RedisError:
        value = compute()
        return value if decode is None else decode(value)
    current = [int(value) if value is not None else 0 for value in raw[:-1]]
    entry_raw = raw[-1]
    if entry_raw is not None:
        stamp = (entry_raw, current)
        if decode is not None:
            with _lock:
                memo = _memo.get(key)
            if memo is not None and memo[0] == stamp:
                return memo[1]
        entry = json.loads(entry_raw)
        if entry.get("gen") == current:
            if decode is None:
                return entry["value"]
            decoded = decode(entry["value"])
            with _lock:
                _remember(key, stamp, decoded)
            return decoded
    value = compute()
    if not all(check() for check in may_store):
        return value if decode is None else decode(value)
    text = json.dumps({"gen": current, "value": value}, default=str)
    try:
        client.set(PREFIX + key, text, ex=max(1, int(ttl)))
    except redis.RedisError:
        return value if decode is None else decode(value)
    finally:
        near_cache.wrote(PREFIX, [PREFIX + key])
    if decode is None:
        return value
    # Decoded from what was stored (JSON), as a later read would decode it.
    decoded = decode(json.loads(text)["value"])
    with _lock:
        _remember(key, (text.encode(), current), decoded)
    return decoded


# key -> (what the stored entry was when decoded, the decoded value); see cached_current.
_memo: dict[str, tuple[Any, Any]] = {}
_MEMO_MAX = 2_000


def _remember(key: str, stamp: Any, decoded: Any) -> None:
    """Keep ``decoded`` for ``key`` while its entry is ``stamp`` (called with the lock held)."""
    _memo[key] = (stamp, decoded)
    if len(_memo) > _MEMO_MAX:
        for name in list(_memo)[: _MEMO_MAX // 2]:  # the oldest half
            del _memo[name]


def invalidate(prefix: str = "") -> None:
    """Forget cached values whose key starts with ``prefix`` (all by default)."""
    client = get_redis()
    if client is not None:
        try:
            for name in client.scan_iter(match=f"{PREFIX}{prefix}*", count=500):
                client.delete(name)
        except redis.RedisError:
            pass
        near_cache.wrote(PREFIX, None)
    with _lock:
        for name in [k for k in _local if k.startswith(prefix)]:
            del _local[name]
        _memo.clear()
        if not prefix:
            _generations.clear()


# ---- Entries with explicit writes (the actor cache builds on these) ----

GONE = "__gone__"


# Entries read ahead by ``prefetched`` in this context: key -> raw value (None when absent).
_prefetched: ContextVar[dict[str, bytes | None] | None] = ContextVar(
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
    outer = _prefetched.get()
    token = _prefetched.set({**outer, **ahead} if outer else ahead)
    try:
        yield
    finally:
        _prefetched.reset(token)


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
        ahead = _prefetched.get()
        if ahead and key in ahead:
            raw = ahead.pop(key)
        else:
            try:
                raw = near_cache.read(client, PREFIX, [PREFIX + key])[0]
            except redis.RedisError:
                return None
        return None if raw is None else json.loads(raw)
    now = time.monotonic()
    with _lock:
        hit = _local.get(key)
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
    with _lock:
        hit = _local.get(key)
        if hit is not None and hit[0] > now:
            return False
        _local[key] = (now + ttl, text)
        if len(_local) > _LOCAL_MAX:
            _prune(now)
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
    with _lock:
        for key in keys:
            _local[key] = (expires, text)


_LOCAL_MAX = 50_000


def _prune(now: float) -> None:
    """Drop expired in-process entries, then the soonest to expire (called with the lock held).

    Keeps memory bounded when many distinct keys are asked for (every new search is a key).
    """
    for name in [k for k, (expires, _) in _local.items() if expires <= now]:
        del _local[name]
    excess = len(_local) - _LOCAL_MAX * 9 // 10
    if excess > 0:
        # Tombstones stay until they expire: dropping one early could let stale data back in.
        tomb = json.dumps(GONE)
        live = [k for k, (_, text) in _local.items() if text != tomb]
        for name in sorted(live, key=lambda k: _local[k][0])[:excess]:
            del _local[name]


# ---- Generations: bump one number to retire every key built from it ----

_generations: dict[str, int] = {}


class Unavailable(Exception):
    """The shared generations cannot be read (Redis is down)."""


def _first_generation() -> int:
    # A generation that starts where nothing was counted yet (a new process, a flushed Redis)
    # starts at a random number, so that it never repeats one that something built in an
    # earlier life of the counter still carries (search's facet columns compare them).
    return random.SystemRandom().getrandbits(48)


def generation(name: str, *, strict: bool = False) -> int:
    """The current generation of ``name``. When Redis is down: 0, or with ``strict``
    :class:`Unavailable`."""
    client = get_redis()
    if client is not None:
        key = f"{PREFIX}gen:{name}"
        try:
            raw = client.get(key)
            if raw is None:
                client.set(key, _first_generation(), nx=True)
                raw = client.get(key)
        except redis.RedisError as exc:
            if strict:
                raise Unavailable(name) from exc
            return 0
        return int(cast(bytes, raw)) if raw is not None else 0
    with _lock:
        return _local_generation(name)


def _local_generation(name: str) -> int:
    """The in-process generation of ``name`` (the caller holds ``_lock``)."""
    found = _generations.get(name)
    if found is None:
        found = _generations[name] = _first_generation()
    return found


def bump(name: str) -> None:
    """Start a new generation of ``name``: keys that embed the old one are never read again."""
    for hook in before_bump:
        hook(name)
    client = get_redis()
    if client is not None:
        key = f"{PREFIX}gen:{name}"
        with contextlib.suppress(redis.RedisError):  # the TTL then bounds the staleness
            # One round trip; a counter that is gone (a flushed Redis) restarts at random.
            pipe = client.pipeline(transaction=False)
            pipe.set(key, _first_generation(), nx=True)
            pipe.incr(key)
            pipe.execute()
        near_cache.wrote(PREFIX, [key])
        return
    with _lock:
        _generations[name] = _local_generation(name) + 1


# ---- Retiring generations when the data behind them commits ----

_BUMP = "aixplore_cache_bump"
_WATCHED: dict[str, set[str]] = {}  # table name -> generation names
_PENDING = "aixplore_cache_pending_bumps"


def bump_after_commit(session: Session, name: str) -> None:
    """Bump generation ``name`` once ``session`` commits (never when it rolls back)."""
    pending: set[str] = session.info.setdefault(_PENDING, set())
    if name not in pending:
        pending.add(name)
        publish_after_commit(session, _BUMP, name)


def retire_on_change(name: str, *tables: str) -> None:
    """Bump generation ``name`` after every commit that wrote a row of one of ``tables``.

    ORM inserts, updates and deletes are seen at flush; bulk ``update()``/``delete()``
    statements when they run. Raw SQL text is not seen: nothing writes those tables that way.
    """
    for table in tables:
        _WATCHED.setdefault(table, set()).add(name)


@event.listens_for(Session, "before_flush")
def _watch_flush(session: Session, _context: Any, _instances: Any) -> None:
    if not _WATCHED:
        return
    for obj in (*session.new, *session.dirty, *session.deleted):
        for name in _WATCHED.get(getattr(obj, "__tablename__", ""), ()):
            bump_after_commit(session, name)


@event.listens_for(Session, "do_orm_execute")
def _watch_bulk(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    for name in _WATCHED.get(getattr(table, "name", ""), ()):
        bump_after_commit(state.session, name)  # type: ignore[arg-type]


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)


subscribe(_BUMP, bump)
