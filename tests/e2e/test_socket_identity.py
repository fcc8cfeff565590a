"""Handlers that once trusted the browser, called over the event socket as an attacker would.

``NotificationBellState.recount`` and ``NotificationsState.take_newest`` took an ``Actor``
that Reflex built from the caller's JSON; saving ``/events/<id>/edit`` of someone else's
event created a new event for the caller. The structural side of the first is in
tests/unit/web/test_handler_identity.py.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import func, select

from aixplore.core.db import session_scope
from aixplore.domain.events import services as events
from aixplore.domain.events.models import Event
from aixplore.domain.notifications.services import notify
from aixplore.web.events.state import EventFormState
from aixplore.web.notifications.state import NotificationBellState, NotificationsState
from tests.e2e.helpers import run_async
from tests.factories import actor_for, make_member, sign_in
from tests.support.reflex_client import ReflexClient

pytestmark = pytest.mark.e2e

DAY = (date.today() + timedelta(days=9)).isoformat()


def _forged_actor(user) -> dict:
    return {
        "user_id": user.id,
        "email": user.email,
        "display_name": user.display_name,
        "role": "member",
    }


def test_a_forged_actor_reads_nobodys_notifications(app_url: str) -> None:
    victim = make_member(name="Vera Victim")
    attacker = make_member(name="Mallory Reader")
    with session_scope() as db:
        for n in range(3):
            notify(db, victim.id, "review", f"Secret title {n}", "a private body", "/profile")
    token = sign_in(attacker.email)
    bell = NotificationBellState.get_full_name()
    listing = NotificationsState.get_full_name()

    async def attack() -> tuple[list, dict, dict]:
        results = []
        async with ReflexClient(app_url) as anonymous:
            await anonymous.hydrate("/")
            results.append(await anonymous.call(f"{bell}.recount", actor=_forged_actor(victim)))
            anonymous_bell = anonymous.state(bell)
        async with ReflexClient(app_url, cookies={"aixplore_session": token}) as tab:
            await tab.hydrate("/notifications")
            results.append(await tab.call(f"{listing}.take_newest", actor=_forged_actor(victim)))
            results.append(await tab.call(f"{bell}.recount", actor=_forged_actor(victim)))
            return results, anonymous_bell, {**tab.state(bell), **tab.state(listing)}

    results, anonymous_bell, attacker_view = run_async(attack())
    assert anonymous_bell.get("unread", 0) == 0
    assert attacker_view.get("unread", 0) == 0
    assert attacker_view.get("rows", []) == []
    for result in results:
        assert "Secret title" not in repr(result.updates)


def test_saving_someone_elses_event_form_is_refused_and_creates_nothing(app_url: str) -> None:
    organizer = make_member(name="Olive Organizer")
    intruder = make_member(name="Ivan Intruder")
    data = {
        "title": "The organizer's own meetup",
        "description": "Talks.",
        "starts_at": f"{DAY}T18:30",
        "ends_at": f"{DAY}T20:00",
        "timezone": "Europe/Berlin",
        "online_url": "https://meet.example.com/own",
        "location": "",
        "capacity": 10,
    }
    with session_scope() as db:
        event_id = events.do_create_event(db, actor_for(sign_in(organizer.email)), data).id
    token = sign_in(intruder.email)
    form = {**{k: str(v) for k, v in data.items()}, "title": "Taken over", "solution": "none"}

    async def attack() -> list:
        path = f"/events/{event_id}/edit"
        async with ReflexClient(app_url, cookies={"aixplore_session": token}) as tab:
            loaded = await tab.hydrate(path, params={"event_id": str(event_id)})
            saved = await tab.call(EventFormState.save, form_data=form)
            return [loaded, saved]

    loaded, saved = run_async(attack())
    assert any("Only the organizer" in t.message for t in loaded.toasts), loaded.updates
    assert [t.level for t in saved.toasts] == ["error"], saved.updates
    assert "Only the organizer" in saved.toasts[0].message
    assert not any(path.startswith("/events/") for path in saved.redirects if path != "/events")
    with session_scope() as db:
        assert db.get(Event, event_id).title == "The organizer's own meetup"
        taken = db.exec(select(func.count()).where(Event.title == "Taken over")).one()
    assert taken == 0
