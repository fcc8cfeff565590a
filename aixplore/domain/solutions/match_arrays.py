"""Matches read from the database as arrays: PostgreSQL's binary arrays and scored rows."""

from __future__ import annotations

import struct
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

IntArray = NDArray[np.int64]


# PostgreSQL's binary array format (array_send) for one dimension: number of dimensions,
# has-nulls flag, element type, length, lower bound; then per element its byte length and
# its big-endian value.
_ARRAY_HEADER = struct.Struct(">iiiii")


def unpacked(packed: bytes | None, kind: Literal["i", "f", "d"]) -> NDArray[Any]:
    """A one-dimensional ``int4`` (``kind`` "i"), ``float4`` ("f") or ``float8`` ("d") array
    without nulls, as ``array_send`` wrote it, as int64 or float64 (None, from aggregating no
    rows: empty)."""
    wide = np.int64 if kind == "i" else np.float64
    if packed is None or len(packed) < _ARRAY_HEADER.size:
        return np.zeros(0, dtype=wide)
    dimensions, has_nulls, _type, length, _lower = _ARRAY_HEADER.unpack_from(packed)
    if dimensions != 1 or has_nulls:
        raise ValueError("expected one dimension without nulls")
    size = 8 if kind == "d" else 4
    element = f">{'f' if kind == 'd' else kind}{size}"
    cells = np.frombuffer(
        packed, dtype=np.dtype([("size", ">i4"), ("value", element)]), offset=_ARRAY_HEADER.size
    )
    if len(cells) != length or not (cells["size"] == size).all():
        raise ValueError(f"expected {size}-byte elements")
    return cells["value"].astype(wide)


def scored(rows: list[tuple[Any, ...]]) -> tuple[IntArray, NDArray[np.float64]]:
    """(solution id, score) rows as the arrays :meth:`Columns.rank` orders."""
    if not rows:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    ids, scores = zip(*rows, strict=True)
    return np.array(ids, dtype=np.int64), np.array(scores, dtype=np.float64)
