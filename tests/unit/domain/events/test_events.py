"""Events: validation, permissions, RSVP with waitlist and promotion, concurrency and the
archive."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy.engine import Engine
from sqlmodel import select

from aixplore.core.db import session_scope
from aixplore.core.errors import (
    Conflict,
    DomainError,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from aixplore.core.time import utcnow
from aixplore.domain.events import services as events
from aixplore.domain.events.models import Event, EventRsvp, RsvpStatus
from aixplore.domain.solutions import services as solutions
from tests.factories import make_admin, make_member, make_solution
from tests.unit.domain.events.support import (
    DAY,
    _actor,
    _cancel,
    _create,
    _data,
    _get,
    _rsvp,
    _shift,
    _subjects,
)

# ---- Validation ----


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"ends_at": f"{DAY}T17:00"}, "end after it starts"),
        ({"ends_at": f"{DAY}T18:30"}, "end after it starts"),
        ({"timezone": "Mars/Olympus_Mons"}, "IANA name"),
        ({"timezone": "../../etc/passwd"}, "IANA name"),
        ({"capacity": 0}, "between 1 and 10,000"),
        ({"capacity": 10_001}, "between 1 and 10,000"),
        ({"capacity": 100_001}, "between 1 and 10,000"),
        ({"capacity": True}, ""),
        ({"capacity": "20"}, ""),
        ({"online_url": "javascript:alert(1)"}, "http:// or https://"),
        ({"online_url": "ftp://files.example.com"}, "http:// or https://"),
        ({"online_url": "", "location": ""}, "online link, a place"),
        ({"title": "x" * 10_000}, "Title is too long"),
        ({"description": "x" * 20_001}, "Description is too long"),
        ({"location": "x" * 201}, "Location is too long"),
        ({"starts_at": "next tuesday"}, "start as a date and time"),
        ({"starts_at": ""}, "start as a date and time"),
        ({"ends_at": f"{(date.today() + timedelta(days=30)).isoformat()}T18:00"}, "at most 14"),
        ({"starts_at": "2020-01-01T10:00", "ends_at": "2020-01-01T12:00"}, "in the future"),
        ({"starts_at": "2099-01-01T10:00", "ends_at": "2099-01-01T12:00"}, "three years"),
        ({"role": "admin"}, "unexpected field"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(change: dict, message: str) -> None:
    organizer = _actor(make_member().email)
    with pytest.raises(ValidationFailed) as refused:
        _create(organizer, **change)
    assert message in refused.value.message
    with session_scope() as db:
        assert db.exec(select(Event)).all() == []


def test_a_wall_clock_time_that_does_not_exist_is_refused() -> None:
    organizer = _actor(make_member().email)
    year = date.today().year + 1
    # Clocks in Berlin jump from 02:00 to 03:00 on the last Sunday of March.
    sunday = max(date(year, 3, d) for d in range(25, 32) if date(year, 3, d).weekday() == 6)
    with pytest.raises(ValidationFailed, match="does not exist"):
        _create(organizer, starts_at=f"{sunday}T02:30", ends_at=f"{sunday}T04:00")


def test_times_are_stored_in_utc_and_shown_in_the_zone_and_in_utc() -> None:
    organizer = _actor(make_member().email)
    summer = date(date.today().year + 1, 7, 15)
    detail = _create(
        organizer,
        starts_at=f"{summer}T18:30",
        ends_at=f"{summer}T20:00",
        timezone="Europe/Berlin",
        description="# Agenda\n\n<script>alert(1)</script>[x](javascript:alert(1))",
    )
    assert detail.starts_at == datetime(summer.year, 7, 15, 16, 30, tzinfo=UTC)
    assert detail.ends_at == datetime(summer.year, 7, 15, 18, 0, tzinfo=UTC)
    assert "18:30 – 20:00 CEST (Europe/Berlin)" in detail.when_local
    assert detail.when_utc.endswith("16:30 – 18:00 UTC")
    assert "<script" not in detail.description_html
    assert 'href="javascript' not in detail.description_html
    assert "<h1>Agenda</h1>" in detail.description_html
    aware = _create(
        organizer,
        starts_at=datetime(summer.year, 7, 16, 9, 0, tzinfo=UTC),
        ends_at=datetime(summer.year, 7, 16, 10, 0, tzinfo=UTC),
        timezone="America/New_York",
    )
    assert aware.when_local.endswith(f"16 Jul {summer.year}, 05:00 – 06:00 EDT (America/New_York)")


# ---- Permissions ----


def test_only_the_organizer_or_an_admin_edits_or_cancels() -> None:
    organizer = _actor(make_member().email)
    stranger = _actor(make_member().email)
    admin = _actor(make_admin().email)
    event_id = _create(organizer).id
    with session_scope() as db, pytest.raises(PermissionDenied):
        events.do_update_event(db, stranger, event_id, _data(title="Hijacked"))
    with session_scope() as db, pytest.raises(PermissionDenied):
        events.do_cancel_event(db, stranger, event_id)
    with session_scope() as db, pytest.raises(NotAuthenticated):
        events.do_update_event(db, None, event_id, _data(title="Anonymous"))
    with session_scope() as db, pytest.raises(NotAuthenticated):
        events.do_create_event(db, None, _data())
    assert _get(event_id).title == "Prompt engineering meetup"
    assert not _get(event_id, stranger).can_manage and _get(event_id, admin).can_manage
    with session_scope() as db:
        events.do_update_event(db, admin, event_id, _data(title="Renamed by an admin"))
    with session_scope() as db:
        events.do_update_event(db, organizer, event_id, _data(title="Renamed by me"))
    with session_scope() as db:
        assert events.do_cancel_event(db, organizer, event_id).status == "cancelled"
    with session_scope() as db, pytest.raises(Conflict):
        events.do_update_event(db, organizer, event_id, _data())


@pytest.mark.parametrize("bad_id", [0, -1, "1", 1.5, True, None, 2**40])
def test_unknown_event_ids_are_not_found(bad_id: object) -> None:
    with session_scope() as db, pytest.raises(NotFound):
        events.get_event(db, None, bad_id)


def test_an_event_is_tied_only_to_the_organizers_own_published_solution() -> None:
    owner, other = make_member(), make_member()
    slug = make_solution(owner.email).slug
    draft = make_solution(owner.email, name="Still a draft", publish=False).slug
    as_owner, as_other = _actor(owner.email), _actor(other.email)
    with pytest.raises(ValidationFailed, match="your own published"):
        _create(as_other, solution=slug)
    with pytest.raises(ValidationFailed, match="your own published"):
        _create(as_owner, solution=draft)
    detail = _create(as_owner, solution=slug)
    assert (detail.solution_slug, detail.solution_name) == (slug, "Summarizer Pro")
    _create(as_other)  # standalone
    with session_scope() as db:
        assert [e.id for e in events.list_for_solution(db, slug)] == [detail.id]
        with pytest.raises(NotFound):
            events.list_for_solution(db, draft)


# ---- RSVP, waitlist, promotion ----


def test_rsvp_fills_seats_then_the_waitlist_and_a_freed_seat_promotes_the_first() -> None:
    organizer = _actor(make_member().email)
    people = [make_member(name=f"Person {n}") for n in range(4)]
    a, b, c, d = (_actor(p.email) for p in people)
    event_id = _create(organizer, capacity=2).id

    assert _rsvp(a, event_id).my_status == "going"
    assert _rsvp(b, event_id).my_status == "going"
    third = _rsvp(c, event_id)
    assert (third.my_status, third.my_waitlist_position, third.seats_left) == ("waitlisted", 1, 0)
    assert _rsvp(d, event_id).my_waitlist_position == 2
    assert _rsvp(d, event_id).my_waitlist_position == 2  # a second click changes nothing
    # The online link is for the people going and the organizer.
    assert _get(event_id, a).online_url and _get(event_id, organizer).online_url
    assert _get(event_id, c).online_url == "" and _get(event_id, None).online_url == ""

    after = _cancel(a, event_id)
    assert after.my_status == "" and after.going_count == 2
    assert _get(event_id, c).my_status == "going"
    assert _get(event_id, d).my_waitlist_position == 1
    assert any("You have a seat" in s for s in _subjects(people[2].email))
    assert not any("You have a seat" in s for s in _subjects(people[3].email))

    # Coming back puts you at the end of the line.
    assert _rsvp(a, event_id).my_waitlist_position == 2
    assert _cancel(d, event_id).my_status == ""
    assert _get(event_id, a).my_waitlist_position == 1
    with pytest.raises(NotFound):
        _cancel(d, event_id)


def test_more_seats_promote_the_waitlist_and_fewer_than_going_are_refused() -> None:
    organizer = _actor(make_member().email)
    a, b, c = (_actor(make_member().email) for _ in range(3))
    event_id = _create(organizer, capacity=1).id
    for person in (a, b, c):
        _rsvp(person, event_id)
    with session_scope() as db:
        detail = events.do_update_event(db, organizer, event_id, _data(capacity=2))
    assert (detail.going_count, detail.waitlist_count) == (2, 1)
    assert _get(event_id, b).my_status == "going"
    with session_scope() as db, pytest.raises(ValidationFailed, match="2 people are going"):
        events.do_update_event(db, organizer, event_id, _data(capacity=1))


def test_cancelling_an_event_mails_everyone_and_closes_rsvps() -> None:
    organizer = _actor(make_member().email)
    going, waiting, late = make_member(), make_member(), make_member()
    event_id = _create(organizer, capacity=1).id
    _rsvp(_actor(going.email), event_id)
    _rsvp(_actor(waiting.email), event_id)
    with session_scope() as db:
        events.do_cancel_event(db, organizer, event_id)
    with session_scope() as db:
        events.do_cancel_event(db, organizer, event_id)  # twice is harmless: one mail each
    assert _subjects(going.email).count("Cancelled: Prompt engineering meetup") == 1
    assert _subjects(waiting.email).count("Cancelled: Prompt engineering meetup") == 1
    with pytest.raises(Conflict, match="cancelled"):
        _rsvp(_actor(late.email), event_id)


def test_capacity_is_exact_under_concurrent_rsvps_and_cancellations() -> None:
    organizer = _actor(make_member().email)
    event_id = _create(organizer, capacity=3).id
    actors = [_actor(make_member().email) for _ in range(12)]

    def answer(n: int) -> str:
        try:
            return _rsvp(actors[n], event_id).my_status
        except DomainError as exc:
            return f"refused: {exc.message}"

    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(answer, range(12)))
    assert sorted(answers) == ["going"] * 3 + ["waitlisted"] * 9
    going = [n for n, a in enumerate(answers) if a == "going"]

    with session_scope() as db:
        rows = db.exec(select(EventRsvp).where(EventRsvp.event_id == event_id)).all()
        waitlist = sorted(
            (r.position, r.user_id) for r in rows if r.status == RsvpStatus.WAITLISTED
        )
    assert len({r.position for r in rows}) == 12  # a total order
    first_in_line = {user_id for _, user_id in waitlist[:3]}

    def leave(n: int) -> None:
        _cancel(actors[n], event_id)

    with ThreadPoolExecutor(max_workers=3) as pool:
        list(pool.map(leave, going))
    detail = _get(event_id)
    assert (detail.going_count, detail.waitlist_count, detail.seats_left) == (3, 6, 0)
    with session_scope() as db:
        now_going = {
            r.user_id
            for r in db.exec(
                select(EventRsvp).where(
                    EventRsvp.event_id == event_id, EventRsvp.status == RsvpStatus.GOING
                )
            ).all()
        }
    assert now_going == first_in_line


# ---- Upcoming and the archive ----


def test_upcoming_and_past_lists_split_on_the_end_and_leave_out_cancelled() -> None:
    organizer = _actor(make_member().email)
    soon = _create(organizer, title="Soon").id
    past = _create(organizer, title="Last month").id
    running = _create(organizer, title="Running now").id
    cancelled = _create(organizer, title="Called off").id
    _shift(past, days=-40)
    with session_scope() as db:
        event = db.get(Event, running)
        assert event is not None
        event.starts_at, event.ends_at = (
            utcnow() - timedelta(hours=1),
            utcnow() + timedelta(hours=1),
        )
        db.add(event)
    with session_scope() as db:
        events.do_cancel_event(db, organizer, cancelled)
    with session_scope() as db:
        upcoming = events.list_upcoming(db)
        archive = events.list_past(db)
    assert [e.id for e in upcoming.items] == [running, soon]
    assert [e.id for e in archive.items] == [past]
    assert _get(past).ended and not _get(running).ended
    with pytest.raises(Conflict, match="over"):
        _rsvp(_actor(make_member().email), past)


def test_lists_come_a_page_at_a_time() -> None:
    organizer = _actor(make_member().email)
    ids = [_create(organizer, title=f"Meetup {n:02d}").id for n in range(events.PAGE_SIZE + 1)]
    with session_scope() as db:
        first, second = events.list_upcoming(db, page=1), events.list_upcoming(db, page=2)
        for bad in (0, -1, "2", True, events.MAX_PAGE + 1):
            with pytest.raises(ValidationFailed):
                events.list_upcoming(db, page=bad)
    assert (first.total, first.pages, len(first.items), len(second.items)) == (13, 2, 12, 1)
    assert [e.id for e in first.items + second.items] == ids


def test_cached_lists_follow_rsvps_edits_and_the_organizers_solution() -> None:
    organizer = _actor(make_member().email)
    solution = make_solution(organizer.email, name="Listed Lens")
    event_id = _create(organizer, title="Cached meetup", solution=solution.slug).id

    def first() -> tuple[str, int, str]:
        with session_scope() as db:
            item = events.list_upcoming(db).items[0]
        return item.title, item.going_count, item.solution_name

    assert first() == ("Cached meetup", 0, "Listed Lens")
    _rsvp(_actor(make_member().email), event_id)
    assert first() == ("Cached meetup", 1, "Listed Lens")
    with session_scope() as db:
        events.do_update_event(db, organizer, event_id, _data(title="Renamed meetup"))
    assert first()[0] == "Renamed meetup"
    with session_scope() as db:
        solutions.do_set_status(db, organizer, solution.slug, "archived")
    assert first() == ("Renamed meetup", 1, "")


def test_listed_events_carry_the_first_five_faces_in_one_query_for_the_page() -> None:
    organizer = _actor(make_member(name="Olga Host").email)
    busy = _create(organizer, title="Busy meetup", capacity=10).id
    quiet = _create(organizer, title="Quiet meetup", starts_at=f"{DAY}T21:00",
                    ends_at=f"{DAY}T22:00").id  # fmt: skip
    people = [make_member(name=f"Person {chr(65 + n)} Going") for n in range(6)]
    for person in people:
        _rsvp(_actor(person.email), busy)
    with session_scope() as db:  # a cancelled answer is no face
        events.do_cancel_rsvp(db, _actor(people[0].email), busy)
    late = make_member(name="zoe")
    late_actor = _actor(late.email)  # before the page is cached: new members retire it too
    statements: list[str] = []
    listen = lambda *args: statements.append(args[2])  # noqa: E731
    sa_event.listen(Engine, "before_cursor_execute", listen)
    try:
        with session_scope() as db:
            listed = {e.id: e for e in events.list_upcoming(db).items}
    finally:
        sa_event.remove(Engine, "before_cursor_execute", listen)
    assert listed[busy].going_count == 5 and listed[quiet].faces == ()
    assert [f[1] for f in listed[busy].faces] == ["PB", "PC", "PD", "PE", "PF"]
    assert [f[0] for f in listed[busy].faces] == [p.id for p in people[1:]]
    assert listed[busy].organizer_name == "Olga Host"
    assert sum("event_rsvp" in s for s in statements) == 2  # counts and faces, for all events
    # An RSVP retires the cached page: the new face shows at once.
    _rsvp(late_actor, quiet)
    with session_scope() as db:
        listed = {e.id: e for e in events.list_upcoming(db).items}
    assert listed[quiet].faces == ((late.id, "Z"),)
    assert _get(quiet).faces == ((late.id, "Z"),)
