"""Events' delivery: the ICS calendar file and the reminder mails."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from types import SimpleNamespace

import icalendar
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from aixplore.api.routes.events import router as events_router
from aixplore.core.db import session_scope
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import Actor
from aixplore.domain.events import services as events
from aixplore.domain.events.delivery import build_ics, do_send_reminders
from tests.factories import make_member, sign_in
from tests.unit.domain.events.support import (
    _actor,
    _create,
    _data,
    _get,
    _rsvp,
    _subjects,
)

# ---- Calendar file ----


def _lines(body: bytes) -> list[bytes]:
    assert body.endswith(b"\r\n") and b"\n" not in body.replace(b"\r\n", b"")
    return body.split(b"\r\n")[:-1]


def test_the_ics_file_is_valid_rfc_5545_and_parses_back() -> None:
    organizer = _actor(make_member().email)
    title = "Agents, tools; and “evals” \\ a long title " + "é" * 30
    detail = _create(
        organizer,
        title=title[:120],
        location="Main hall, Alexanderplatz 1; Berlin",
        description="Line one\nLine two, with commas; and semicolons. " + "ü" * 200,
    )
    body = build_ics(_get(detail.id))  # as an anonymous visitor sees it
    lines = _lines(body)
    assert lines[0] == b"BEGIN:VCALENDAR" and lines[-1] == b"END:VCALENDAR"
    assert all(len(line) <= 75 for line in lines)
    assert any(line.startswith(b" ") for line in lines)  # long lines are folded
    unfolded = body.replace(b"\r\n ", b"").decode()
    assert f"DTSTART:{detail.starts_at:%Y%m%dT%H%M%S}Z" in unfolded
    assert f"DTEND:{detail.ends_at:%Y%m%dT%H%M%S}Z" in unfolded
    assert "LOCATION:Main hall\\, Alexanderplatz 1\\; Berlin · Online" in unfolded
    assert "Line one\\nLine two\\, with commas\\; and semicolons." in unfolded

    [vevent] = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert str(vevent["UID"]) == f"event-{detail.id}@localhost"
    assert str(vevent["SUMMARY"]) == title[:120]
    assert vevent.decoded("DTSTART") == detail.starts_at
    assert vevent.decoded("DTEND") == detail.ends_at
    assert vevent.decoded("DTSTAMP").tzinfo is not None
    assert str(vevent["DESCRIPTION"]).endswith(f"/events/{detail.id}")
    assert str(vevent["URL"]).endswith(f"/events/{detail.id}")  # no seat: no online link
    going = _actor(make_member().email)
    _rsvp(going, detail.id)
    [vevent] = icalendar.Calendar.from_ical(build_ics(_get(detail.id, going))).walk("VEVENT")
    assert str(vevent["URL"]) == "https://meet.example.com/prompting"


def test_the_ics_route_serves_text_calendar_and_404_problems() -> None:
    api = FastAPI()
    api.include_router(events_router)
    client = TestClient(api)
    organizer = make_member()
    as_organizer = _actor(organizer.email)
    event_id = _create(as_organizer).id

    ok = client.get(f"/api/v1/events/{event_id}.ics")
    assert ok.status_code == 200
    assert ok.headers["content-type"].startswith("text/calendar")
    assert f'filename="event-{event_id}.ics"' in ok.headers["content-disposition"]
    assert "meet.example.com" not in ok.text
    [vevent] = icalendar.Calendar.from_ical(ok.content).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Prompt engineering meetup"

    client.cookies.set("aixplore_session", sign_in(organizer.email, ip="203.0.113.9"))
    assert "meet.example.com/prompting" in client.get(f"/api/v1/events/{event_id}.ics").text
    client.cookies.clear()

    for path in ("999999", "abc", "0x10", "1" * 40):
        missing = client.get(f"/api/v1/events/{path}.ics")
        assert missing.status_code == 404, path
        assert missing.headers["content-type"] == "application/problem+json"
        assert missing.json()["status"] == 404
    with session_scope() as db:
        events.do_cancel_event(db, as_organizer, event_id)
    gone = client.get(f"/api/v1/events/{event_id}.ics")
    assert gone.status_code == 404 and gone.json()["detail"] == "No such event."


# ---- Reminders ----


def _soon(organizer: Actor, minutes: int, **change: object) -> int:
    starts = (utcnow() + timedelta(minutes=minutes)).replace(second=0, microsecond=0)
    return _create(
        organizer,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        timezone="UTC",
        **change,
    ).id


def test_the_reminder_task_mails_the_people_going_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from aixplore.jobs import events as event_jobs

    organizer = _actor(make_member().email)
    going, waiting, later = make_member(), make_member(), make_member()
    soon = _soon(organizer, 30, capacity=1)
    tomorrow = _soon(organizer, 24 * 60)
    _rsvp(_actor(going.email), soon)
    _rsvp(_actor(waiting.email), soon)
    _rsvp(_actor(later.email), tomorrow)

    assert event_jobs.send_event_reminders.call_local() == 1
    assert event_jobs.send_event_reminders.call_local() == 0
    reminder = "Reminder: Prompt engineering meetup starts soon"
    assert _subjects(going.email).count(reminder) == 1
    assert reminder not in _subjects(waiting.email) and reminder not in _subjects(later.email)

    # The window comes from the settings (AIXPLORE_EVENT_REMINDER_MINUTES).
    monkeypatch.setattr(
        event_jobs, "get_settings", lambda: SimpleNamespace(event_reminder_minutes=25 * 60)
    )
    assert event_jobs.send_event_reminders.call_local() == 1
    assert _subjects(later.email).count(reminder) == 1


def test_two_workers_at_once_still_send_each_reminder_once() -> None:
    from aixplore.jobs import events as event_jobs

    organizer = _actor(make_member().email)
    event_id = _soon(organizer, 20, capacity=8)
    people = [make_member() for _ in range(8)]
    for person in people:
        _rsvp(_actor(person.email), event_id)

    with ThreadPoolExecutor(max_workers=4) as pool:
        sent = list(pool.map(lambda _: event_jobs.send_event_reminders.call_local(), range(4)))
    assert sum(sent) == 8
    for person in people:
        assert sum("Reminder:" in s for s in _subjects(person.email)) == 1


def test_moving_an_event_resets_its_reminders() -> None:
    organizer = _actor(make_member().email)
    attendee = make_member()
    event_id = _soon(organizer, 30)
    _rsvp(_actor(attendee.email), event_id)
    with session_scope() as db:
        assert do_send_reminders(db, within=timedelta(hours=1)) == 1
    starts = (utcnow() + timedelta(minutes=45)).replace(second=0, microsecond=0)
    with session_scope() as db:
        events.do_update_event(
            db,
            organizer,
            event_id,
            _data(starts_at=starts, ends_at=starts + timedelta(hours=1), timezone="UTC"),
        )
    with session_scope() as db:
        assert do_send_reminders(db, within=timedelta(hours=1)) == 1
