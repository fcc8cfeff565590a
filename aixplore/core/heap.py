"""The garbage collector and a long-lived server process.

A worker imports Reflex, SQLAlchemy, pydantic and the app: hundreds of thousands of objects
that live as long as the process. CPython's full (oldest generation) collection walks all of
them every time, 35-40 ms for the search benchmark's process and more for a Reflex worker,
and it lands inside whichever request allocated last: every tenth cold search paid it
(bench/search.py, p50 22 ms but p95 59 ms). :func:`settle` collects once at startup and
freezes what is alive then, so later collections only walk what was made since.
"""

from __future__ import annotations

import gc


def settle() -> None:
    """Collect once, then keep every object alive now out of later collections."""
    gc.collect()
    gc.freeze()
