"""A fix for Reflex 0.10.1's Redis state lock, and one tuning of its state reads; both are
applied when the app module is imported.

**The lock.**

``StateManagerRedis._try_get_lock`` takes the per-tab lock with ``SET key id NX PX 10000``.
When the task waiting for that reply is cancelled after Redis has run the command but before
the reply is read, the lock is taken and nobody holds it: every later event of that browser
tab waits until it expires, ten seconds. Reflex cancels exactly such tasks whenever a socket
disconnects during a page load (``BaseStateProcessor._on_disconnect`` cancels the unfinished
``on_load`` chain), which is what a person clicking a link while the previous page is still
loading does. With two backend workers the next page then shows nothing for ten seconds.

The fix runs the ``SET`` shielded from cancellation; if the caller is cancelled meanwhile, a
detached task waits for the reply and gives back a lock it got, compare-and-delete, so only
that attempt's own lock is ever removed. Reflex's waiters hear the ``del`` as usual.

**Reads.** With Redis, an event reads the states it needs in one ``MGET`` (the handler's
state, its parents and dependants). Nearly every handler then asks for the session state too
(who is signed in), and that was a second round trip to Redis, about a third of a
protected event's cost with one worker. :func:`apply` adds the session state (and its
parents) to every read, so it arrives with the first one; a state only fetched is not written
back, so this adds one key to a read and nothing to the writes.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from reflex.istate.manager.redis import StateManagerRedis
from reflex.state import BaseState

logger = logging.getLogger(__name__)

_RELEASE_IF_OURS = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('DEL', KEYS[1])
end
return 0
"""
_give_backs: set[asyncio.Task[None]] = set()
_original_try_get_lock = StateManagerRedis._try_get_lock


async def _give_back(
    manager: StateManagerRedis, attempt: asyncio.Future[Any], lock_key: bytes, lock_id: bytes
) -> None:
    try:
        if await attempt:
            await manager.redis.eval(_RELEASE_IF_OURS, 1, lock_key, lock_id)  # type: ignore[misc]
    except Exception:  # Redis down: the lock expires on its own
        logger.warning("could not give back an abandoned state lock %s", lock_key, exc_info=True)


async def _try_get_lock(manager: StateManagerRedis, lock_key: bytes, lock_id: bytes) -> bool | None:
    attempt = asyncio.ensure_future(_original_try_get_lock(manager, lock_key, lock_id))
    try:
        return await asyncio.shield(attempt)
    except asyncio.CancelledError:
        task = asyncio.get_running_loop().create_task(
            _give_back(manager, attempt, lock_key, lock_id)
        )
        _give_backs.add(task)
        task.add_done_callback(_give_backs.discard)
        raise


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
    StateManagerRedis._try_get_lock = _try_get_lock  # type: ignore[method-assign]
    for state_cls in always_read:
        if state_cls not in _always_read:
            _always_read.append(state_cls)
    StateManagerRedis._get_required_state_classes = _required_state_classes  # type: ignore[method-assign]
