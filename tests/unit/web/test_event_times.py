"""Event cards and pages show a UTC line only when the event's own times are not UTC times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from aixplore.domain.events.models import EventPublic, EventStatus
from aixplore.web.events.state import _card, _detail


def _event(zone: str, starts: datetime) -> EventPublic:
    return EventPublic(
        id=7,
        title="Meetup",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        timezone=zone,
        when_local="(local)",
        when_utc="(utc)",
        online=True,
        location="",
        capacity=10,
        going_count=0,
        seats_left=10,
        status=EventStatus.SCHEDULED,
        organizer_id=1,
        organizer_name="Olga",
        solution_slug="",
        solution_name="",
    )


@pytest.mark.parametrize(
    ("zone", "starts", "in_utc"),
    [
        ("UTC", datetime(2026, 7, 1, 10, tzinfo=UTC), True),
        ("Europe/London", datetime(2026, 12, 8, 10, tzinfo=UTC), True),  # GMT in winter
        ("Europe/London", datetime(2026, 7, 8, 10, tzinfo=UTC), False),  # BST in summer
        ("Europe/Berlin", datetime(2026, 12, 8, 10, tzinfo=UTC), False),
        ("Africa/Abidjan", datetime(2026, 7, 8, 10), True),  # a naive time is taken as UTC
        # Ends after the clocks change: the end is not a UTC time.
        ("Europe/London", datetime(2026, 3, 29, 0, 30, tzinfo=UTC), False),
    ],
)
def test_the_utc_line_is_left_out_only_when_it_would_repeat_the_times(
    zone: str, starts: datetime, in_utc: bool
) -> None:
    event = _event(zone, starts)
    assert _card(event)["in_utc"] is in_utc
    assert _detail(event)["in_utc"] is in_utc
