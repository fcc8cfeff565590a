"""The cache counts its reads as hits and misses, by a bounded cache name."""

from __future__ import annotations

from aixplore.core import cache
from aixplore.core.metrics import CACHE_READS, cache_name


def _reads(name: str, result: str) -> float:
    return CACHE_READS.labels(name, result)._value.get()


def test_a_read_that_computes_is_a_miss_and_one_that_does_not_is_a_hit() -> None:
    cache.invalidate()
    hits, misses = _reads("search", "hit"), _reads("search", "miss")
    cache.cached("search:metrics-test", 60, lambda: [1])
    cache.cached("search:metrics-test", 60, lambda: [1])
    cache.cached_current("search:metrics-current", ("metrics-test",), 60, lambda: [2])
    cache.cached_current("search:metrics-current", ("metrics-test",), 60, lambda: [2])
    assert _reads("search", "miss") - misses == 2
    assert _reads("search", "hit") - hits == 2


def test_a_peek_at_a_tombstone_is_a_miss() -> None:
    cache.invalidate()
    hits, misses = _reads("actor", "hit"), _reads("actor", "miss")
    assert cache.peek("actor:metrics-test") is None
    cache.add("actor:metrics-test", {"id": 1}, 60)
    assert cache.peek("actor:metrics-test") == {"id": 1}
    cache.bury(["actor:metrics-test"], 60)
    assert cache.peek("actor:metrics-test") == cache.GONE
    assert _reads("actor", "miss") - misses == 2
    assert _reads("actor", "hit") - hits == 1


def test_cache_names_are_a_fixed_set() -> None:
    assert cache_name("wallet:v2:7") == "wallet"
    assert cache_name("made-up-by-anyone:1") == "other"
    assert cache_name("no colon") == "other"
