"""Rate limits in memory (no Redis): counted exactly, swept without a thread per hit."""

from __future__ import annotations

import threading

import pytest
from limits import parse
from limits.storage import memory
from limits.strategies import MovingWindowRateLimiter

from aixplore.core import ratelimit


def test_hits_start_no_sweeping_thread_and_still_count_exactly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The library restarted its sweep timer on a hit once the last one had finished (a new
    thread every 10 ms under load); the sweep now runs inline, at most once a second."""
    storage = ratelimit.MemoryLimits()
    storage.timer.join()  # the one the library's constructor starts
    started: list[float] = []

    class Counted(threading.Timer):
        def start(self) -> None:
            started.append(self.interval)
            super().start()

    monkeypatch.setattr(memory.threading, "Timer", Counted)
    limiter = MovingWindowRateLimiter(storage)
    item = parse("3/minute")
    assert [limiter.hit(item, "anon", "1.2.3.4") for _ in range(4)] == [True] * 3 + [False]
    assert limiter.hit(item, "anon", "5.6.7.8")
    assert started == []


def test_the_sweep_frees_expired_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    storage = ratelimit.MemoryLimits()
    limiter = MovingWindowRateLimiter(storage)
    limiter.hit(parse("5/second"), "gone")
    assert [key.split("/")[1] for key in storage.events] == ["gone"]
    clock = [memory.time.time() + 5]
    monkeypatch.setattr(memory.time, "time", lambda: clock[0])
    storage._next_sweep = 0.0  # due at once
    limiter.hit(parse("5/second"), "other")
    held = {key.split("/")[1]: len(events) for key, events in storage.events.items()}
    assert held == {"gone": 0, "other": 1}  # the library empties a window, keeps its key
