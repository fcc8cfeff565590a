"""The gallery room's open event: only a card of this gallery, or 0, is accepted."""

from __future__ import annotations

import pytest

from aixplore.web.gallery.state import open_request


@pytest.mark.parametrize(
    ("payload", "wanted"),
    [
        ({"id": 3}, 3),
        ({"id": 0}, 0),
        ({"id": 99}, None),  # not on these walls
        ({"id": True}, None),
        ({"id": "3"}, None),
        ({"id": 3.0}, None),
        ({}, None),
        ([3], None),
        ("3", None),
        (None, None),
    ],
)
def test_open_requests_are_checked_against_the_gallery(payload: object, wanted: object) -> None:
    assert open_request(payload, {3, 5}) == wanted
