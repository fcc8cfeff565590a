"""In-app notifications: own-only access, paging, counts, and the acts that notify."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import col, select

from aixplore.core.db import read_scope, session_scope
from aixplore.core.errors import NotAuthenticated, NotFound, ValidationFailed
from aixplore.core.settings import get_settings
from aixplore.domain.discovery import services as discovery
from aixplore.domain.gdpr import erasure
from aixplore.domain.gdpr import services as gdpr
from aixplore.domain.notifications import services as notifications
from aixplore.domain.notifications.models import Notification
from aixplore.domain.orders import lifecycle, payment
from aixplore.domain.orders.models import OrderStatus
from aixplore.domain.orgs import invitations
from aixplore.domain.orgs import services as orgs
from aixplore.domain.reviews import services as reviews
from aixplore.domain.webhooks import delivery as deliveries
from aixplore.domain.webhooks import services as webhooks
from tests.factories import actor_for, make_member, make_solution, sign_in
from tests.support.orders import quoted_order


def _member() -> Any:
    user = make_member()
    actor = actor_for(sign_in(user.email))
    assert actor is not None
    return actor


def _titles(user_id: int) -> list[str]:
    with read_scope() as db:
        rows = db.exec(
            select(Notification.title)
            .where(Notification.user_id == user_id)
            .order_by(col(Notification.id))
        ).all()
    return list(rows)


def test_pages_newest_first_counts_unread_and_marks_read() -> None:
    me = _member()
    with session_scope() as db:
        for n in range(5):
            notifications.notify(db, me.user_id, "order", f"Notice {n}", link=f"/orders/{n}")
    with read_scope() as db:
        first = notifications.list_my_notifications(db, me, limit=2)
        second = notifications.list_my_notifications(db, me, before_id=first.items[-1].id, limit=2)
        last = notifications.list_my_notifications(db, me, before_id=second.items[-1].id, limit=2)
        assert notifications.unread_count(db, me) == 5
    assert [n.title for n in first.items] == ["Notice 4", "Notice 3"] and first.more
    assert [n.title for n in second.items] == ["Notice 2", "Notice 1"] and second.more
    assert [n.title for n in last.items] == ["Notice 0"] and not last.more
    with session_scope() as db:
        opened = notifications.do_mark_read(db, me, first.items[0].id)
        notifications.do_mark_read(db, me, first.items[0].id)  # again is fine
    assert opened.read and opened.link == "/orders/4"
    with session_scope() as db:
        assert notifications.unread_count(db, me) == 4
        assert notifications.do_mark_all_read(db, me) == 4
    with read_scope() as db:
        assert notifications.unread_count(db, me) == 0
        page = notifications.list_my_notifications(db, me)
    assert all(n.read for n in page.items) and len(page.items) == 5


def test_nobody_sees_or_marks_another_users_notifications() -> None:
    me, other = _member(), _member()
    with session_scope() as db:
        stored = notifications.notify(db, me.user_id, "review", "For me")
        assert stored is not None
        mine = stored.id
        notifications.notify(db, other.user_id, "review", "For the other one")
    with session_scope() as db, pytest.raises(NotFound):
        notifications.do_mark_read(db, other, mine)
    with session_scope() as db:
        assert notifications.do_mark_all_read(db, other) == 1
    with read_scope() as db:
        assert notifications.unread_count(db, me) == 1
        assert [n.title for n in notifications.list_my_notifications(db, other).items] == [
            "For the other one"
        ]
    for bad in ("1", True, 1.0, -1, 0, 2**80, None, {"id": mine}):
        with session_scope() as db, pytest.raises(NotFound):
            notifications.do_mark_read(db, me, bad)
    for cursor, size in (("5", 20), (-1, 20), (None, 0), (None, 1000), (None, "20")):
        with read_scope() as db, pytest.raises(ValidationFailed):
            notifications.list_my_notifications(db, me, before_id=cursor, limit=size)
    with read_scope() as db, pytest.raises(NotAuthenticated):
        notifications.unread_count(db, None)
    with session_scope() as db, pytest.raises(NotAuthenticated):
        notifications.do_mark_read(db, None, mine)


def test_a_rolled_back_action_notifies_nobody() -> None:
    me = _member()
    with pytest.raises(RuntimeError), session_scope() as db:
        notifications.notify(db, me.user_id, "order", "Never happened")
        raise RuntimeError("the action failed after notifying")
    assert _titles(me.user_id) == []


@pytest.mark.parametrize(
    ("kind", "link"),
    [
        ("order", "https://evil.example/x"),
        ("order", "//evil.example/x"),
        ("order", "/\\evil.example"),
        ("order", "orders/1"),
        ("order", "/orders/1\n"),
        ("spam", "/orders/1"),
    ],
)
def test_only_known_kinds_and_links_inside_the_app(kind: str, link: str) -> None:
    me = _member()
    with session_scope() as db, pytest.raises(ValueError):
        notifications.notify(db, me.user_id, kind, "Title", link=link)


def test_long_texts_are_shortened_and_only_the_newest_are_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    me = _member()
    monkeypatch.setattr(notifications, "KEEP", 3)
    with session_scope() as db:
        long = notifications.notify(db, me.user_id, "order", "T" * 500, "B" * 5000)
        assert long is not None
        assert (len(long.title), len(long.body)) == (200, 1000) and long.title.endswith("…")
        for n in range(4):
            notifications.notify(db, me.user_id, "order", f"Notice {n}")
    assert _titles(me.user_id) == ["Notice 1", "Notice 2", "Notice 3"]


def test_order_transitions_notify_the_owner_only_not_for_their_own_steps() -> None:
    owner, bystander = _member(), _member()
    oid = quoted_order(owner, grant=1_000)
    with session_scope() as db:
        payment.do_pay_with_wallet(db, owner, oid, True)  # quoted and paid: the owner's acts
    assert _titles(owner.user_id) == [f"Your order #{oid} is now Queued"]  # the system's
    with session_scope() as db:
        assert lifecycle.advance(db, oid, OrderStatus.QUEUED, OrderStatus.ANALYZING)
    with session_scope() as db:
        lifecycle.fail_and_refund(db, oid, "The generated tests failed.")
    assert _titles(owner.user_id) == [
        f"Your order #{oid} is now Queued",
        f"Your order #{oid} is now Analyzing",
        f"Your order #{oid} is now Failed",
        f"Your order #{oid} is now Refunded",
    ]
    assert _titles(bystander.user_id) == []
    with read_scope() as db:
        page = notifications.list_my_notifications(db, owner)
    assert {n.link for n in page.items} == {f"/orders/{oid}"}
    assert page.items[1].body == "The generated tests failed."


def test_a_saved_search_match_notifies_its_owner_in_the_app_too() -> None:
    publisher = make_member()
    reader = _member()
    with session_scope() as db:
        discovery.do_save_search(db, reader, {"q": "ocr"})
    make_solution(publisher.email, name="New OCR Engine", tags=["ocr"], category="computer-vision")
    with session_scope() as db:
        assert discovery.do_notify_saved_searches(db, base_url="http://x") == 1
    with read_scope() as db:
        [notice] = notifications.list_my_notifications(db, reader).items
    assert notice.kind == "saved_search" and notice.title == "1 new solution for “ocr”"
    assert notice.body == "New OCR Engine" and notice.link == "/solutions?q=ocr"
    assert _titles(publisher.id) == []


def test_a_review_and_an_invitation_notify_who_they_concern() -> None:
    publisher, reviewer, invitee = _member(), _member(), _member()
    slug = make_solution(publisher.email, name="Review Me", tagline="A tool to be reviewed").slug
    review = {"rating": 4, "title": "Solid tool", "body": "Did what it said on the tin."}
    with session_scope() as db:
        reviews.do_write_review(db, reviewer, slug, review)
    with session_scope() as db:  # an edit is not news
        reviews.do_write_review(db, reviewer, slug, {**review, "title": "Solid tool!"})
    assert _titles(publisher.user_id) == ["New 4-star review of Review Me"]
    assert _titles(reviewer.user_id) == []
    with session_scope() as db:
        org = orgs.do_create_org(db, publisher, {"name": "Acme Inc", "slug": "acme"})
        invitations.do_invite(db, publisher, org.id, {"email": invitee.email, "role": "member"})
        invitations.do_invite(db, publisher, org.id, {"email": "new@example.com", "role": "member"})
    assert _titles(invitee.user_id) == [f"{publisher.display_name} invited you to Acme Inc"]


def test_an_automatically_disabled_webhook_notifies_its_owner(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(get_settings(), "webhook_disable_after_failures", 1)
    owner = _member()
    with session_scope() as db:
        endpoint, _secret = webhooks.do_create_endpoint(
            db, owner, {"url": "https://hooks.example.com/in", "event_types": ["ping"]}
        )
        delivery = webhooks.do_send_ping(db, owner, endpoint.id)
    with session_scope() as db:
        request = deliveries.claim(db, delivery.id)
        assert request is not None
        deliveries.record_outcome(db, request, 500, 12, "answered 500")
    with read_scope() as db:
        [notice] = notifications.list_my_notifications(db, owner).items
    assert notice.kind == "webhook" and notice.link == "/settings/webhooks"
    assert "https://hooks.example.com/in" in notice.body and "1 failed attempts" in notice.body


def test_notifications_are_in_the_data_export_and_erased_with_the_user() -> None:
    me, other = _member(), _member()
    with session_scope() as db:
        notifications.notify(db, me.user_id, "order", "Mine", link="/orders/1")
        notifications.notify(db, other.user_id, "order", "Theirs")
    assert "user_id" in gdpr.user_columns()["notification"]
    with read_scope() as db:
        exported = gdpr.collect(db, me.user_id)["notification"]
    assert [(n["title"], n["link"]) for n in exported] == [("Mine", "/orders/1")]
    with session_scope() as db:
        erasure.erase_user(db, me.user_id, keep_reviews=False)
    assert _titles(me.user_id) == [] and _titles(other.user_id) == ["Theirs"]
