"""Calendar files of community events: ``GET /api/v1/events/{event_id}.ics``.

The file is built for whoever asks: a signed-in browser's session cookie is resolved like
the site does, so the people going (and the organizer) get the online link in the file and
everyone else gets the event's page instead. The body therefore varies with the cookie and
is never stored by shared caches.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import JSONResponse

from aixplore.core.db import read_scope
from aixplore.core.errors import DomainError
from aixplore.domain.accounts.actor_cache import authenticate
from aixplore.domain.events import services as events
from aixplore.domain.events.delivery import build_ics
from aixplore.domain.events.models import EventStatus

router = APIRouter(prefix="/api/v1", tags=["events"])

# The site's session cookie (aixplore.web.session.COOKIE_NAME; the API may not import web).
SESSION_COOKIE = "aixplore_session"
MAX_ID_DIGITS = 10

_PROBLEM_SCHEMA = {
    "type": "object",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string"},
    },
}


def _not_found() -> JSONResponse:
    return JSONResponse(
        {
            "type": "about:blank",
            "title": "Not Found",
            "status": 404,
            "detail": "No such event.",
            "code": "not_found",
        },
        status_code=404,
        media_type="application/problem+json",
    )


@router.get(
    "/events/{event_id}.ics",
    summary="An event as an iCalendar file",
    response_class=Response,
    responses={
        200: {
            "description": "An RFC 5545 calendar with one event (times in UTC).",
            "content": {"text/calendar": {"schema": {"type": "string"}}},
        },
        404: {
            "description": "No such event, or it was cancelled.",
            "content": {"application/problem+json": {"schema": _PROBLEM_SCHEMA}},
        },
    },
)
def event_calendar(
    request: Request, event_id: Annotated[str, Path(description="The event's number.")]
) -> Response:
    """Download an event for a calendar application."""
    if not event_id.isdigit() or len(event_id) > MAX_ID_DIGITS:
        return _not_found()
    try:
        actor = authenticate(request.cookies.get(SESSION_COOKIE, ""))
        with read_scope() as db:
            detail = events.get_event(db, actor, int(event_id))
    except DomainError:
        return _not_found()
    if detail.status == EventStatus.CANCELLED:
        return _not_found()
    return Response(
        build_ics(detail),
        media_type="text/calendar; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="event-{detail.id}.ics"',
            "Cache-Control": "private, no-cache",
            "Vary": "Cookie",
        },
    )
