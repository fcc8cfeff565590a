"""Reflex's Redis state lock is given back when the task holding it is cancelled at any moment.

Runs on a real Redis: the suite's own when it is configured, else a throwaway
``redis-server`` started here (the test command installs it), so both passes cover it.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from typing import Any

import pytest
import redis.asyncio as aredis
from reflex.istate.manager.redis import StateManagerRedis
from reflex.istate.manager.token import BaseStateToken
from reflex.state import State

from aixplore.web import reflex_fixes


def _reflex_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reflex's own lock code, without the fix."""
    monkeypatch.setattr(StateManagerRedis, "_try_get_lock", reflex_fixes._original_try_get_lock)
    monkeypatch.setattr(StateManagerRedis, "_wait_lock", reflex_fixes._original_wait_lock)
    monkeypatch.setattr(StateManagerRedis, "_lock", reflex_fixes._original_lock)


def _tab(url: str, lock_expiration_ms: int) -> tuple[Any, StateManagerRedis, BaseStateToken]:
    """A Redis client, a state manager on it, and a fresh tab's token."""
    client = aredis.Redis.from_url(url)
    manager = StateManagerRedis(
        redis=client, lock_expiration=lock_expiration_ms, lock_warning_threshold=500
    )
    return client, manager, BaseStateToken(ident=f"lock-test-{uuid.uuid4().hex}", cls=State)


async def _cancel_while_the_reply_is_on_its_way(
    url: str, lock_expiration_ms: int = 10_000
) -> tuple[Any, int, float]:
    """Take a tab's lock, cancel the taker between Redis running SET and the reply arriving.

    Returns what the lock key holds afterwards, its remaining time (ms), and how long the
    next event of that tab waits for the lock.
    """
    client, manager, token = _tab(url, lock_expiration_ms)
    key = manager._lock_key(token)
    real_set = client.set

    async def slow_reply(*args: Any, **kwargs: Any) -> Any:
        result = await real_set(*args, **kwargs)  # Redis has taken the lock by now
        await asyncio.sleep(0.5)  # ... and the reply is still on the wire
        return result

    async def page_load() -> None:
        async with manager._lock(token):
            await asyncio.sleep(5)

    try:
        client.set = slow_reply  # type: ignore[method-assign]
        taker = asyncio.create_task(page_load())
        await asyncio.sleep(0.1)
        taker.cancel()  # the socket disconnected: Reflex cancels the page's on_load chain
        with pytest.raises(asyncio.CancelledError):
            await taker
        client.set = real_set  # type: ignore[method-assign]
        await asyncio.sleep(0.6)  # the reply arrives
        held, ttl = await client.get(key), await client.pttl(key)
        started = time.monotonic()
        async with manager._lock(token):
            waited = time.monotonic() - started
        return held, ttl, waited
    finally:
        await client.delete(key)
        await manager.close()


def test_a_cancelled_lock_taker_gives_the_lock_back(redis_url: str) -> None:
    reflex_fixes.apply()
    held, ttl, waited = asyncio.run(_cancel_while_the_reply_is_on_its_way(redis_url))
    assert held is None and ttl == -2
    assert waited < 1.0


def test_without_the_fix_the_tab_waits_for_the_lock_to_expire(
    redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The failure the fix exists for, shown on Reflex's own code (so the test above can fail)."""
    _reflex_alone(monkeypatch)
    held, ttl, waited = asyncio.run(_cancel_while_the_reply_is_on_its_way(redis_url, 2_000))
    assert held is not None and ttl > 0
    assert waited > 0.5


async def _cancel_while_giving_back(
    url: str, lock_expiration_ms: int = 10_000
) -> tuple[Any, float]:
    """Run an event, cancel it while its ``GETDEL`` waits to be sent (for a free connection,
    say). Returns what the lock key holds afterwards and how long the tab's next event waits."""
    client, manager, token = _tab(url, lock_expiration_ms)
    key = manager._lock_key(token)
    real_getdel = client.getdel

    async def slow_send(*args: Any, **kwargs: Any) -> Any:
        await asyncio.sleep(0.5)  # not sent yet
        return await real_getdel(*args, **kwargs)

    async def event() -> None:
        async with manager._lock(token):
            pass

    try:
        client.getdel = slow_send  # type: ignore[method-assign]
        taker = asyncio.create_task(event())
        await asyncio.sleep(0.1)
        taker.cancel()  # the socket disconnected
        with pytest.raises(asyncio.CancelledError):
            await taker
        await asyncio.sleep(0.6)
        client.getdel = real_getdel  # type: ignore[method-assign]
        held = await client.get(key)
        started = time.monotonic()
        async with manager._lock(token):
            waited = time.monotonic() - started
        return held, waited
    finally:
        await client.delete(key)
        await manager.close()


def test_an_event_cancelled_while_giving_the_lock_back_still_gives_it_back(
    redis_url: str,
) -> None:
    reflex_fixes.apply()
    held, waited = asyncio.run(_cancel_while_giving_back(redis_url))
    assert held is None and waited < 1.0


def test_without_the_fix_a_cancelled_give_back_leaves_the_lock_taken(
    redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _reflex_alone(monkeypatch)
    held, waited = asyncio.run(_cancel_while_giving_back(redis_url, 2_000))
    assert held is not None and waited > 1.0


async def _cancel_at_random(url: str, tabs: int, seed: int) -> int:
    """Six events per tab, most cancelled at random moments; return how many tabs' locks are
    still taken afterwards."""
    rng = random.Random(seed)
    client = aredis.Redis.from_url(url)
    manager = StateManagerRedis(redis=client, lock_expiration=10_000, lock_warning_threshold=500)
    left = 0
    try:
        for _ in range(tabs):
            token = BaseStateToken(ident=f"lock-test-{uuid.uuid4().hex}", cls=State)

            async def event(pause: float, token: BaseStateToken = token) -> None:
                async with manager.modify_state(token):
                    await asyncio.sleep(pause)

            tasks = [asyncio.create_task(event(rng.random() * 0.002)) for _ in range(6)]
            await asyncio.sleep(rng.random() * 0.01)
            for task in tasks:
                if rng.random() < 0.7:
                    task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await asyncio.sleep(0.05)  # what a cancelled event left running finishes
            key = manager._lock_key(token)
            if await client.get(key) is not None:
                left += 1
                await client.delete(key)
    finally:
        await manager.close()
    return left


def test_no_lock_is_left_taken_when_events_are_cancelled_at_random(redis_url: str) -> None:
    # Reflex alone left 2-3 tabs of these 200 locked (two runs of this loop, seed 7).
    reflex_fixes.apply()
    assert asyncio.run(_cancel_at_random(redis_url, tabs=200, seed=7)) == 0


async def _read_token_page_state(url: str) -> tuple[int, set[str]]:
    """Read the /token page's state tree the way an event does; return how many reads Redis
    got and which states the tree holds."""
    from aixplore.web.session import SessionState
    from aixplore.web.wallet.state import TokenState

    client = aredis.Redis.from_url(url)
    manager = StateManagerRedis(redis=client, lock_expiration=10_000, lock_warning_threshold=500)
    reads = 0
    real_mget = client.mget

    async def counted(*args: Any, **kwargs: Any) -> Any:
        nonlocal reads
        reads += 1
        return await real_mget(*args, **kwargs)

    client.mget = counted  # type: ignore[method-assign]
    try:
        token = BaseStateToken(ident=f"read-test-{uuid.uuid4().hex}", cls=TokenState)
        root = await manager.get_state(token)
        return reads, set(root.substates) & {SessionState.get_name(), TokenState.get_name()}
    finally:
        await manager.close()


def test_the_session_state_arrives_with_the_first_read(redis_url: str) -> None:
    from aixplore.web.session import SessionState
    from aixplore.web.wallet.state import TokenState

    reflex_fixes.apply(SessionState)
    reads, held = asyncio.run(_read_token_page_state(redis_url))
    # One read brings both: asking who is signed in then needs no second trip to Redis.
    assert reads == 1 and held == {SessionState.get_name(), TokenState.get_name()}


def test_reflex_alone_reads_the_session_state_separately(
    redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aixplore.web.wallet.state import TokenState

    monkeypatch.setattr(
        StateManagerRedis, "_get_required_state_classes", reflex_fixes._original_required
    )
    reads, held = asyncio.run(_read_token_page_state(redis_url))
    assert reads == 1 and held == {TokenState.get_name()}
