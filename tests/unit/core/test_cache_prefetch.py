"""Cache entries read ahead without holding the event loop (``cache.prefetched``)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from aixplore.core import cache, near_cache
from aixplore.core.cache import entries, generations, read_through
from aixplore.core.db import session_scope
from aixplore.core.redis import close_async_redis, get_redis
from aixplore.domain.accounts import actor_cache
from aixplore.domain.accounts import services as accounts
from tests.factories import make_member, sign_in


def _run(block: Callable[[], Awaitable[Any]]) -> Any:
    async def main() -> Any:
        try:
            return await block()
        finally:
            await close_async_redis()

    return asyncio.run(main())


def _without_near_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests count the reads that reach Redis; the process's copy of the entries
    (tests/integration/test_near_cache.py) would answer some of them from memory."""
    monkeypatch.setattr(near_cache, "in_use", lambda _prefix: None)


def _reach_redis_through(monkeypatch: pytest.MonkeyPatch, client: Any) -> None:
    """Have every part of the cache reach Redis through ``client``."""
    for module in (entries, generations, read_through):
        monkeypatch.setattr(module, "get_redis", lambda: client)


class _CountingClient:
    """The synchronous Redis client, counting the keys read through it."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.gets: list[str] = []

    def get(self, key: str) -> Any:
        self.gets.append(key)
        return self.client.get(key)

    def mget(self, keys: list[str]) -> Any:
        self.gets.extend(keys)
        return self.client.mget(keys)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)


def test_a_prefetched_entry_answers_once_and_only_inside_its_block(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _without_near_cache(monkeypatch)
    cache.invalidate()
    cache.add("test:ahead", {"v": 1}, 60)
    real = get_redis()
    counting = _CountingClient(real) if real is not None else None
    if counting is not None:
        _reach_redis_through(monkeypatch, counting)

    async def block() -> list[Any]:
        seen = []
        async with cache.prefetched(["test:ahead", "test:absent"]):
            seen.append(cache.peek("test:ahead"))
            seen.append(cache.peek("test:absent"))
            reads_inside = list(counting.gets) if counting else []
            seen.append(cache.peek("test:ahead"))  # answered once: this one reads again
            seen.append(reads_inside)
        seen.append(entries.PREFETCHED.get())
        return seen

    first, absent, again, reads_inside, after = _run(block)
    assert first == {"v": 1} and absent is None and again == {"v": 1}
    assert after is None  # nothing outlives the block
    if counting is not None:
        # The two entries came with the asynchronous read; only the repeat read went through
        # the synchronous client.
        assert reads_inside == []
        assert counting.gets == [cache.PREFIX + "test:ahead"]
    cache.invalidate()


def test_a_session_signed_out_after_it_was_cached_is_refused_through_a_prefetch() -> None:
    member = make_member()
    token = sign_in(member.email)
    assert actor_cache.authenticate(token) is not None  # now cached
    with session_scope() as db:
        accounts.do_sign_out(db, token)

    async def block() -> Any:
        async with cache.prefetched(actor_cache.cache_keys(token)):
            return actor_cache.authenticate(token)

    assert _run(block) is None


def test_malformed_tokens_prefetch_nothing() -> None:
    assert actor_cache.cache_keys("short") == []
    assert actor_cache.cache_keys(None) == []
    assert actor_cache.cache_keys("x" * 200) == []
    assert len(actor_cache.cache_keys("x" * 40)) == 1


def test_a_prefetched_current_entry_is_current_and_a_bump_still_retires_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _without_near_cache(monkeypatch)
    cache.invalidate()
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    names = ("test:prefetch-gen",)
    assert cache.cached_current("test:current", names, 60, compute) == 1
    real = get_redis()
    counting = _CountingClient(real) if real is not None else None
    mgets: list[Any] = []
    if counting is not None:
        counting.mget = lambda keys: mgets.append(keys) or real.mget(keys)  # type: ignore[method-assign]
        _reach_redis_through(monkeypatch, counting)

    async def block(bump: bool) -> int:
        async with cache.prefetched(cache.current_keys("test:current", names)):
            if bump:  # a change lands after the read ahead: that read is an earlier reader's
                cache.bump(names[0])
            return cache.cached_current("test:current", names, 60, compute)

    assert _run(lambda: block(False)) == 1 and calls == [1]
    assert mgets == []  # answered from the read ahead, not a synchronous MGET
    # On Redis the entry was read before the bump, as by a reader a moment earlier; in-process
    # nothing is read ahead and the bump retires it at once.
    assert _run(lambda: block(True)) == (1 if counting is not None else 2)
    assert cache.cached_current("test:current", names, 60, compute) == 2  # the next read
    cache.invalidate()
