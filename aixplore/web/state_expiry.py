"""Idle tabs' states leave the memory state manager, and their memory goes back to the system.

On the embedded default (no Redis) Reflex keeps every browser tab's state in the worker's
memory (about 51 KiB of RSS for a tab that opened /token, ``bench/state_memory.py``; more on
pages that hold more). Reflex 0.10.1 drops a state one hour after its last event, whether its
tab is still open or not, and plans that per state: it wakes at each state's own deadline and
walks every state each time, so thousands of tabs leaving at different moments cost thousands
of walks of thousands of states. The memory of what it drops stays in the process as well:
the freed blocks stay with Python's and glibc's allocators (reused, not returned), so the
worker's resident size does not fall (dropping 2,000 tabs' states alone left it at 316 MiB).

:class:`StateExpiry` replaces that for the memory state manager:

- a tab's state is dropped once its socket is gone and it had no event for
  ``AIXPLORE_STATE_IDLE_MINUTES`` (default 30). A tab that is still open keeps its state
  however long it idles (its socket answers pings; whatever the person typed stays), and a
  state whose lock is held (an event in progress) is never touched;
- one sweep every quarter of that time (at most a minute apart) walks the states in slices of
  :data:`SLICE`, yielding to the event loop between slices;
- after a sweep that dropped states, a full garbage collection and glibc's ``malloc_trim``
  hand the emptied memory back to the system (the same 2,000 states: 316 to 288 MiB). It
  has to be a full collection: a younger generation's gave nothing back (measured), although
  reference counting had freed the states already. The startup heap is frozen
  (``core/heap.py``), so it walks only what was made since: about 25-30 ms per 1,000 tab
  states still held.

A tab that comes back after its state was dropped (its socket reconnects with the same tab
token) hydrates like a new tab: its cookie comes with the socket's first event and its page
loads again. Redis has its own expiry (Reflex sets one on every key) and is left alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import ctypes.util
import gc
import logging
import math
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

from reflex.istate.manager.memory import StateManagerMemory

from aixplore.core.metrics import TAB_STATES, TAB_STATES_EXPIRED
from aixplore.core.settings import get_settings

logger = logging.getLogger(__name__)

SLICE = 500  # states looked at between two yields to the event loop
MAX_SWEEP_SECONDS = 60.0


def _malloc_trim() -> Callable[[], Any] | None:
    """glibc's ``malloc_trim(0)``, or None where the C library has none (musl, macOS)."""
    name = ctypes.util.find_library("c")
    try:
        trim = ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):
        return None
    if trim is None:
        return None
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return lambda: trim(0)


_trim = _malloc_trim()


def give_memory_back() -> None:
    """Collect cyclic garbage and return free heap pages to the system."""
    gc.collect()
    if _trim is not None:
        _trim()


@dataclass
class StateExpiry:
    """Drops the states of tabs that left and idled past ``idle_seconds``."""

    manager: StateManagerMemory
    idle_seconds: float
    connected: Callable[[str], bool]

    def __post_init__(self) -> None:
        # Reflex records each state's deadline as its last use plus token_expiration; the
        # sweep reads those deadlines, and Reflex's own per-deadline expiry task stays off.
        self.manager.token_expiration = max(1, math.ceil(self.idle_seconds))
        no_task: Any = lambda: None  # noqa: E731 - replaces a bound method on this manager
        self.manager._ensure_expiration_task = no_task  # type: ignore[method-assign]

    @property
    def interval(self) -> float:
        """Seconds between two sweeps."""
        return min(MAX_SWEEP_SECONDS, max(0.5, self.idle_seconds / 4))

    def _expired(self, key: str, now: float) -> bool:
        entry = self.manager._token_expires_at.get(key)
        if entry is None or entry[0] > now:
            return False
        token = entry[1]
        lock = self.manager._states_locks.get(token.lock_key)
        if lock is not None and lock.locked():
            return False  # an event holds it
        return not self.connected(token.ident)

    async def sweep(self, now: float | None = None) -> int:
        """Drop every expired state; returns how many were dropped."""
        now = time.time() if now is None else now
        dropped = 0
        keys = list(self.manager._token_expires_at)
        for start in range(0, len(keys), SLICE):
            if start:
                await asyncio.sleep(0)
            for key in keys[start : start + SLICE]:
                # Checked and dropped without an await in between: no event can take the
                # state's lock (or send a new event) between the check and the drop.
                if self._expired(key, now):
                    self.manager._purge_token(self.manager._token_expires_at[key][1])
                    dropped += 1
        if dropped:
            started = time.perf_counter()
            give_memory_back()
            logger.info(
                "dropped %d idle tab states (%d kept); memory returned in %.0f ms",
                dropped,
                len(self.manager.states),
                1000 * (time.perf_counter() - started),
            )
            TAB_STATES_EXPIRED.inc(dropped)
        return dropped

    async def run(self) -> None:
        """Sweep until cancelled; a failed sweep is logged and the next one tries again."""
        while True:
            await asyncio.sleep(self.interval)
            try:
                await self.sweep()
            except Exception:
                logger.exception("idle tab state sweep failed")


def _socket_of(app: Any) -> Callable[[str], bool]:
    """Whether a tab token has an open socket in this worker (the memory manager's only).

    Read from the token manager's own dict: its public ``token_to_sid`` copies the whole
    mapping on every call.
    """

    def connected(token: str) -> bool:
        namespace = app.event_namespace
        return namespace is not None and token in namespace._token_manager.token_to_socket

    return connected


@contextlib.asynccontextmanager
async def expire_idle_states(app: Any) -> AsyncIterator[None]:
    """Lifespan task: sweep the memory state manager's idle states while the app runs."""
    manager = app._state_manager
    if not isinstance(manager, StateManagerMemory):
        yield  # Redis keys expire on their own
        return
    expiry = StateExpiry(manager, get_settings().state_idle_minutes * 60, _socket_of(app))
    TAB_STATES.set_function(lambda: len(manager.states))
    task = asyncio.get_running_loop().create_task(expiry.run(), name="aixplore-state-expiry")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
