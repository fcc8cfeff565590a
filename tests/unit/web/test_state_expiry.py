"""The memory state manager's sweep: which tabs' states leave, which stay, and how it runs.

A real ``StateManagerMemory`` holding real root states; time is real (an idle limit of one
second), so each test waits a little over a second.
"""

from __future__ import annotations

import asyncio
import time

from reflex.istate.manager.memory import StateManagerMemory
from reflex.istate.manager.token import BaseStateToken
from reflex.state import State

from aixplore.web.state_expiry import SLICE, StateExpiry


def _token(ident: str) -> BaseStateToken:
    return BaseStateToken(ident=ident, cls=State)


async def _open(manager: StateManagerMemory, *idents: str) -> None:
    """An event for each tab (Reflex records its last use when the event ends)."""
    for ident in idents:
        async with manager.modify_state(_token(ident)) as state:
            state.router_data = {"pathname": "/token"}


def _held(manager: StateManagerMemory) -> set[str]:
    return set(manager.states)  # a tab's root state is kept under its token


def test_only_closed_tabs_idle_past_the_limit_are_dropped() -> None:
    async def scenario() -> tuple[int, set[str]]:
        manager = StateManagerMemory()
        expiry = StateExpiry(manager, idle_seconds=1.0, connected=lambda t: t == "open")
        await _open(manager, "closed", "open", "busy")
        await asyncio.sleep(1.2)
        await _open(manager, "recent")
        event_started, event_may_end = asyncio.Event(), asyncio.Event()

        async def slow_event() -> None:  # an event of "busy" in progress: its lock is held
            async with manager.modify_state(_token("busy")):
                event_started.set()
                await event_may_end.wait()

        event = asyncio.create_task(slow_event())
        await event_started.wait()
        dropped = await expiry.sweep()
        event_may_end.set()
        await event
        return dropped, _held(manager)

    dropped, held = asyncio.run(scenario())
    assert dropped == 1
    assert held == {"open", "busy", "recent"}


def test_a_dropped_tab_that_comes_back_gets_a_fresh_state() -> None:
    async def scenario() -> tuple[list[str], bool]:
        manager = StateManagerMemory()
        expiry = StateExpiry(manager, idle_seconds=1.0, connected=lambda t: False)
        await _open(manager, "tab")
        await asyncio.sleep(1.2)
        await expiry.sweep()
        gone = sorted(_held(manager))
        async with manager.modify_state(_token("tab")) as state:
            fresh = not state.router_data
        return gone, fresh

    gone, fresh = asyncio.run(scenario())
    assert gone == []
    assert fresh


def test_reflex_own_expiry_task_is_off_and_the_deadline_is_the_idle_limit() -> None:
    async def scenario() -> tuple[object, float]:
        manager = StateManagerMemory()
        StateExpiry(manager, idle_seconds=90.0, connected=lambda t: False)
        before = time.time()
        await _open(manager, "tab")
        deadline = manager._token_expires_at[_token("tab").cache_key][0]
        return manager._expiration_task, deadline - before

    task, lifetime = asyncio.run(scenario())
    assert task is None  # Reflex's per-deadline task never started
    assert 89 <= lifetime <= 91


def test_a_sweep_lets_other_work_run_between_slices() -> None:
    async def scenario() -> tuple[int, int]:
        manager = StateManagerMemory()
        expiry = StateExpiry(manager, idle_seconds=1.0, connected=lambda t: False)
        await _open(manager, *(f"tab-{n}" for n in range(3 * SLICE)))
        await asyncio.sleep(1.2)
        ticks = 0

        async def other_work() -> None:
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0)

        worker = asyncio.create_task(other_work())
        await asyncio.sleep(0)
        started_at = ticks
        dropped = await expiry.sweep()
        worker.cancel()
        return dropped, ticks - started_at

    dropped, ticks = asyncio.run(scenario())
    assert dropped == 3 * SLICE
    assert ticks >= 2  # at least once between each two of the three slices
