"""GraphQL's community events: the upcoming and past listings, and one event in detail.

Listings are the site's (scheduled events only, twelve a page, soonest first or most recent
first for the past ones, from the same cache). One event comes from ``events.get_event`` in
the caller's terms: its online link only for people going and its organizers, as on its page.
"""

from __future__ import annotations

import re
from datetime import datetime
from enum import Enum

import strawberry
from starlette.concurrency import run_in_threadpool

from aixplore.api.gql.common import Node, PageInfo, decode, encode, node_id, row_id_of
from aixplore.core.db import read_scope
from aixplore.core.errors import NotFound, ValidationFailed
from aixplore.domain.accounts.models import Actor
from aixplore.domain.events import reading
from aixplore.domain.events.models import EventDetail as EventDetailModel
from aixplore.domain.events.models import EventPublic

_PAGE = re.compile(r"page:(?P<page>[1-9][0-9]{0,3})")


@strawberry.enum
class EventListing(Enum):
    """Which events to list."""

    UPCOMING = "upcoming"
    PAST = "past"


def _fields(event: EventPublic) -> dict[str, object]:
    return {
        "id": node_id("Event", event.id),
        "number": event.id,
        "title": event.title,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "timezone": event.timezone,
        "online": event.online,
        "location": event.location,
        "capacity": event.capacity,
        "going_count": event.going_count,
        "seats_left": event.seats_left,
        "status": event.status.value,
        "organizer_name": event.organizer_name,
        "solution_slug": event.solution_slug,
    }


@strawberry.type
class Event(Node):
    """A community event as listed."""

    number: int
    title: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    online: bool
    location: str
    capacity: int
    going_count: int
    seats_left: int
    status: str
    organizer_name: str
    solution_slug: str = strawberry.field(description="The solution it is about, if any.")


@strawberry.type
class EventDetail(Event):
    """An event in the caller's terms, as its page shows it."""

    description: str = strawberry.field(description="Markdown.")
    online_url: str = strawberry.field(description="Empty unless the caller is going or runs it.")
    my_status: str = strawberry.field(description="going, waitlisted or empty.")
    can_manage: bool


@strawberry.type
class EventConnection:
    """A page of twelve events."""

    nodes: list[Event]
    page_info: PageInfo
    total_count: int


def list_events(listing: EventListing, after: str | None) -> EventConnection:
    """One page of the upcoming or past events, after the page ``after`` names."""
    page = 1
    if after is not None:
        match = _PAGE.fullmatch(decode(after, "cursor"))
        if match is None:
            raise ValidationFailed("Not a valid cursor.", field="after")
        page = int(match["page"]) + 1
    with read_scope() as db:
        found = (
            reading.list_past(db, page=page)
            if listing == EventListing.PAST
            else (reading.list_upcoming(db, page=page))
        )
    cursor = encode(f"page:{page}")
    return EventConnection(
        nodes=[Event(**_fields(e)) for e in found.items],  # type: ignore[arg-type]
        page_info=PageInfo(
            has_next_page=page < found.pages,
            has_previous_page=page > 1,
            start_cursor=cursor if found.items else None,
            end_cursor=cursor if found.items else None,
        ),
        total_count=found.total,
    )


def event_of(viewer: Actor | None, event_id: str) -> EventDetail | None:
    """One event by global id as ``viewer`` sees it; null when there is none."""
    row_id = row_id_of(event_id, "Event")
    with read_scope() as db:
        try:
            found: EventDetailModel = reading.get_event(db, viewer, row_id)
        except NotFound:
            return None
    return EventDetail(
        **_fields(found),  # type: ignore[arg-type]
        description=found.description_md,
        online_url=found.online_url,
        my_status=found.my_status,
        can_manage=found.can_manage,
    )


async def events_page(listing: EventListing, after: str | None) -> EventConnection:
    """``list_events`` off the event loop."""
    return await run_in_threadpool(list_events, listing, after)
