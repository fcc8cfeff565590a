"""Helpers for the benchmarks that fill tables with millions of rows."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

Row = TypeVar("Row")


def batched(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    """``rows`` in lists of ``size`` (the last one shorter), read lazily."""
    batch: list[Row] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
