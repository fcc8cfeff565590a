"""A fix for Reflex 0.10.1's Redis state lock, and one tuning of its state reads; both are
applied when the app module is imported.

**The lock.**

Every event takes its browser tab's lock (``SET key id NX PX 10000``), runs, writes the state
and gives the lock back (``GETDEL``) in ``StateManagerRedis._lock``. When the task doing this is
cancelled at the wrong moment, the lock stays taken and nobody holds it: every later event of
that tab waits until it expires, ten seconds. Reflex cancels exactly such tasks whenever a
socket disconnects during a page load (``BaseStateProcessor._on_disconnect`` cancels the
unfinished ``on_load`` chain), which is what a person clicking a link while the previous page
is still loading does; with two backend workers the next page then showed nothing for ten
seconds. There are several such moments: after Redis ran the ``SET`` but before its reply was
read, after the lock was won in the waiters' queue but before Reflex left it, and while the
``GETDEL`` waited for a connection, before it was sent. A stress run (six events on one tab,
most cancelled at random) left 6 locks in 300 behind.

The fix runs taking the lock and giving it back each in a task of its own that the event's
cancellation does not reach (``asyncio.shield``): the cancelled event still stops at once, and
a lock it won meanwhile is given back as soon as it is won, by Reflex's own code. The same
stress run leaves none in 1,000.

**Reads.** With Redis, an event reads the states it needs in one ``MGET`` (the handler's
state, its parents and dependants). Nearly every handler then asks for the session state too
(who is signed in), and that was a second round trip to Redis, about a third of a
protected event's cost with one worker. :func:`apply` adds the session state (and its
parents) to every read, so it arrives with the first one; a state only fetched is not written
back, so this adds one key to a read and nothing to the writes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from reflex.istate.manager.redis import StateManagerRedis
from reflex.state import BaseState

logger = logging.getLogger(__name__)

_background: set[asyncio.Future[Any]] = set()  # lock work a cancelled event left running
_original_lock = StateManagerRedis._lock


def _run_apart(awaitable: Any) -> asyncio.Future[Any]:
    """Run ``awaitable`` in a task of its own, kept until done (the loop holds tasks weakly)."""
    task = asyncio.ensure_future(awaitable)
    _background.add(task)
    task.add_done_callback(_background.discard)
    return task


async def _give_back_when_won(taking: asyncio.Future[Any], held: Any) -> None:
    try:
        await taking
    except BaseException:  # never won (Redis down, say): nothing to give back
        return
    try:
        await held.__aexit__(None, None, None)
    except Exception:  # Redis down: the lock expires on its own
        logger.warning("could not give back an abandoned state lock", exc_info=True)


@contextlib.asynccontextmanager
async def _lock(
    manager: StateManagerRedis, token: Any, event_name: str | None = None
) -> AsyncIterator[bytes]:
    held = _original_lock(manager, token, event_name=event_name)
    taking = _run_apart(held.__aenter__())
    try:
        lock_id = await asyncio.shield(taking)
    except asyncio.CancelledError:
        _run_apart(_give_back_when_won(taking, held))
        raise
    try:
        yield lock_id
    except BaseException as exc:
        giving_back = _run_apart(held.__aexit__(type(exc), exc, exc.__traceback__))
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.shield(giving_back)
        raise
    await asyncio.shield(_run_apart(held.__aexit__(None, None, None)))


_original_required = StateManagerRedis._get_required_state_classes
_always_read: list[type[BaseState]] = []


def _required_state_classes(
    manager: StateManagerRedis,
    target_state_cls: type[BaseState],
    subclasses: bool = False,
    required_state_classes: set[type[BaseState]] | None = None,
) -> set[type[BaseState]]:
    outermost = required_state_classes is None
    found = _original_required(
        manager,
        target_state_cls,
        subclasses=subclasses,
        required_state_classes=required_state_classes,
    )
    if outermost:
        for state_cls in _always_read:
            cls: type[BaseState] | None = state_cls
            while cls is not None and cls not in found:  # a tree holds every parent too
                found.add(cls)
                cls = cls.get_parent_state()
    return found


def apply(*always_read: type[BaseState]) -> None:
    """Install the lock fix, and read ``always_read`` with every event's states (idempotent)."""
    StateManagerRedis._lock = _lock  # type: ignore[method-assign]
    for state_cls in always_read:
        if state_cls not in _always_read:
            _always_read.append(state_cls)
    StateManagerRedis._get_required_state_classes = _required_state_classes  # type: ignore[method-assign]
