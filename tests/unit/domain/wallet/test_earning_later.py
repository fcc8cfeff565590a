"""Grants whose proof comes later: hosts of events that ended, reviews of delivered orders."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlalchemy import update
from sqlmodel import col, select

from aixplore.core.db import read_scope, session_scope
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import Actor, User
from aixplore.domain.events import services as events
from aixplore.domain.events.models import Event, EventRsvp, RsvpStatus
from aixplore.domain.orders import lifecycle, usage
from aixplore.domain.orders.models import Order, OrderStatus
from aixplore.domain.reviews import services as reviews
from aixplore.domain.reviews.models import Review
from aixplore.domain.wallet import earning, rewarded
from aixplore.domain.wallet import services as wallet
from aixplore.jobs import wallet as wallet_jobs
from aixplore.jobs.queue import huey
from tests.factories import actor_for, make_member, make_solution, sign_in

_ips = itertools.count(1)
DAY = (date.today() + timedelta(days=10)).isoformat()


def _actor(email: str) -> Actor:
    actor = actor_for(sign_in(email, ip=f"198.51.100.{next(_ips) % 250 + 1}"))
    assert actor is not None
    return actor


def _balance(user_id: int) -> int:
    with read_scope() as db:
        return wallet.user_balance(db, user_id)


def _event(
    host: Actor, going: int, *, capacity: int = 10, guests: list[Actor] | None = None
) -> int:
    """An event by ``host`` with ``going`` other members going (new ones unless ``guests``)."""
    with session_scope() as db:
        event = events.do_create_event(
            db,
            host,
            {
                "title": "Prompt engineering meetup",
                "starts_at": f"{DAY}T18:30",
                "ends_at": f"{DAY}T20:00",
                "timezone": "Europe/Berlin",
                "online_url": "https://meet.example.com/prompting",
                "capacity": capacity,
            },
        )
    for index in range(going):
        guest = guests[index] if guests else _actor(make_member().email)
        with session_scope() as db:
            events.do_rsvp(db, guest, event.id)
    return event.id


def _end(event_id: int, hours_ago: float = 1) -> None:
    ended = utcnow() - timedelta(hours=hours_ago)
    with session_scope() as db:
        db.execute(
            update(Event)
            .where(col(Event.id) == event_id)
            .values(starts_at=ended - timedelta(hours=2), ends_at=ended)
        )


def test_a_host_earns_once_for_an_event_that_ended_with_three_going() -> None:
    host_member = make_member()
    host = _actor(host_member.email)
    event_id = _event(host, 3)
    with session_scope() as db:
        assert earning.grant_for_event(db, event_id).reason == "event not over"
        events.do_rsvp(db, host, event_id)  # the host's own RSVP never counts
    _end(event_id)
    with read_scope() as db:
        assert earning.due_event_ids(db) == [event_id]
    assert wallet_jobs.grant_event_hosts() == 1
    assert wallet_jobs.grant_event_hosts() == 0  # the sweep again: nothing more
    assert _balance(host_member.id) == earning.EVENT.amount == 50
    with read_scope() as db:
        assert earning.due_event_ids(db) == []


def test_too_few_going_a_waitlist_a_cancellation_or_a_cancelled_event_earn_nothing() -> None:
    host_member = make_member()
    host = _actor(host_member.email)
    # Capacity 2: the third answer waits on the list; one going cancels, the third moves up.
    small = _event(host, 3, capacity=2)
    with read_scope() as db:
        going = db.exec(
            select(User.email)
            .join(EventRsvp, col(EventRsvp.user_id) == User.id)
            .where(EventRsvp.event_id == small, EventRsvp.status == RsvpStatus.GOING)
        ).first()
    assert going is not None
    with session_scope() as db:
        events.do_cancel_rsvp(db, _actor(going), small)
    cancelled = _event(host, 3)
    with session_scope() as db:
        events.do_cancel_event(db, host, cancelled)
    _end(small)
    _end(cancelled)
    with session_scope() as db:
        assert earning.grant_for_event(db, small).reason == "too few attendees"
        assert earning.grant_for_event(db, cancelled).reason == "event cancelled"
    assert wallet_jobs.grant_event_hosts() == 0
    assert _balance(host_member.id) == 0


def test_suspended_attendees_do_not_count_and_hosts_are_capped_per_month() -> None:
    host_member = make_member()
    host = _actor(host_member.email)
    regulars = [_actor(make_member().email) for _ in range(3)]  # fewer sign-ups: faster
    ids = [_event(host, 3)] + [
        _event(host, 3, guests=regulars) for _ in range(earning.EVENT.cap + 1)
    ]
    for event_id in ids:
        _end(event_id)
    with session_scope() as db:  # one attendee of the first event was a fake account
        one = db.exec(select(EventRsvp.user_id).where(EventRsvp.event_id == ids[0])).first()
        db.execute(update(User).where(col(User.id) == one).values(suspended_at=utcnow()))
    with session_scope() as db:
        assert earning.grant_for_event(db, ids[0]).reason == "too few attendees"
    assert wallet_jobs.grant_event_hosts() == earning.EVENT.cap
    assert _balance(host_member.id) == earning.EVENT.cap * earning.EVENT.amount == 100
    with session_scope() as db:
        assert earning.grant_for_event(db, ids[-1]).reason == "monthly cap reached"


@pytest.fixture
def jobs_run_at_once() -> Iterator[None]:
    """huey runs each task as it is enqueued, in this process (its immediate mode)."""
    huey.immediate = True
    try:
        yield
    finally:
        huey.immediate = False


def _order(user_id: int, slug: str, status: OrderStatus) -> int:
    with session_scope() as db:
        order = Order(user_id=user_id, status=status, solution_slug=slug)
        db.add(order)
        db.flush()
        assert order.id is not None
        return order.id


def test_a_delivered_order_verifies_the_review_written_before_it_and_grants_it(
    jobs_run_at_once: None,
) -> None:
    owner, reader = make_member(), make_member()
    made = make_solution(owner.email)
    actor = _actor(reader.email)
    with session_scope() as db:
        rewarded.do_write_review(
            db, actor, made.slug, {"rating": 4, "title": "Looks good", "body": "Before ordering."}
        )
    assert _balance(reader.id) == 0  # no verified usage yet
    order_id = _order(reader.id, made.slug, OrderStatus.PR_OPENED)
    with session_scope() as db:
        lifecycle.transition(db, db.get(Order, order_id), OrderStatus.DELIVERED)  # type: ignore[arg-type]
    # After the commit, the queued job recorded the use and made the review's grants.
    with read_scope() as db:
        review = db.exec(select(Review).where(Review.author_id == reader.id)).one()
        assert review.verified_usage
    assert (_balance(reader.id), _balance(owner.id)) == (20, 10)
    assert wallet_jobs.record_usage(order_id) == 0  # again: nothing more


def test_the_sweep_records_usage_a_lost_job_missed_and_ignores_undelivered_orders() -> None:
    owner, reader = make_member(), make_member()
    made = make_solution(owner.email)
    delivered = _order(reader.id, made.slug, OrderStatus.DELIVERED)  # its job never ran
    _order(reader.id, made.slug, OrderStatus.REFUNDED)
    with read_scope() as db:
        assert usage.delivered_without_usage(db) == [delivered]
        assert reviews.has_usage(db, reader.id, made.id) is False
    assert wallet_jobs.sweep_wallet_grants.call_local() == {"event_hosts": 0, "orders": 1}
    with read_scope() as db:
        assert reviews.has_usage(db, reader.id, made.id)
        assert usage.delivered_without_usage(db) == []
