"""A fix for Reflex 0.10.1's Redis state lock, applied when the app module is imported.

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
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from reflex.istate.manager.redis import StateManagerRedis

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


def apply() -> None:
    """Install the fix (idempotent)."""
    StateManagerRedis._try_get_lock = _try_get_lock  # type: ignore[method-assign]
