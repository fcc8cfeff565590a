"""Event cards and pages show a UTC line only when the event's own times are not UTC times."""

from __future__ import annotations

import gc
from datetime import UTC, datetime, timedelta

import pytest

from aixplore.domain.events.models import EventPage, EventPublic, EventStatus, zone
from aixplore.web.events.state import CARD, CARD_FIELDS, FACE_COLORS, _card, _cards, _detail


def _event(zone: str, starts: datetime, event_id: int = 7) -> EventPublic:
    return EventPublic(
        id=event_id,
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
    assert _card(event)[CARD["in_utc"]] is in_utc
    assert _detail(event)["in_utc"] is in_utc


def test_zones_stay_loaded_and_unknown_names_read_as_utc() -> None:
    # ZoneInfo keeps only eight zones strongly: a page of events in twelve re-read their files
    # on every view once the page's zone objects were dropped.
    names = sorted(
        {
            "Asia/Tokyo", "America/Chicago", "Europe/Paris", "Australia/Sydney", "Asia/Kolkata",
            "America/Toronto", "Europe/Berlin", "Europe/London", "America/New_York", "UTC",
            "America/Los_Angeles", "Europe/Amsterdam",
        }
    )  # fmt: skip
    keys = [zone(n).key for n in names]
    gc.collect()
    misses = zone.cache_info().misses
    assert [zone(n).key for n in names] == keys == names
    assert zone.cache_info().misses == misses
    assert zone("Mars/Olympus_Mons").key == "UTC"
    assert zone("../../etc/passwd").key == "UTC"


def test_cards_are_built_once_per_shared_page_and_anew_for_a_new_page() -> None:
    starts = datetime(2026, 12, 8, 10, tzinfo=UTC)
    items = tuple(_event(z, starts, i) for i, z in enumerate(["UTC", "Asia/Tokyo"], start=1))
    page = EventPage(items=items, total=2, page=1, pages=1)
    first, again = _cards(page), _cards(page)
    assert first == [_card(e) for e in items]
    assert first is not again  # each state gets a list of its own
    assert all(a is b for a, b in zip(first, again, strict=True))
    # A new page (the entry changed, say a seat was taken) gets cards of its own.
    changed = EventPage(
        items=(items[0], items[1].model_copy(update={"seats_left": 9, "going_count": 1})),
        total=2,
        page=1,
        pages=1,
    )
    seats = CARD["seats_left"]
    assert [c[seats] for c in _cards(changed)] == [10, 9]
    assert [c[seats] for c in _cards(page)] == [10, 10]


def test_a_card_holds_its_fields_in_the_named_order() -> None:
    event = _event("Asia/Tokyo", datetime(2026, 12, 8, 10, tzinfo=UTC), 7).model_copy(
        update={"capacity": 30, "seats_left": 20, "going_count": 10, "location": "Kyoto"}
        | {"organizer_name": "Ada", "solution_slug": "ocr", "solution_name": "OCR"}
    )
    card = dict(zip(CARD_FIELDS, _card(event), strict=True))
    assert card["href"] == "/events/7" and card["title"] == event.title
    assert (card["capacity"], card["seats_left"], card["going_count"]) == (
        event.capacity,
        event.seats_left,
        event.going_count,
    )
    assert (card["when_local"], card["when_utc"]) == (event.when_local, event.when_utc)
    assert (card["organizer_name"], card["solution_slug"], card["solution_name"]) == (
        event.organizer_name,
        event.solution_slug,
        event.solution_name,
    )
    assert card["in_utc"] is False and card["place"] == "Kyoto · Online"
    assert card["host_href"] == "/publishers/1" and card["faces"] == ()


def test_faces_keep_a_colour_per_person() -> None:
    event = _event("UTC", datetime(2026, 12, 8, 10, tzinfo=UTC)).model_copy(
        update={"faces": ((3, "AB"), (4, "C"), (3 + len(FACE_COLORS), "AB"))}
    )
    faces = dict(zip(CARD_FIELDS, _card(event), strict=True))["faces"]
    assert [text for text, _ in faces] == ["AB", "C", "AB"]
    assert faces[0][1] == faces[2][1] != faces[1][1]
    assert _detail(event)["faces"] == faces and _detail(event)["host_href"] == "/publishers/1"
