"""Read-through entries: a value computed once and served from the cache until it expires,
or, with :func:`cached_current`, until a generation it was computed under moves."""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable
from typing import Any

import redis

from aixplore.core import near_cache
from aixplore.core.cache import entries, generations, local
from aixplore.core.cache.local import PREFIX
from aixplore.core.metrics import CACHE_READS, cache_name
from aixplore.core.redis import get_redis

# The read replica's hook (core/replica.py): asked before an entry is stored (False: it was
# read on a replica that may predate a bump).
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
    with local.lock:
        hit = local.entries.get(key)
        if hit is not None and hit[0] > now:
            return json.loads(hit[1])
    value = compute()
    if not all(check() for check in may_store):
        return value
    with local.lock:
        local.keep(key, now + ttl, json.dumps(value, default=str), now)
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
        with local.lock:
            current = [generations.local_generation(name) for name in names]
            local_key = f"{key}@{current}"
            hit = local.entries.get(local_key)
            if decode is not None and hit is not None and hit[0] > time.monotonic():
                memo = _memo.get(local_key)
                if memo is not None and memo[0] is hit[1]:
                    return memo[1]
        value = _cached(local_key, ttl, compute)
        if decode is None:
            return value
        decoded = decode(value)
        with local.lock:
            stored = local.entries.get(local_key)
            if stored is not None:
                _remember(local_key, stored[1], decoded)
        return decoded
    wanted = current_keys(key, names)
    ahead = entries.PREFETCHED.get()
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
            with local.lock:
                memo = _memo.get(key)
            if memo is not None and memo[0] == stamp:
                return memo[1]
        entry = json.loads(entry_raw)
        if entry.get("gen") == current:
            if decode is None:
                return entry["value"]
            decoded = decode(entry["value"])
            with local.lock:
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
    with local.lock:
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
    with local.lock:
        for name in [k for k in local.entries if k.startswith(prefix)]:
            del local.entries[name]
        _memo.clear()
        if not prefix:
            generations.counts.clear()
