"""The demo vocabulary, read from its data files, is exactly what the catalog was built from.

The digests were taken from ``aixplore/demo/content.py`` before its words moved to
``aixplore/demo/vocabulary/*.json``: the seeded demo catalog and the large catalog come out
the same.
If you change the demo vocabulary on purpose, print the new digests and update them here.
"""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, datetime

from aixplore.demo import content
from aixplore.demo.large import _rows
from aixplore.demo.plan import plan_catalog

NAMES = (
    "CATALOG",
    "PUBLISHERS",
    "FIRST_NAMES",
    "LAST_NAMES",
    "INTEGRATIONS",
    "REVIEW_TITLES",
    "REVIEW_OPENERS",
    "REVIEW_POINTS",
    "REVIEW_CLOSERS",
    "RELEASE_NOTES",
    "LARGE_WORDS",
    "LARGE_SUFFIXES",
)


def _digest(value: object) -> str:
    # repr tells tuples from lists and int keys from str keys, so a type change shows too.
    return hashlib.sha256(repr(value).encode()).hexdigest()


def test_the_vocabulary_is_unchanged() -> None:
    exposed = [(name, getattr(content, name)) for name in NAMES]
    assert _digest(exposed) == "911dce9b9c75931024548c81ab2d7604025cdae01f68fb64f06cec104b8a8dcf"


def test_the_planned_demo_catalog_is_unchanged() -> None:
    assert _digest(plan_catalog()) == (
        "4fd63150331abb63619ddca745da7613667d2c1d0e03bae398845f799afaee18"
    )


def test_the_large_catalog_rows_are_unchanged() -> None:
    categories = {c.slug: n for n, c in enumerate(content.CATALOG, 1)}
    now = datetime(2026, 12, 1, tzinfo=UTC)
    rows = _rows(random.Random(7), 0, 300, categories, [1, 2, 3], now)
    assert _digest(rows) == "0f67c9ec8e18266775a03fe365665ef7b2ce74087509aca59cb9048840f8f831"
