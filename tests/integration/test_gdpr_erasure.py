"""Erasure: a grace period, cancellation, then deletion that anonymizes what must stay."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import SQLModel, col, select

from aixplore.core.db import read_scope, session_scope
from aixplore.core.errors import Conflict, ValidationFailed
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import User, UserSession
from aixplore.domain.apikeys.models import ApiKey
from aixplore.domain.audit.models import AuditEntry
from aixplore.domain.audit.services import verify_chain
from aixplore.domain.gdpr import erasure
from aixplore.domain.orders.models import Order, OrderStatus
from aixplore.domain.orgs import services as orgs
from aixplore.domain.orgs.models import Organization
from aixplore.domain.reviews import services as reviews
from aixplore.domain.reviews.models import Review
from aixplore.domain.solutions.models import Solution
from tests.api_support import make_key
from tests.factories import PASSWORD, actor_for, make_member, make_solution, sign_in
from tests.support.orders import quoted_order


def test_every_user_reference_is_deleted_or_anonymized_with_the_user() -> None:
    for table in SQLModel.metadata.sorted_tables:
        for column in table.columns:
            for fk in column.foreign_keys:
                if fk.target_fullname == "user.id":
                    assert fk.ondelete in {"CASCADE", "SET NULL"}, (
                        f"{table.name}.{column.name}: erasure deletes the user row; give the "
                        "foreign key ON DELETE CASCADE (delete) or SET NULL (anonymize)"
                    )


def _setup() -> tuple[str, str, int]:
    publisher = make_member(name="Pat Publisher")
    slug = make_solution(publisher.email, name="Kept Listing", tagline="Stays after erasure").slug
    leaving = make_member(name="Lea Leaving")
    actor = actor_for(sign_in(leaving.email))
    with session_scope() as db:
        reviews.do_write_review(
            db, actor, slug, {"rating": 5, "title": "Great", "body": "It does what it says."}
        )
    make_solution(leaving.email, name="Own Listing", tagline="Goes with the account")
    make_key(leaving.email, ["solutions:read"])
    return leaving.email, slug, leaving.id


def _erase_now(email: str, keep_reviews: bool) -> int:
    actor = actor_for(sign_in(email))
    with session_scope() as db:
        erasure.do_request_erasure(db, actor, {"password": PASSWORD, "keep_reviews": keep_reviews})
    with session_scope() as db:
        assert erasure.do_execute_due(db) == 0  # the grace period is not over
    with session_scope() as db:
        return erasure.do_execute_due(db, now=utcnow() + timedelta(days=15))


def test_erasure_keeps_agreed_reviews_as_deleted_user() -> None:
    email, _slug, user_id = _setup()
    assert _erase_now(email, keep_reviews=True) == 1
    with read_scope() as db:
        assert db.get(User, user_id) is None
        assert db.exec(select(UserSession).where(UserSession.user_id == user_id)).all() == []
        assert db.exec(select(ApiKey).where(ApiKey.user_id == user_id)).all() == []
        names = [s.name for s in db.exec(select(Solution)).all()]
        assert names == ["Kept Listing"]
        (review,) = db.exec(select(Review)).all()
        assert review.author_id is None and review.body == "It does what it says."
        assert verify_chain(db).ok
        assert db.exec(select(AuditEntry).where(AuditEntry.action == "gdpr.erased")).one()


def test_erasure_removes_reviews_without_consent() -> None:
    email, _slug, _user_id = _setup()
    assert _erase_now(email, keep_reviews=False) == 1
    with read_scope() as db:
        assert db.exec(select(Review)).all() == []


def test_a_cancelled_erasure_never_runs_and_requests_are_checked() -> None:
    member = make_member()
    actor = actor_for(sign_in(member.email))
    with session_scope() as db, pytest.raises(ValidationFailed):
        erasure.do_request_erasure(db, actor, {"password": "wrong password"})
    with session_scope() as db, pytest.raises(ValidationFailed):
        erasure.do_request_erasure(db, actor, {"password": PASSWORD, "extra": 1})
    with session_scope() as db:
        erasure.do_request_erasure(db, actor, {"password": PASSWORD})
    with session_scope() as db, pytest.raises(Conflict):
        erasure.do_request_erasure(db, actor, {"password": PASSWORD})
    with session_scope() as db:
        erasure.do_cancel_erasure(db, actor)
    with session_scope() as db:
        assert erasure.do_execute_due(db, now=utcnow() + timedelta(days=30)) == 0
    with read_scope() as db:
        assert db.get(User, member.id) is not None


def test_an_org_owner_or_a_paid_order_in_progress_holds_erasure_back() -> None:
    owner = make_member()
    actor = actor_for(sign_in(owner.email))
    assert actor is not None
    with session_scope() as db:
        org = orgs.do_create_org(db, actor, {"name": "Keep Corp", "slug": "keep-corp"})
    with session_scope() as db, pytest.raises(Conflict, match="transfer its ownership"):
        erasure.do_request_erasure(db, actor, {"password": PASSWORD})
    with session_scope() as db:
        db.delete(db.get(Organization, org.id))

    # Requested while free; an order paid during the grace period postpones it by a day.
    with session_scope() as db:
        erasure.do_request_erasure(db, actor, {"password": PASSWORD})
    oid = quoted_order(actor, grant=2_000)
    with session_scope() as db:
        db.execute(update(Order).where(col(Order.id) == oid).values(status=OrderStatus.PAID))
    later = utcnow() + timedelta(days=15)
    with session_scope() as db:
        assert erasure.do_execute_due(db, now=later) == 0
        assert "still being built" in erasure.erasure_blocker(db, owner.id)
    with session_scope() as db:
        db.execute(update(Order).where(col(Order.id) == oid).values(status=OrderStatus.DELIVERED))
    with session_scope() as db:
        assert erasure.do_execute_due(db, now=later) == 0  # postponed to the next day
        assert erasure.do_execute_due(db, now=later + timedelta(days=1, seconds=1)) == 1
    with read_scope() as db:
        assert db.get(User, owner.id) is None
