"""core.heap: what a worker holds at startup is kept out of later collections."""

from __future__ import annotations

import gc

from aixplore.core import heap


def test_settle_freezes_what_is_alive_and_collects_the_young_less_often() -> None:
    kept = [object() for _ in range(1_000)]
    thresholds = gc.get_threshold()
    gc.unfreeze()
    gc.set_threshold(700, 10, 10)
    try:
        heap.settle()
        assert gc.get_freeze_count() >= len(kept)
        assert gc.get_threshold() == (heap.YOUNG, 10, 10)
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
