"""API v1 for community events: the upcoming list by cursor, and writes (organize, RSVP)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from sqlmodel import Session

from aixplore.api.auth import rate_limit, require_scope
from aixplore.api.write_schemas import EventCursorPage, EventDetailOut, EventOut
from aixplore.api.writes import (
    MalformedRequest,
    decode_cursor,
    encode_cursor,
    json_body_doc,
    json_object,
    problem_responses,
    run_write,
)
from aixplore.core.db import read_scope
from aixplore.domain.apikeys.models import KeyPrincipal
from aixplore.domain.events import services as events
from aixplore.domain.events.feed import list_upcoming_after
from aixplore.domain.events.models import EventInput

router = APIRouter(prefix="/api/v1", tags=["events"])

EventId = Annotated[int, Path(description="The event's number.", ge=1, le=2**31 - 1)]
EventsWriter = Annotated[KeyPrincipal, Depends(require_scope("events", "write"))]
COMMON = (400, 401, 403, 413, 422, 429)
WRITE_LIMIT = [Depends(rate_limit("write"))]


@router.get(
    "/events",
    response_model=EventCursorPage,
    summary="Upcoming events, soonest first",
    dependencies=[Depends(rate_limit("read"))],
    responses=problem_responses(400, 422, 429),
)
def list_events(
    cursor: Annotated[str, Query(description="From the previous page's next_cursor.")] = "",
    limit: Annotated[int, Query(ge=1, le=100, description="1 to 100 (default 20).")] = 20,
) -> EventCursorPage:
    """Scheduled events that have not ended, by keyset cursor (stable under inserts)."""
    position = decode_cursor(cursor, {"s": str, "i": int})
    after = None
    if position is not None:
        try:
            after = (datetime.fromisoformat(position["s"]), position["i"])
        except ValueError:
            raise MalformedRequest(
                "The cursor is invalid; use the one from the previous page."
            ) from None
        if after[0].tzinfo is None:
            raise MalformedRequest("The cursor is invalid; use the one from the previous page.")
    with read_scope() as db:
        items, nxt = list_upcoming_after(db, after, limit)
    return EventCursorPage(
        items=[EventOut.of(e) for e in items],
        next_cursor=None if nxt is None else encode_cursor({"s": nxt[0].isoformat(), "i": nxt[1]}),
    )


@router.post(
    "/events",
    status_code=201,
    response_model=EventDetailOut,
    summary="Organize an event",
    dependencies=WRITE_LIMIT,
    openapi_extra=json_body_doc(EventInput),
    responses=problem_responses(*COMMON, 409),
)
async def create_event(request: Request, who: EventsWriter) -> Response:
    """Times are wall-clock times in ``timezone`` (``YYYY-MM-DDTHH:MM``)."""
    body, data = await json_object(request)

    def action(db: Session) -> EventDetailOut:
        return EventDetailOut.of_detail(events.do_create_event(db, who.actor, data))

    return await run_write(
        request, who, body, action, status=201, location=lambda o: f"/api/v1/events/{o['id']}"
    )


@router.put(
    "/events/{event_id}",
    response_model=EventDetailOut,
    summary="Change an event",
    dependencies=WRITE_LIMIT,
    openapi_extra=json_body_doc(EventInput),
    responses=problem_responses(*COMMON, 404, 409),
)
async def update_event(request: Request, event_id: EventId, who: EventsWriter) -> Response:
    """Every field at once; people going are told of a new time."""
    body, data = await json_object(request)

    def action(db: Session) -> EventDetailOut:
        return EventDetailOut.of_detail(events.do_update_event(db, who.actor, event_id, data))

    return await run_write(request, who, body, action)


@router.delete(
    "/events/{event_id}",
    response_model=EventDetailOut,
    summary="Cancel an event",
    dependencies=WRITE_LIMIT,
    responses=problem_responses(401, 403, 404, 409, 429),
)
async def cancel_event(request: Request, event_id: EventId, who: EventsWriter) -> Response:
    """Cancelled events stay visible as cancelled; people going are told."""

    def action(db: Session) -> EventDetailOut:
        return EventDetailOut.of_detail(events.do_cancel_event(db, who.actor, event_id))

    return await run_write(request, who, b"", action)


@router.post(
    "/events/{event_id}/rsvp",
    response_model=EventDetailOut,
    summary="Go to an event (or join its waitlist)",
    dependencies=WRITE_LIMIT,
    responses=problem_responses(401, 403, 404, 409, 429),
)
async def rsvp(request: Request, event_id: EventId, who: EventsWriter) -> Response:
    """A seat when one is left, else a place on the waitlist."""

    def action(db: Session) -> EventDetailOut:
        return EventDetailOut.of_detail(events.do_rsvp(db, who.actor, event_id))

    return await run_write(request, who, b"", action)


@router.delete(
    "/events/{event_id}/rsvp",
    response_model=EventDetailOut,
    summary="Cancel your RSVP",
    dependencies=WRITE_LIMIT,
    responses=problem_responses(401, 403, 404, 409, 429),
)
async def cancel_rsvp(request: Request, event_id: EventId, who: EventsWriter) -> Response:
    """Frees the seat for the first person waiting."""

    def action(db: Session) -> EventDetailOut:
        return EventDetailOut.of_detail(events.do_cancel_rsvp(db, who.actor, event_id))

    return await run_write(request, who, b"", action)
