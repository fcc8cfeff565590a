"""Demo community events: upcoming ones to RSVP to (one of them full, with a waitlist) and an
archive of past ones, organized by demo publishers around their own solutions.

Upcoming events go through the event services (validation, Markdown, waitlist rules), and so
do their RSVPs; past events cannot be created that way (events must start in the future), so
they and their attendance are written directly. Each event is known by its organizer and
title: a second run adds nothing, and times are relative to the first run.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from aixplore.core.time import utcnow
from aixplore.demo.catalog import demo_actor
from aixplore.demo.content import PUBLISHERS
from aixplore.demo.plan import publisher_email, reviewer_names
from aixplore.domain.accounts.models import User
from aixplore.domain.events import services as events
from aixplore.domain.events.models import Event, EventRsvp, EventStatus, RsvpStatus, to_utc
from aixplore.domain.solutions.markdown import render_markdown
from aixplore.domain.solutions.models import Solution, SolutionStatus

SEED = 20261202


@dataclass(frozen=True)
class PlannedEvent:
    """One demo event; ``days`` from the seeding day (negative: already took place)."""

    kind: str  # a key of KINDS
    publisher: int  # index into PUBLISHERS
    days: int
    hour: int  # local start time in ``zone``
    zone: str
    capacity: int
    place: str = ""  # empty: online only
    attendees: int = 12  # RSVPs to make (beyond capacity: the rest wait)


# (title template, hours, description template); {solution} and {publisher} are filled in.
KINDS: dict[str, tuple[str, int, str]] = {
    "demo": (
        "Live demo: {solution}",
        1,
        "A walkthrough of **{solution}** on real data, followed by open questions.\n\n"
        "- what it does well today, and where it stops\n"
        "- setting it up in under ten minutes\n"
        "- what is on the roadmap for the next release\n\n"
        "Hosted by the {publisher} team. The recording is shared with everyone who RSVPs.",
    ),
    "office": (
        "{solution} office hours",
        1,
        "Bring your questions about **{solution}**: integrations, pricing, limits, or the odd "
        "result you could not explain. Engineers from {publisher} answer live.",
    ),
    "workshop": (
        "Hands-on workshop: shipping with {solution}",
        3,
        "A practical session for teams evaluating **{solution}**. You will:\n\n"
        "1. connect a sample data source,\n"
        "2. build a small workflow end to end,\n"
        "3. measure the result against a baseline.\n\n"
        "Bring a laptop; seats are limited so everyone gets help.",
    ),
    "meetup": (
        "{publisher} community meetup",
        2,
        "Short talks from people using {publisher}'s tools in production, then drinks and "
        "conversation. Featuring lessons learned with **{solution}**.",
    ),
    "panel": (
        "Panel: evaluating AI tools like {solution} responsibly",
        1,
        "Practitioners compare how they test AI solutions before buying: accuracy on their "
        "own data, privacy reviews, cost at scale. Moderated by {publisher}.",
    ),
}

PLAN: tuple[PlannedEvent, ...] = (
    PlannedEvent("demo", 0, 3, 17, "Europe/Amsterdam", 300),
    PlannedEvent("workshop", 1, 6, 10, "Europe/London", 4, "Second Home, Spitalfields, London", 7),
    PlannedEvent("office", 2, 9, 9, "America/New_York", 100),
    PlannedEvent("meetup", 3, 12, 18, "America/Los_Angeles", 80, "SoMa co-working, San Francisco"),
    PlannedEvent("panel", 4, 15, 16, "Europe/Berlin", 500),
    PlannedEvent("demo", 5, 19, 11, "Asia/Tokyo", 200),
    PlannedEvent("workshop", 6, 24, 14, "Asia/Kolkata", 30, "WeWork Galaxy, Bengaluru", 10),
    PlannedEvent("office", 7, 28, 8, "Australia/Sydney", 60),
    PlannedEvent("demo", 8, 33, 15, "UTC", 250),
    PlannedEvent("meetup", 9, 40, 19, "Europe/Paris", 120, "Station F, Paris"),
    PlannedEvent("panel", 10, 47, 17, "America/Chicago", 400),
    PlannedEvent("workshop", 11, 55, 13, "America/Toronto", 25, "MaRS Discovery District"),
    PlannedEvent("demo", 3, -9, 16, "America/Los_Angeles", 300, attendees=18),
    PlannedEvent("meetup", 0, -21, 18, "Europe/Amsterdam", 90, "B. Amsterdam", 15),
    PlannedEvent("office", 4, -34, 10, "Europe/Berlin", 80, attendees=9),
    PlannedEvent("workshop", 2, -52, 13, "America/New_York", 20, "Civic Hall, New York", 14),
    PlannedEvent("panel", 6, -75, 15, "Asia/Kolkata", 300, attendees=16),
    PlannedEvent("demo", 1, -110, 14, "Europe/London", 150, attendees=11),
)


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def _online(organizer: User, title: str, plan: PlannedEvent) -> str:
    """A made-up streaming link for online events (the ``.example`` domain cannot resolve)."""
    return (
        "" if plan.place else f"https://live.{_slug(organizer.display_name)}.example/{_slug(title)}"
    )


def seed_demo_events(session: Session) -> int:
    """Add the demo events that are not there yet (needs the demo catalog); return how many.

    About 12 upcoming events (a small workshop full, with people waiting) and 6 past ones,
    each with RSVPs from demo reviewers.
    """
    now = utcnow().replace(second=0, microsecond=0)
    emails = [publisher_email(PUBLISHERS[p.publisher][0]) for p in PLAN]
    organizers = {u.email: u for u in session.exec(select(User).where(col(User.email).in_(emails)))}
    people = list(
        session.exec(select(User).where(col(User.email).in_([e for _, e in reviewer_names()])))
    )
    people.sort(key=lambda u: u.id or 0)
    rng = random.Random(SEED)  # noqa: S311 - repeatable demo data, not security
    added = 0
    for plan in PLAN:
        organizer = organizers.get(publisher_email(PUBLISHERS[plan.publisher][0]))
        if organizer is None or organizer.id is None:
            continue  # the catalog was not seeded
        solution = session.exec(
            select(Solution)
            .where(Solution.owner_id == organizer.id, Solution.status == SolutionStatus.PUBLISHED)
            .order_by(col(Solution.rating_count).desc(), col(Solution.id))
        ).first()
        if solution is None:
            continue
        template, hours, body = KINDS[plan.kind]
        fill = {"solution": solution.name, "publisher": organizer.display_name}
        title = template.format(**fill)[:120]
        exists = session.exec(
            select(Event.id).where(Event.organizer_id == organizer.id, Event.title == title)
        ).first()
        if exists is not None:
            continue
        day = (now + timedelta(days=plan.days)).date()
        # A wall-clock time in the event's zone, as organizers type it.
        local = datetime(day.year, day.month, day.day, plan.hour)  # noqa: DTZ001
        attendees = rng.sample(people, min(plan.attendees, len(people)))
        if plan.days > 0:
            form = {
                "title": title,
                "description": body.format(**fill),
                "starts_at": local.isoformat(),
                "ends_at": (local + timedelta(hours=hours)).isoformat(),
                "timezone": plan.zone,
                "online_url": _online(organizer, title, plan),
                "location": plan.place,
                "capacity": plan.capacity,
                "solution": solution.slug,
            }
            detail = events.do_create_event(session, demo_actor(organizer), form)
            for person in attendees:
                events.do_rsvp(session, demo_actor(person), detail.id)
        else:
            starts = to_utc(local, plan.zone)
            past = _add_past(session, organizer, solution, title, body.format(**fill), plan, starts)
            _attend_past(session, past, starts, attendees[: plan.capacity])
        added += 1
    session.flush()
    return added


def _add_past(
    session: Session,
    organizer: User,
    solution: Solution,
    title: str,
    body: str,
    plan: PlannedEvent,
    starts: datetime,
) -> int:
    """An event that already took place (written directly: services only plan ahead)."""
    assert organizer.id is not None
    created = starts - timedelta(days=30)
    event = Event(
        organizer_id=organizer.id,
        solution_id=solution.id,
        title=title,
        description_md=body,
        description_html=render_markdown(body),
        starts_at=starts,
        ends_at=starts + timedelta(hours=KINDS[plan.kind][1]),
        timezone=plan.zone,
        online_url=_online(organizer, title, plan),
        location=plan.place,
        capacity=plan.capacity,
        status=EventStatus.SCHEDULED,
        created_at=created,
        updated_at=created,
    )
    session.add(event)
    session.flush()
    assert event.id is not None
    return event.id


def _attend_past(session: Session, event_id: int, starts: datetime, people: list[User]) -> None:
    """The people who went to a past event, in the order they signed up."""
    for position, person in enumerate(people, start=1):
        assert person.id is not None
        when = starts - timedelta(days=30 - position % 20, hours=position)
        session.add(
            EventRsvp(
                event_id=event_id,
                user_id=person.id,
                status=RsvpStatus.GOING,
                position=position,
                reminder_sent_at=starts - timedelta(days=1),
                created_at=when,
                updated_at=when,
            )
        )
