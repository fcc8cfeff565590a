"""Shared helpers of the events tests: an event's form data and one-line service calls."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from aixplore.core.db import session_scope
from aixplore.domain.accounts.models import Actor
from aixplore.domain.events import services as events
from aixplore.domain.events.models import Event
from aixplore.domain.mail.services import list_outbox_for
from tests.factories import actor_for, sign_in

_ips = itertools.count(1)
DAY = (date.today() + timedelta(days=10)).isoformat()  # 18:30 is never in a DST gap


def _actor(email: str) -> Actor:
    """A signed-in actor (each sign-in from its own address, clear of the per-IP limit)."""
    actor = actor_for(sign_in(email, ip=f"198.51.100.{next(_ips) % 250 + 1}"))
    assert actor is not None
    return actor


def _data(**change: object) -> dict[str, object]:
    return {
        "title": "Prompt engineering meetup",
        "description": "Talks, demos and **pizza**.",
        "starts_at": f"{DAY}T18:30",
        "ends_at": f"{DAY}T20:00",
        "timezone": "Europe/Berlin",
        "online_url": "https://meet.example.com/prompting",
        "location": "",
        "capacity": 2,
        **change,
    }


def _create(actor: Actor | None, **change: object):
    with session_scope() as db:
        return events.do_create_event(db, actor, _data(**change))


def _get(event_id: int, actor: Actor | None = None):
    with session_scope() as db:
        return events.get_event(db, actor, event_id)


def _rsvp(actor: Actor, event_id: int):
    with session_scope() as db:
        return events.do_rsvp(db, actor, event_id)


def _cancel(actor: Actor, event_id: int):
    with session_scope() as db:
        return events.do_cancel_rsvp(db, actor, event_id)


def _subjects(email: str) -> list[str]:
    with session_scope() as db:
        return [m.subject for m in list_outbox_for(db, email)]


def _shift(event_id: int, **delta: float) -> None:
    """Move an event in time (the services refuse to create one in the past)."""
    with session_scope() as db:
        event = db.get(Event, event_id)
        assert event is not None
        event.starts_at += timedelta(**delta)
        event.ends_at += timedelta(**delta)
        db.add(event)
