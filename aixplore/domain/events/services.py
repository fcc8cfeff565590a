"""Community events: organize, RSVP with a waitlist, calendar files and reminders.

Every change to an event's RSVPs happens after locking the event row (``SELECT ... FOR
UPDATE`` on PostgreSQL; SQLite transactions take the write lock at BEGIN, see
``aixplore.core.db``), so concurrent RSVPs can never put more people on "going" than there
are seats, and a freed seat goes to the first person on the waitlist in the same transaction.

An online event's link is shown to the people going and to those who manage the event only:
with a public link the capacity would mean nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from aixplore.core import cache
from aixplore.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from aixplore.core.settings import get_settings
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import Actor, User
from aixplore.domain.accounts.services import parse_input, require_actor
from aixplore.domain.events.models import (
    Event,
    EventDetail,
    EventInput,
    EventPage,
    EventPublic,
    EventRsvp,
    EventStatus,
    RsvpStatus,
    zone,
)
from aixplore.domain.mail.services import do_queue_mail
from aixplore.domain.solutions.markdown import render_markdown
from aixplore.domain.solutions.models import Solution, SolutionStatus
from aixplore.domain.solutions.search import CATALOG
from aixplore.domain.webhooks import services as webhooks

PAGE_SIZE = 12
MAX_PAGE = 1000
MAX_AHEAD = timedelta(days=3 * 365)
MAX_UPCOMING_PER_ORGANIZER = 50
REMINDER_BATCH = 500


def _event_id(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value < 2**31:
        raise NotFound("No such event.")
    return value


def _page(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_PAGE:
        raise ValidationFailed("Invalid page.")
    return value


def _can_manage(actor: Actor | None, event: Event) -> bool:
    return actor is not None and (actor.user_id == event.organizer_id or actor.is_platform_admin)


def _lock_event(session: Session, event_id: Any) -> Event:
    """The event row, locked for the rest of the transaction and read fresh."""
    event = session.exec(
        select(Event)
        .where(Event.id == _event_id(event_id))
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if event is None:
        raise NotFound("No such event.")
    return event


def _managed(session: Session, actor: Actor | None, event_id: Any) -> tuple[Actor, Event]:
    actor = require_actor(actor)
    event = _lock_event(session, event_id)
    if not _can_manage(actor, event):
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


def event_url(event_id: int) -> str:
    """The absolute address of an event's page."""
    return f"{get_settings().base_url.rstrip('/')}/events/{event_id}"


# ---- Showing times ----


def _clock(value: datetime) -> str:
    return f"{value:%a} {value.day} {value:%b %Y}, {value:%H:%M}"


def format_when(starts_at: datetime, ends_at: datetime, zone_name: str) -> str:
    """A time range in a zone: "Tue 5 May 2026, 18:30 - 20:00 CEST (Europe/Berlin)"."""
    here = zone(zone_name)
    start, end = starts_at.astimezone(here), ends_at.astimezone(here)
    if start.date() == end.date():
        text = f"{_clock(start)} – {end:%H:%M} {end:%Z}"
    else:
        text = f"{_clock(start)} {start:%Z} – {_clock(end)} {end:%Z}"
    return text if here.key == "UTC" else f"{text} ({here.key})"


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


def do_create_event(session: Session, actor: Actor | None, data: Any) -> EventDetail:
    """Create an event organized by the actor (any signed-in member)."""
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
    )
    _apply(event, form, starts, ends)
    session.add(event)
    session.flush()
    webhooks.emit(session, "event.created", webhooks.event_data(event), [actor.user_id])
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


def _my_rsvp(session: Session, event_id: int, user_id: int) -> EventRsvp | None:
    return session.exec(
        select(EventRsvp).where(EventRsvp.event_id == event_id, EventRsvp.user_id == user_id)
    ).first()


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
    event_key = event.id or 0
    if event.status == EventStatus.CANCELLED:
        raise Conflict("This event was cancelled.")
    if event.ends_at <= utcnow():
        raise Conflict("This event is over.")
    rsvp = _my_rsvp(session, event_key, actor.user_id)
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
    rsvp = _my_rsvp(session, event_key, actor.user_id)
    if rsvp is None or rsvp.status == RsvpStatus.CANCELLED:
        raise NotFound("You have not answered this event.")
    if event.ends_at <= utcnow():
        raise Conflict("This event is over.")
    rsvp.status, rsvp.updated_at = RsvpStatus.CANCELLED, utcnow()
    session.add(rsvp)
    session.flush()
    _promote(session, event)
    return get_event(session, actor, event_key)


# ---- Reading ----


def _publics(session: Session, events: list[Event]) -> list[EventPublic]:
    if not events:
        return []
    ids = [e.id for e in events if e.id is not None]
    going = dict(
        session.exec(
            select(EventRsvp.event_id, func.count())
            .where(col(EventRsvp.event_id).in_(ids), EventRsvp.status == RsvpStatus.GOING)
            .group_by(col(EventRsvp.event_id))
        ).all()
    )
    organizers = {
        u.id: u.display_name
        for u in session.exec(
            select(User).where(col(User.id).in_({e.organizer_id for e in events}))
        ).all()
    }
    solution_ids = {e.solution_id for e in events if e.solution_id}
    linked = {
        s.id: s
        for s in session.exec(select(Solution).where(col(Solution.id).in_(solution_ids))).all()
    }
    out = []
    for e in events:
        solution = linked.get(e.solution_id) if e.solution_id else None
        shown = solution is not None and solution.status == SolutionStatus.PUBLISHED
        count = int(going.get(e.id or 0, 0))
        out.append(
            EventPublic(
                id=e.id or 0,
                title=e.title,
                starts_at=e.starts_at,
                ends_at=e.ends_at,
                timezone=e.timezone,
                when_local=format_when(e.starts_at, e.ends_at, e.timezone),
                when_utc=format_when(e.starts_at, e.ends_at, "UTC"),
                online=bool(e.online_url),
                location=e.location,
                capacity=e.capacity,
                going_count=count,
                seats_left=max(0, e.capacity - count),
                status=e.status,
                organizer_id=e.organizer_id,
                organizer_name=organizers.get(e.organizer_id, "Deleted user"),
                solution_slug=solution.slug if solution and shown else "",
                solution_name=solution.name if solution and shown else "",
            )
        )
    return out


def get_event(session: Session, actor: Actor | None, event_id: Any) -> EventDetail:
    """One event as the actor sees it (anyone may look, signed in or not)."""
    event = session.get(Event, _event_id(event_id))
    if event is None:
        raise NotFound("No such event.")
    public = _publics(session, [event])[0]
    rsvps = session.exec(
        select(EventRsvp)
        .where(EventRsvp.event_id == event.id, EventRsvp.status == RsvpStatus.WAITLISTED)
        .order_by(col(EventRsvp.position), col(EventRsvp.id))
    ).all()
    mine = _my_rsvp(session, event.id or 0, actor.user_id) if actor else None
    my_status = mine.status.value if mine and mine.status != RsvpStatus.CANCELLED else ""
    position = 0
    if mine is not None and mine.status == RsvpStatus.WAITLISTED:
        position = next((n for n, r in enumerate(rsvps, 1) if r.id == mine.id), 0)
    manage = _can_manage(actor, event)
    return EventDetail(
        **public.model_dump(),
        description_md=event.description_md,
        description_html=event.description_html,
        online_url=event.online_url if manage or my_status == RsvpStatus.GOING else "",
        waitlist_count=len(rsvps),
        my_status=my_status,
        my_waitlist_position=position,
        can_manage=manage,
        ended=event.ends_at <= utcnow(),
        created_at=event.created_at,
        updated_at=event.updated_at,
    )


def _listing(session: Session, where: list[Any], order: list[Any], page: Any) -> EventPage:
    page = _page(page)
    total = int(session.exec(select(func.count()).select_from(Event).where(*where)).one())
    rows = session.exec(
        select(Event)
        .where(*where)
        .order_by(*order, col(Event.id))
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    return EventPage(
        items=tuple(_publics(session, list(rows))),
        total=total,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
    )


# Event listings are the same for every visitor: cached for all workers, retired by any
# write to events or RSVPs (and to the catalog, for linked solutions); the lifetime bounds how
# long an event that just ended, or an organizer's new name, can still be shown.
LISTING_CACHE_SECONDS = 30
LISTINGS = "event_listings"
cache.retire_on_change(LISTINGS, "event", "event_rsvp")


def _cached_listing(session: Session, when: str, page: Any) -> EventPage:
    page = _page(page)

    def compute() -> dict[str, Any]:
        # Built only on a miss: the expressions cost more than a cache hit.
        now, scheduled = utcnow(), col(Event.status) == EventStatus.SCHEDULED
        if when == "past":
            where, order = [scheduled, col(Event.ends_at) <= now], [col(Event.starts_at).desc()]
        else:
            where, order = [scheduled, col(Event.ends_at) > now], [col(Event.starts_at)]
        return _listing(session, where, order, page).model_dump(mode="json")

    key, generations = _listing_key(when, page)
    page_of = EventPage.model_validate
    listing = cache.cached_current(key, generations, LISTING_CACHE_SECONDS, compute, page_of)
    return cast(EventPage, listing)


def _listing_key(when: str, page: int) -> tuple[str, tuple[str, ...]]:
    return f"events:{when}:{page}", (LISTINGS, CATALOG)


def listing_cache_keys(when: str, page: Any) -> list[str]:
    """The cache entries ``list_upcoming`` (``when="upcoming"``) or ``list_past`` read for
    ``page`` (to prefetch them)."""
    return cache.current_keys(*_listing_key(when, _page(page)))


def list_upcoming(session: Session, *, page: Any = 1) -> EventPage:
    """Scheduled events that have not ended (running ones included), soonest first."""
    return _cached_listing(session, "upcoming", page)


def list_past(session: Session, *, page: Any = 1) -> EventPage:
    """The archive: events that took place, most recent first."""
    return _cached_listing(session, "past", page)


def list_for_solution(session: Session, slug: Any, *, limit: int = 10) -> list[EventPublic]:
    """Upcoming events tied to a published solution, soonest first."""
    if not isinstance(slug, str) or not 1 <= len(slug) <= 80:
        raise NotFound("No such solution.")
    solution = session.exec(select(Solution).where(Solution.slug == slug)).first()
    if solution is None or solution.status != SolutionStatus.PUBLISHED:
        raise NotFound("No such solution.")
    rows = session.exec(
        select(Event)
        .where(
            Event.solution_id == solution.id,
            Event.status == EventStatus.SCHEDULED,
            col(Event.ends_at) > utcnow(),
        )
        .order_by(col(Event.starts_at), col(Event.id))
        .limit(max(1, min(limit, 50)))
    ).all()
    return _publics(session, list(rows))
