"""A small read-through cache for public, slowly changing data (home page lists, facets).

On Redis when configured, so every worker serves the same answer; in-process otherwise
(there is then only one worker). Values are JSON; a Redis failure falls back to computing.
On Redis, each process reads entries it has read before from memory until Redis announces a
change to them (:mod:`aixplore.core.near_cache`); its own writes drop them from memory at once.

The parts: ``read_through`` (values computed on a miss), ``entries`` (values written
explicitly, tombstones, reads ahead), ``generations`` (numbers whose bump retires entries) and
``local`` (the in-process store they share).
"""

from __future__ import annotations

from aixplore.core.cache.entries import add, bury, peek, prefetched
from aixplore.core.cache.generations import (
    Unavailable,
    before_bump,
    bump,
    bump_after_commit,
    generation,
    retire_on_change,
)
from aixplore.core.cache.local import GONE, PREFIX
from aixplore.core.cache.read_through import (
    cached,
    cached_current,
    current_keys,
    invalidate,
    may_store,
    shared,
)

__all__ = [
    "GONE",
    "PREFIX",
    "Unavailable",
    "add",
    "before_bump",
    "bump",
    "bump_after_commit",
    "bury",
    "cached",
    "cached_current",
    "current_keys",
    "generation",
    "invalidate",
    "may_store",
    "peek",
    "prefetched",
    "retire_on_change",
    "shared",
]
