"""Community events: organize, and RSVP with a waitlist.

Every change to an event's RSVPs happens after locking the event row (``SELECT ... FOR
UPDATE`` on PostgreSQL; SQLite transactions take the write lock at BEGIN, see
``aixplore.core.db``), so concurrent RSVPs can never put more people on "going" than there
are seats, and a freed seat goes to the first person on the waitlist in the same transaction.

An online event's link is shown to the people going and to those who manage the event only:
with a public link the capacity would mean nothing. Showing events and their listings is
``reading`` (its public names are importable from here too), reminders are ``delivery``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from aixplore.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import Actor, User
from aixplore.domain.accounts.services import parse_input, require_actor
from aixplore.domain.activity.models import FeedKind
from aixplore.domain.activity.services import record_activity
from aixplore.domain.events.models import (
    Event,
    EventDetail,
    EventInput,
    EventRsvp,
    EventStatus,
    RsvpStatus,
)
from aixplore.domain.events.reading import (
    LISTING_CACHE_SECONDS,
    LISTINGS,
    MAX_PAGE,
    PAGE_SIZE,
    can_manage,
    check_may_see,
    event_url,
    format_for_viewer,
    format_when,
    get_event,
    list_for_solution,
    list_past,
    list_upcoming,
    listing_cache_keys,
    my_rsvp,
    valid_event_id,
)
from aixplore.domain.mail.services import do_queue_mail
from aixplore.domain.solutions.markdown import render_markdown
from aixplore.domain.solutions.models import Solution, SolutionStatus
from aixplore.domain.webhooks import services as webhooks

__all__ = [
    "LISTINGS",
    "LISTING_CACHE_SECONDS",
    "MAX_AHEAD",
    "MAX_PAGE",
    "MAX_UPCOMING_PER_ORGANIZER",
    "PAGE_SIZE",
    "REMINDER_BATCH",
    "do_cancel_event",
    "do_cancel_rsvp",
    "do_create_event",
    "do_rsvp",
    "do_update_event",
    "event_url",
    "format_for_viewer",
    "format_when",
    "get_event",
    "list_for_solution",
    "list_past",
    "list_upcoming",
    "listing_cache_keys",
]

MAX_AHEAD = timedelta(days=3 * 365)
MAX_UPCOMING_PER_ORGANIZER = 50
REMINDER_BATCH = 500


def _lock_event(session: Session, event_id: Any) -> Event:
    """The event row, locked for the rest of the transaction and read fresh."""
    event = session.exec(
        select(Event)
        .where(Event.id == valid_event_id(event_id))
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if event is None:
        raise NotFound("No such event.")
    return event


def _managed(session: Session, actor: Actor | None, event_id: Any) -> tuple[Actor, Event]:
    actor = require_actor(actor)
    event = _lock_event(session, event_id)
    if not can_manage(actor, event):
        raise PermissionDenied("Only the organizer can change this event.")
    return actor, event


def _going_count(session: Session, event_id: int) -> int:
    return int(
        session.exec(
            select(func.count())
            .select_from(EventRsvp)
            .where(EventRsvp.event_id == event_id, EventRsvp.status == RsvpStatus.GOING)
        ).one()
    )


def _next_position(session: Session, event_id: int) -> int:
    last = session.exec(
        select(func.max(EventRsvp.position)).where(EventRsvp.event_id == event_id)
    ).one()
    return int(last or 0) + 1


def _own_solution(session: Session, actor: Actor, slug: str) -> Solution:
    solution = session.exec(select(Solution).where(Solution.slug == slug)).first()
    if (
        solution is None
        or solution.status != SolutionStatus.PUBLISHED
        or (solution.owner_id != actor.user_id and not actor.is_platform_admin)
    ):
        raise ValidationFailed(
            "Tie the event to one of your own published solutions, or to none.", field="solution"
        )
    return solution


# ---- Organizing ----


def _check_times(starts: datetime, ends: datetime) -> None:
    now = utcnow()
    if starts <= now:
        raise ValidationFailed("The event must start in the future.", field="starts_at")
    if starts > now + MAX_AHEAD:
        raise ValidationFailed("Plan events at most three years ahead.", field="starts_at")
    if ends <= starts:  # the input model checks this too; the database refuses it as well
        raise ValidationFailed("The event must end after it starts.", field="ends_at")


def _apply(event: Event, form: EventInput, starts: datetime, ends: datetime) -> None:
    event.title = form.title
    event.description_md = form.description
    event.description_html = render_markdown(form.description)
    event.starts_at, event.ends_at, event.timezone = starts, ends, form.timezone
    event.online_url, event.location, event.capacity = form.online_url, form.location, form.capacity
    event.updated_at = utcnow()


def do_create_event(
    session: Session,
    actor: Actor | None,
    data: Any,
    *,
    group_id: int | None = None,
    members_only: bool = False,
) -> EventDetail:
    """Create an event organized by the actor (any signed-in member).

    ``group_id`` and ``members_only`` come only from domain/groups, which authorizes hosting
    an event in a group (never from a handler's arguments).
    """
    actor = require_actor(actor)
    form: EventInput = parse_input(EventInput, data)
    starts, ends = form.utc_range()
    _check_times(starts, ends)
    upcoming = session.exec(
        select(func.count())
        .select_from(Event)
        .where(
            Event.organizer_id == actor.user_id,
            Event.status == EventStatus.SCHEDULED,
            col(Event.ends_at) > utcnow(),
        )
    ).one()
    if upcoming >= MAX_UPCOMING_PER_ORGANIZER:
        raise Conflict(
            f"You can organize at most {MAX_UPCOMING_PER_ORGANIZER} upcoming events at once."
        )
    solution = _own_solution(session, actor, form.solution) if form.solution else None
    event = Event(
        organizer_id=actor.user_id,
        solution_id=solution.id if solution else None,
        title=form.title,
        starts_at=starts,
        ends_at=ends,
        timezone=form.timezone,
        capacity=form.capacity,
        group_id=group_id,
        members_only=members_only and group_id is not None,
    )
    _apply(event, form, starts, ends)
    session.add(event)
    session.flush()
    webhooks.emit(session, "event.created", webhooks.event_data(event), [actor.user_id])
    record_activity(
        session,
        actor.user_id,
        FeedKind.EVENT_HOSTED,
        event.id or 0,
        group_id=group_id,
        members_only=event.members_only,
    )
    return get_event(session, actor, event.id)


def do_update_event(session: Session, actor: Actor | None, event_id: Any, data: Any) -> EventDetail:
    """Edit an event (organizer or platform admin); a larger capacity promotes the waitlist."""
    actor, event = _managed(session, actor, event_id)
    if event.status == EventStatus.CANCELLED:
        raise Conflict("A cancelled event cannot be edited.")
    if event.ends_at <= utcnow():
        raise Conflict("This event is over; it can no longer be edited.")
    form: EventInput = parse_input(EventInput, data)
    starts, ends = form.utc_range()
    moved = starts != event.starts_at
    if moved:
        _check_times(starts, ends)
    going = _going_count(session, event.id or 0)
    if form.capacity < going:
        raise ValidationFailed(
            f"{going} people are going already: the capacity cannot be lower.", field="capacity"
        )
    current = session.get(Solution, event.solution_id) if event.solution_id else None
    if form.solution != (current.slug if current else ""):
        solution = _own_solution(session, actor, form.solution) if form.solution else None
        event.solution_id = solution.id if solution else None
    _apply(event, form, starts, ends)
    session.add(event)
    if moved:  # a new time deserves a new reminder
        session.execute(
            update(EventRsvp)
            .where(col(EventRsvp.event_id) == event.id)
            .values(reminder_sent_at=None)
        )
    session.flush()
    _promote(session, event)
    return get_event(session, actor, event.id)


def do_cancel_event(session: Session, actor: Actor | None, event_id: Any) -> EventDetail:
    """Call an event off (organizer or platform admin) and tell everyone who answered."""
    actor, event = _managed(session, actor, event_id)
    if event.status != EventStatus.CANCELLED:
        event.status, event.updated_at = EventStatus.CANCELLED, utcnow()
        session.add(event)
        rows = session.exec(
            select(EventRsvp, User)
            .join(User, col(User.id) == EventRsvp.user_id)
            .where(
                EventRsvp.event_id == event.id,
                col(EventRsvp.status).in_([RsvpStatus.GOING, RsvpStatus.WAITLISTED]),
            )
        ).all()
        when = format_when(event.starts_at, event.ends_at, event.timezone)
        for _rsvp, user in rows:
            do_queue_mail(
                session,
                to=user.email,
                subject=f"Cancelled: {event.title}",
                body=(
                    f"Hello {user.display_name},\n\nThe organizer cancelled “{event.title}”, "
                    f"planned for {when}.\n\n{event_url(event.id or 0)}\n"
                ),
                kind="event_cancelled",
                user_id=user.id,
            )
        session.flush()
        webhooks.emit(session, "event.cancelled", webhooks.event_data(event), [event.organizer_id])
    return get_event(session, actor, event.id)


# ---- RSVPs ----


def _promote(session: Session, event: Event) -> list[EventRsvp]:
    """Give free seats to the first people on the waitlist and mail them. Call under the lock."""
    if event.status != EventStatus.SCHEDULED or event.ends_at <= utcnow():
        return []
    free = event.capacity - _going_count(session, event.id or 0)
    if free <= 0:
        return []
    promoted = list(
        session.exec(
            select(EventRsvp)
            .where(EventRsvp.event_id == event.id, EventRsvp.status == RsvpStatus.WAITLISTED)
            .order_by(col(EventRsvp.position), col(EventRsvp.id))
            .limit(free)
        ).all()
    )
    when = format_when(event.starts_at, event.ends_at, event.timezone)
    for rsvp in promoted:
        rsvp.status, rsvp.updated_at = RsvpStatus.GOING, utcnow()
        session.add(rsvp)
        user = session.get(User, rsvp.user_id)
        if user is not None:
            do_queue_mail(
                session,
                to=user.email,
                subject=f"You have a seat at {event.title}",
                body=(
                    f"Hello {user.display_name},\n\nA seat came free and it is yours: you are "
                    f"now going to “{event.title}”, {when}.\n\nDetails, the calendar file and "
                    f"the link to cancel are on the event's page:\n{event_url(event.id or 0)}\n"
                ),
                kind="event_promoted",
                user_id=user.id,
            )
    session.flush()
    return promoted


def do_rsvp(session: Session, actor: Actor | None, event_id: Any) -> EventDetail:
    """Answer "going" when a seat is free, else join the end of the waitlist."""
    actor = require_actor(actor)
    event = _lock_event(session, event_id)
    check_may_see(session, actor, event)
    event_key = event.id or 0
    if event.status == EventStatus.CANCELLED:
        raise Conflict("This event was cancelled.")
    if event.ends_at <= utcnow():
        raise Conflict("This event is over.")
    rsvp = my_rsvp(session, event_key, actor.user_id)
    if rsvp is not None and rsvp.status != RsvpStatus.CANCELLED:
        return get_event(session, actor, event_key)  # a second click changes nothing
    status = (
        RsvpStatus.GOING
        if _going_count(session, event_key) < event.capacity
        else RsvpStatus.WAITLISTED
    )
    position = _next_position(session, event_key)
    if rsvp is None:
        try:
            with session.begin_nested():
                session.add(
                    EventRsvp(
                        event_id=event_key, user_id=actor.user_id, status=status, position=position
                    )
                )
        except IntegrityError as exc:
            raise Conflict("Your answer was already recorded: reload the page.") from exc
    else:
        rsvp.status, rsvp.position, rsvp.updated_at = status, position, utcnow()
        rsvp.reminder_sent_at = None
        session.add(rsvp)
    session.flush()
    return get_event(session, actor, event_key)


def do_cancel_rsvp(session: Session, actor: Actor | None, event_id: Any) -> EventDetail:
    """Give up a seat (or leave the waitlist); a freed seat goes to the first in line."""
    actor = require_actor(actor)
    event = _lock_event(session, event_id)
    event_key = event.id or 0
    rsvp = my_rsvp(session, event_key, actor.user_id)
    if rsvp is None or rsvp.status == RsvpStatus.CANCELLED:
        raise NotFound("You have not answered this event.")
    if event.ends_at <= utcnow():
        raise Conflict("This event is over.")
    rsvp.status, rsvp.updated_at = RsvpStatus.CANCELLED, utcnow()
    session.add(rsvp)
    session.flush()
    _promote(session, event)
    return get_event(session, actor, event_key)
