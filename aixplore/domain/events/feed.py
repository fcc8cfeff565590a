"""Upcoming events a page at a time by keyset (for API cursors): stable while events change."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, or_
from sqlmodel import Session, col, select

from aixplore.core.time import utcnow
from aixplore.domain.events.models import Event, EventPublic, EventStatus
from aixplore.domain.events.reading import publics


def list_upcoming_after(
    session: Session, after: tuple[datetime, int] | None, limit: int
) -> tuple[list[EventPublic], tuple[datetime, int] | None]:
    """Scheduled events that have not ended, soonest first, after ``(starts_at, id)``.

    Returns the page and the position to continue from (None on the last page).
    """
    stmt = select(Event).where(
        Event.status == EventStatus.SCHEDULED,
        col(Event.ends_at) > utcnow(),
        ~col(Event.members_only),
    )
    if after is not None:
        starts, event_id = after
        stmt = stmt.where(
            or_(
                col(Event.starts_at) > starts,
                and_(col(Event.starts_at) == starts, col(Event.id) > event_id),
            )
        )
    rows = list(
        session.exec(stmt.order_by(col(Event.starts_at), col(Event.id)).limit(limit + 1)).all()
    )
    more = len(rows) > limit
    rows = rows[:limit]
    last = rows[-1] if more and rows else None
    return publics(session, rows), (None if last is None else (last.starts_at, last.id or 0))
