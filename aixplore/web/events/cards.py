"""What the event pages show of an event: its times in the viewer's zone, its host and the
faces of the people going, and the cards of the list."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aixplore.domain.events import services as events
from aixplore.domain.events.models import EventPage, EventPublic, is_known_timezone, zone

EVENTS = "/events"


def place(event: EventPublic) -> str:
    parts = [event.location, "Online" if event.online else ""]
    return " · ".join(p for p in parts if p)


def viewer_zone(value: Any) -> str:
    """``value`` as the viewer's IANA zone, or "" when the browser sent no real zone (any
    browser may send anything: the event's own zone is shown then)."""
    return str(value) if is_known_timezone(value) else ""


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _same_clock(event: EventPublic, viewer: str) -> bool:
    """Whether the viewer's clock reads as the event's at its start and end (the event's own
    line would repeat the viewer's then)."""
    here, there = zone(event.timezone), zone(viewer)
    return all(
        _aware(t).astimezone(here).utcoffset() == _aware(t).astimezone(there).utcoffset()
        for t in (event.starts_at, event.ends_at)
    )


def zone_fields(event: EventPublic, viewer: str) -> dict[str, str]:
    """The page's times: in the viewer's zone, and in the event's own when it reads otherwise."""
    own = "" if not viewer or _same_clock(event, viewer) else event.when_local
    return {"when": _when(event, viewer), "event_when": own}


def _when(event: EventPublic, viewer: str) -> str:
    """The event's time in the viewer's zone; in the event's own, with its name, until the
    viewer's zone is known."""
    if not viewer:
        return event.when_local
    return events.format_for_viewer(_aware(event.starts_at), _aware(event.ends_at), viewer)


# The colours of the people's faces: Radix accent scales whose soft avatars keep 4.5:1.
FACE_COLORS = ("tomato", "crimson", "plum", "violet", "indigo", "cyan", "teal", "grass", "brown")


def _faces(event: EventPublic) -> tuple[tuple[str, str], ...]:
    """The faces of the first people going, as (initials, colour); the colour follows the
    person (their user id), so a face looks the same on every card."""
    return tuple((text, FACE_COLORS[user_id % len(FACE_COLORS)]) for user_id, text in event.faces)


def _host_href(event: EventPublic) -> str:
    return f"/publishers/{event.organizer_id}"


def detail(event: EventPublic, viewer: str = "") -> dict[str, Any]:
    """Everything the event page shows, times in the viewer's zone (and in the event's own
    when the clocks there read otherwise)."""
    data = event.model_dump(mode="json")
    data["href"] = f"{EVENTS}/{event.id}"
    data["place"] = place(event)
    data.update(zone_fields(event, viewer))
    data["host_href"] = _host_href(event)
    data["faces"] = _faces(event)
    return data


# A card in the list travels as a tuple in this order: the field names, repeated on every card
# of every load, were over a third of each update's bytes. ``CARD`` names the positions for
# the page.
CARD_FIELDS = (
    "title",
    "href",
    "when",
    "place",
    "capacity",
    "seats_left",
    "going_count",
    "organizer_name",
    "host_href",
    "faces",
    "solution_slug",
    "solution_name",
)
CARD = {name: i for i, name in enumerate(CARD_FIELDS)}
Card = tuple[Any, ...]


def card(event: EventPublic, viewer: str = "") -> Card:
    """What an event card in the list shows, and nothing else (each load sends these)."""
    return (
        event.title,
        f"{EVENTS}/{event.id}",
        _when(event, viewer),
        place(event),
        event.capacity,
        event.seats_left,
        event.going_count,
        event.organizer_name,
        _host_href(event),
        _faces(event),
        event.solution_slug,
        event.solution_name,
    )


# The cards of the listing pages read lately, by page object and viewer's zone: cached listings
# are decoded once per stored entry and shared (see ``cache.cached_current``), so every load of
# the same entry brings the same frozen ``EventPage`` and its cards need building once a zone.
_CARDS: dict[tuple[int, str], tuple[EventPage, tuple[Card, ...]]] = {}
_CARDS_MAX = 256


def cards(page: EventPage, viewer: str = "") -> list[Card]:
    """The cards of ``page``: a new list each time (state owns it), the same card tuples."""
    kept = _CARDS.get((id(page), viewer))
    if kept is None or kept[0] is not page:
        if len(_CARDS) >= _CARDS_MAX:
            _CARDS.clear()
        kept = (page, tuple(card(e, viewer) for e in page.items))
        _CARDS[(id(page), viewer)] = kept
    return list(kept[1])
