"""The garbage collector and a long-lived server process.

A worker imports Reflex, SQLAlchemy, pydantic and the app: hundreds of thousands of objects
that live as long as the process. CPython's full (oldest generation) collection walks all of
them every time, 35-40 ms for the search benchmark's process and more for a Reflex worker,
and it lands inside whichever request allocated last: every tenth cold search paid it
(bench/search.py, p50 22 ms but p95 59 ms). :func:`settle` collects once at startup and
freezes what is alive then, so later collections only walk what was made since.

It also makes the youngest generation larger. CPython collects it after every 700 net
allocations; a busy event loop with 200 tabs in flight holds thousands of short-lived objects
(each event's state, delta and frames) at any moment, so every collection moved many of them
to the older generations, whose counters then set off a full collection every second or so.
Counted with ``gc.callbacks`` on one worker at 200 tabs (``bench/events.py``, the token
page): 150 young, 13 middle and 1.5 full collections a second, 9-10% of the worker's time,
and each full one a 30 ms pause (130,000 objects made after startup: the tabs' states). With
:data:`YOUNG` at 20,000 the young generation is collected a few times a minute and the
others not at all in a minute-long run, and the same worker answers 8-17% more events a
second (paired runs). Cyclic garbage waits a little longer: at most :data:`YOUNG` objects.
"""

from __future__ import annotations

import gc

YOUNG = 20_000


def settle() -> None:
    """Collect once, keep every object alive now out of later collections, and collect the
    youngest generation less often (see the module's text)."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG, middle, old)
