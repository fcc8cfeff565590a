"""Event cards and pages: times in the viewer's zone (and the event's own), faces, the host."""

from __future__ import annotations

import gc
from datetime import UTC, datetime, timedelta

import pytest

from aixplore.domain.events.models import EventPage, EventPublic, EventStatus, zone
from aixplore.domain.events.reading import format_for_viewer
from aixplore.web.events.cards import CARD, CARD_FIELDS, FACE_COLORS, viewer_zone
from aixplore.web.events.cards import card as _card
from aixplore.web.events.cards import cards as _cards
from aixplore.web.events.cards import detail as _detail


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
    ("viewer", "starts", "shown"),
    [
        ("Europe/Berlin", datetime(2027, 12, 8, 17, tzinfo=UTC), "Wed 8 Dec 2027, 18:00 – 20:00"),
        ("Asia/Tokyo", datetime(2027, 12, 8, 14, tzinfo=UTC), "Wed 8 Dec 2027, 23:00 – Thu 9 Dec "
         "2027, 01:00"),
        ("America/New_York", datetime(2027, 7, 1, 22, 30, tzinfo=UTC), "Thu 1 Jul 2027, 18:30 – "
         "20:30"),
    ],
)  # fmt: skip
def test_times_are_written_in_the_viewers_zone(viewer: str, starts: datetime, shown: str) -> None:
    assert format_for_viewer(starts, starts + timedelta(hours=2), viewer) == f"{shown} (your time)"
    this_year = datetime.now(UTC).replace(month=6, day=2, hour=12, minute=0)
    assert format_for_viewer(this_year, this_year + timedelta(hours=1), "UTC").startswith(
        f"{this_year:%a} 2 Jun, 12:00 – 13:00"
    )


@pytest.mark.parametrize(
    ("zone", "viewer", "starts", "own_line"),
    [
        ("Europe/Berlin", "Europe/Berlin", datetime(2026, 12, 8, 10, tzinfo=UTC), False),
        ("Europe/Berlin", "Europe/Paris", datetime(2026, 12, 8, 10, tzinfo=UTC), False),
        ("Europe/Berlin", "Asia/Tokyo", datetime(2026, 12, 8, 10, tzinfo=UTC), True),
        ("UTC", "Europe/London", datetime(2026, 12, 8, 10, tzinfo=UTC), False),  # GMT in winter
        ("UTC", "Europe/London", datetime(2026, 7, 8, 10, tzinfo=UTC), True),  # BST in summer
        # Ends after the clocks change: the clocks no longer read alike.
        ("UTC", "Europe/London", datetime(2026, 3, 29, 0, 30, tzinfo=UTC), True),
        ("Africa/Abidjan", "UTC", datetime(2026, 7, 8, 10), False),  # a naive time is UTC
    ],
)
def test_the_events_own_time_is_shown_only_when_the_viewers_clock_reads_otherwise(
    zone: str, viewer: str, starts: datetime, own_line: bool
) -> None:
    event = _event(zone, starts)
    shown = _detail(event, viewer)
    assert shown["when"].endswith("(your time)")
    assert shown["event_when"] == ("(local)" if own_line else "")
    assert _card(event, viewer)[CARD["when"]] == shown["when"]
    assert "when_utc" not in CARD and "in_utc" not in CARD


@pytest.mark.parametrize(
    "sent", ["", "Mars/Olympus_Mons", "../../etc/passwd", None, 3, ["UTC"], {"z": 1}, "x" * 10**5]
)
def test_a_zone_the_browser_sends_that_is_no_iana_zone_falls_back_to_the_events(
    sent: object,
) -> None:
    assert viewer_zone(sent) == ""
    event = _event("Europe/Berlin", datetime(2026, 12, 8, 10, tzinfo=UTC))
    assert _detail(event, viewer_zone(sent))["when"] == "(local)"
    assert _card(event, viewer_zone(sent))[CARD["when"]] == "(local)"
    assert viewer_zone("America/Argentina/Buenos_Aires") == "America/Argentina/Buenos_Aires"


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
    assert card["when"] == event.when_local  # until the viewer's zone is known
    assert (card["organizer_name"], card["solution_slug"], card["solution_name"]) == (
        event.organizer_name,
        event.solution_slug,
        event.solution_name,
    )
    assert card["place"] == "Kyoto · Online"
    assert card["host_href"] == "/publishers/1" and card["faces"] == ()


def test_faces_keep_a_colour_per_person() -> None:
    event = _event("UTC", datetime(2026, 12, 8, 10, tzinfo=UTC)).model_copy(
        update={"faces": ((3, "AB"), (4, "C"), (3 + len(FACE_COLORS), "AB"))}
    )
    faces = dict(zip(CARD_FIELDS, _card(event), strict=True))["faces"]
    assert [text for text, _ in faces] == ["AB", "C", "AB"]
    assert faces[0][1] == faces[2][1] != faces[1][1]
    assert _detail(event)["faces"] == faces and _detail(event)["host_href"] == "/publishers/1"
