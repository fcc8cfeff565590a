"""Showing community events: one event as a visitor sees it, the cached listings of upcoming
and past events, the events of a solution, and how times and addresses are written.

An online event's link is shown to the people going and to those who manage the event only.
Listings are the same for every visitor, so they are cached for all workers and retired by
any write to events or RSVPs (and to the catalog, for linked solutions).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, cast

from sqlalchemy import func
from sqlmodel import Session, col, select

from aixplore.core import cache
from aixplore.core.errors import NotFound, ValidationFailed
from aixplore.core.settings import get_settings
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import Actor, User
from aixplore.domain.events.models import (
    Event,
    EventDetail,
    EventPage,
    EventPublic,
    EventRsvp,
    EventStatus,
    RsvpStatus,
    zone,
)
from aixplore.domain.solutions.models import Solution, SolutionStatus
from aixplore.domain.solutions.search import CATALOG

PAGE_SIZE = 12
MAX_PAGE = 1000


def valid_event_id(value: Any) -> int:
    """``value`` as an event id, or NotFound (any browser may send anything)."""
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value < 2**31:
        raise NotFound("No such event.")
    return value


def _page(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_PAGE:
        raise ValidationFailed("Invalid page.")
    return value


def can_manage(actor: Actor | None, event: Event) -> bool:
    """Whether the actor may change the event: its organizer, or a platform admin."""
    return actor is not None and (actor.user_id == event.organizer_id or actor.is_platform_admin)


def my_rsvp(session: Session, event_id: int, user_id: int) -> EventRsvp | None:
    """A user's answer to an event, cancelled or not, if they ever answered."""
    return session.exec(
        select(EventRsvp).where(EventRsvp.event_id == event_id, EventRsvp.user_id == user_id)
    ).first()


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


def _day(value: datetime, year: int) -> str:
    shown = f"{value:%a} {value.day} {value:%b}"
    return shown if value.year == year else f"{shown} {value.year}"


def format_for_viewer(starts_at: datetime, ends_at: datetime, zone_name: str) -> str:
    """A time range in the viewer's zone: "Tue 8 Dec, 18:00 - 20:00 (your time)" (the year
    only when it is not this one)."""
    here = zone(zone_name)
    start, end = starts_at.astimezone(here), ends_at.astimezone(here)
    year = utcnow().astimezone(here).year
    if start.date() == end.date():
        text = f"{_day(start, year)}, {start:%H:%M} – {end:%H:%M}"
    else:
        text = f"{_day(start, year)}, {start:%H:%M} – {_day(end, year)}, {end:%H:%M}"
    return f"{text} (your time)"


# ---- Reading ----

FACES = 5


def initials(name: str) -> str:
    """Up to two initials of a name, as the account menu's avatar shows them."""
    return "".join(p[0] for p in name.split()[:2]).upper() or "?"


def _faces(session: Session, ids: list[int]) -> dict[int, list[tuple[int, str]]]:
    """The first people going to each event, in one query for all of them."""
    rank = (
        func.row_number()
        .over(partition_by=col(EventRsvp.event_id), order_by=col(EventRsvp.id))
        .label("rank")
    )
    going = (
        select(EventRsvp.event_id, EventRsvp.user_id, rank)
        .where(col(EventRsvp.event_id).in_(ids), EventRsvp.status == RsvpStatus.GOING)
        .subquery()
    )
    rows = session.exec(
        select(going.c.event_id, going.c.user_id, User.display_name)
        .join(User, col(User.id) == going.c.user_id)
        .where(going.c.rank <= FACES)
        .order_by(going.c.event_id, going.c.rank)
    ).all()
    out: dict[int, list[tuple[int, str]]] = {}
    for event_id, user_id, name in rows:
        out.setdefault(event_id, []).append((user_id, initials(name)))
    return out


def publics(session: Session, events: list[Event]) -> list[EventPublic]:
    """The events as anyone may see them, with going counts, organizers and solutions."""
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
    faces = _faces(session, ids)
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
                faces=tuple(faces.get(e.id or 0, ())),
            )
        )
    return out


# Who may see a group's events: checks ``(session, viewer, group_id)`` that raise a refusal
# (registered by domain/groups, which events may not import). None registered: a
# members-only event is shown to nobody but platform admins.
_GROUP_CHECKS: list[Callable[[Session, Actor | None, int], None]] = []


def register_group_check(check: Callable[[Session, Actor | None, int], None]) -> None:
    """Add a check that refuses a viewer a group's events (NotFound or PermissionDenied)."""
    if check not in _GROUP_CHECKS:
        _GROUP_CHECKS.append(check)


def check_may_see(session: Session, viewer: Actor | None, event: Event) -> None:
    """Refuse a viewer the event's group keeps out (a members-only group's event)."""
    if event.group_id is None or (viewer is not None and viewer.is_platform_admin):
        return
    if event.members_only and not _GROUP_CHECKS:
        raise NotFound("No such event.")
    for check in _GROUP_CHECKS:
        check(session, viewer, event.group_id)


def get_event(session: Session, actor: Actor | None, event_id: Any) -> EventDetail:
    """One event as the actor sees it (anyone may look, but a members-only one: members)."""
    event = session.get(Event, valid_event_id(event_id))
    if event is None:
        raise NotFound("No such event.")
    check_may_see(session, actor, event)
    public = publics(session, [event])[0]
    rsvps = session.exec(
        select(EventRsvp)
        .where(EventRsvp.event_id == event.id, EventRsvp.status == RsvpStatus.WAITLISTED)
        .order_by(col(EventRsvp.position), col(EventRsvp.id))
    ).all()
    mine = my_rsvp(session, event.id or 0, actor.user_id) if actor else None
    my_status = mine.status.value if mine and mine.status != RsvpStatus.CANCELLED else ""
    position = 0
    if mine is not None and mine.status == RsvpStatus.WAITLISTED:
        position = next((n for n, r in enumerate(rsvps, 1) if r.id == mine.id), 0)
    manage = can_manage(actor, event)
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
        items=tuple(publics(session, list(rows))),
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
        now = utcnow()
        scheduled = (col(Event.status) == EventStatus.SCHEDULED) & ~col(Event.members_only)
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
            ~col(Event.members_only),
        )
        .order_by(col(Event.starts_at), col(Event.id))
        .limit(max(1, min(limit, 50)))
    ).all()
    return publics(session, list(rows))


def list_for_group(session: Session, group_id: int, *, limit: int = 20) -> list[EventPublic]:
    """A group's scheduled events that have not ended, soonest first (callers authorize)."""
    rows = session.exec(
        select(Event)
        .where(
            Event.group_id == group_id,
            Event.status == EventStatus.SCHEDULED,
            col(Event.ends_at) > utcnow(),
        )
        .order_by(col(Event.starts_at), col(Event.id))
        .limit(max(1, min(limit, 50)))
    ).all()
    return publics(session, list(rows))
