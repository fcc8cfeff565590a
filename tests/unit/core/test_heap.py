"""core.heap: what a worker holds at startup is kept out of later collections."""

from __future__ import annotations

import gc

from aixplore.core import heap


def test_settle_freezes_what_is_alive() -> None:
    kept = [object() for _ in range(1_000)]
    gc.unfreeze()
    try:
        heap.settle()
        assert gc.get_freeze_count() >= len(kept)
    finally:
        gc.unfreeze()
