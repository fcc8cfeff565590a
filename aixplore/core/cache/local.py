"""The in-process side of the cache: entries kept in this process when Redis is not configured.

Every part of the cache shares this store and its lock (``cache/__init__.py`` says what the
cache is for).
"""

from __future__ import annotations

import json
import threading

PREFIX = "aixplore:cache:"  # every key the cache keeps in Redis starts with this
GONE = "__gone__"  # a tombstone: the entry was buried (``cache.entries``)
LOCAL_MAX = 50_000

# key -> (when it expires on the monotonic clock, its JSON text).
entries: dict[str, tuple[float, str]] = {}
lock = threading.Lock()


def keep(key: str, expires: float, text: str, now: float) -> None:
    """Store ``text`` for ``key`` until ``expires``, pruning past the bound (lock held)."""
    entries[key] = (expires, text)
    if len(entries) > LOCAL_MAX:
        prune(now)


def prune(now: float) -> None:
    """Drop expired in-process entries, then the soonest to expire (called with the lock held).

    Keeps memory bounded when many distinct keys are asked for (every new search is a key).
    """
    for name in [k for k, (expires, _) in entries.items() if expires <= now]:
        del entries[name]
    excess = len(entries) - LOCAL_MAX * 9 // 10
    if excess > 0:
        # Tombstones stay until they expire: dropping one early could let stale data back in.
        tomb = json.dumps(GONE)
        live = [k for k, (_, text) in entries.items() if text != tomb]
        for name in sorted(live, key=lambda k: entries[k][0])[:excess]:
            del entries[name]
