"""Reading PostgreSQL's binary arrays (``array_send``) into the facet columns' numpy arrays."""

from __future__ import annotations

import struct

import numpy as np
import pytest

from aixplore.domain.solutions.match_arrays import unpacked

INT4, FLOAT4 = 23, 700  # PostgreSQL's type oids


def _packed(values: list[float], kind: str, *, dims: int = 1, nulls: int = 0) -> bytes:
    oid = INT4 if kind == "i" else FLOAT4
    head = struct.pack(">iii", dims, nulls, oid) + struct.pack(">ii", len(values), 1) * dims
    return head + b"".join(struct.pack(f">i{kind}", 4, v) for v in values)


def test_ids_and_scores_come_back_in_order_and_widened() -> None:
    ids = unpacked(_packed([7, -3, 2_000_000_000], "i"), "i")
    assert ids.dtype == np.int64
    assert ids.tolist() == [7, -3, 2_000_000_000]
    scores = unpacked(_packed([0.5, 0.0607927, 1.25], "f"), "f")
    assert scores.dtype == np.float64
    assert scores.tolist() == pytest.approx([0.5, 0.0607927, 1.25], rel=1e-6)
    assert scores[1] == np.float32(0.0607927)  # the float4 value exactly, as PostgreSQL sorts it


def test_no_matches_is_an_empty_array() -> None:
    assert unpacked(None, "i").tolist() == []  # array_agg over no rows
    assert unpacked(struct.pack(">iii", 0, 0, INT4), "f").tolist() == []  # an empty array


@pytest.mark.parametrize(
    "packed",
    [
        _packed([1, 2], "i", dims=2),
        _packed([1, 2], "i", nulls=1),
        _packed([1, 2, 3], "i")[:-8],  # shorter than its length says
        struct.pack(">iiiii", 1, 0, 20, 1, 1) + struct.pack(">iq", 8, 5),  # int8 elements
    ],
)
def test_anything_else_is_refused(packed: bytes) -> None:
    with pytest.raises(ValueError):
        unpacked(packed, "i")
