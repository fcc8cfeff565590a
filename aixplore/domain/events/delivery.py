"""What leaves the site about an event: its calendar file and the reminder mails."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

import icalendar
from sqlalchemy import update
from sqlmodel import Session, col, select

from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import User
from aixplore.domain.events.models import Event, EventDetail, EventRsvp, EventStatus, RsvpStatus
from aixplore.domain.events.reading import event_url, format_when
from aixplore.domain.events.services import REMINDER_BATCH
from aixplore.domain.mail.services import do_queue_mail

# ---- Calendar file ----


def build_ics(event: EventDetail, *, now: datetime | None = None) -> bytes:
    """An RFC 5545 calendar holding the event (times in UTC, folded lines, CRLF).

    The online link goes in only when the ``EventDetail`` carries it (the viewer may see it).
    """
    page = event_url(event.id)
    host = urlsplit(page).hostname or "aixplore"
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//AiXplore//Community events//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    vevent = icalendar.Event()
    vevent.add("uid", f"event-{event.id}@{host}")
    vevent.add("dtstamp", now or utcnow())
    vevent.add("dtstart", event.starts_at)
    vevent.add("dtend", event.ends_at)
    vevent.add("created", event.created_at)
    vevent.add("last-modified", event.updated_at)
    vevent.add("summary", event.title)
    text = event.description_md.strip()
    vevent.add("description", f"{text}\n\n{page}" if text else page)
    places = [p for p in (event.location, "Online" if event.online else "") if p]
    if places:
        vevent.add("location", " · ".join(places))
    vevent.add("url", event.online_url or page)
    vevent.add("status", "CANCELLED" if event.status == EventStatus.CANCELLED else "CONFIRMED")
    vevent.add("transp", "OPAQUE")
    calendar.add_component(vevent)
    return calendar.to_ical()


# ---- Reminders (run by the job queue) ----


def do_send_reminders(session: Session, *, within: timedelta, now: datetime | None = None) -> int:
    """Mail everyone going to an event that starts within ``within``, once each.

    Each RSVP is claimed with a conditional UPDATE before its mail is queued in the same
    transaction, so two workers running this at once never send the same reminder twice.
    """
    now = now or utcnow()
    due = session.exec(
        select(EventRsvp.id, Event, User)
        .join(Event, col(Event.id) == EventRsvp.event_id)
        .join(User, col(User.id) == EventRsvp.user_id)
        .where(
            EventRsvp.status == RsvpStatus.GOING,
            col(EventRsvp.reminder_sent_at).is_(None),
            Event.status == EventStatus.SCHEDULED,
            col(Event.starts_at) > now,
            col(Event.starts_at) <= now + within,
        )
        .order_by(col(Event.starts_at), col(EventRsvp.id))
        .limit(REMINDER_BATCH)
    ).all()
    sent = 0
    for rsvp_id, event, user in due:
        claimed = session.execute(
            update(EventRsvp)
            .where(
                col(EventRsvp.id) == rsvp_id,
                col(EventRsvp.status) == RsvpStatus.GOING,
                col(EventRsvp.reminder_sent_at).is_(None),
            )
            .values(reminder_sent_at=now)
        )
        if getattr(claimed, "rowcount", 0) != 1:
            continue  # another worker sent it, or the person cancelled meanwhile
        where = " · ".join(p for p in (event.location, "online" if event.online_url else "") if p)
        join = f"\nJoin online: {event.online_url}" if event.online_url else ""
        do_queue_mail(
            session,
            to=user.email,
            subject=f"Reminder: {event.title} starts soon",
            body=(
                f"Hello {user.display_name},\n\n“{event.title}” starts soon:\n"
                f"{format_when(event.starts_at, event.ends_at, event.timezone)}\n"
                f"{format_when(event.starts_at, event.ends_at, 'UTC')}\n"
                f"Where: {where}{join}\n\nCan't make it? Free your seat for someone on "
                f"the waitlist:\n{event_url(event.id or 0)}\n"
            ),
            kind="event_reminder",
            user_id=user.id,
        )
        sent += 1
    return sent
