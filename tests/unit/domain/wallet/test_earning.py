"""Earning tokens: the welcome grant, review and first-review grants, caps, refusals, statement."""

from __future__ import annotations

import itertools
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import col, select

from aixplore.core.db import read_scope, session_scope
from aixplore.core.errors import Conflict, NotAuthenticated, PermissionDenied
from aixplore.core.time import utcnow
from aixplore.domain.accounts import services as accounts
from aixplore.domain.accounts.models import Actor, User
from aixplore.domain.reviews import reading as review_reading
from aixplore.domain.reviews import services as reviews
from aixplore.domain.reviews.models import Review, ReviewStatus
from aixplore.domain.wallet import earning, progress, rewarded, statement
from aixplore.domain.wallet import services as wallet
from aixplore.domain.wallet.models import TransactionKind, WalletTransaction
from tests.factories import PASSWORD, actor_for, make_member, make_solution, outbox_link, sign_in

GOOD = {"rating": 5, "title": "Saves me hours", "body": "Accurate summaries, fast and cheap."}
_ips = itertools.count(1)
_names = itertools.count(1)


def _actor(email: str) -> Actor:
    actor = actor_for(sign_in(email, ip=f"198.51.100.{next(_ips) % 250 + 1}"))
    assert actor is not None
    return actor


def _balance(user_id: int) -> int:
    with read_scope() as db:
        return wallet.user_balance(db, user_id)


def _solution(owner_email: str) -> tuple[int, str]:
    made = make_solution(owner_email, name=f"Tool Number {next(_names)}")
    return made.id, made.slug


def _use(user_id: int, solution_id: int) -> None:
    with session_scope() as db:
        reviews.do_record_usage(
            db, user_id=user_id, solution_id=solution_id, source="order", reference="t"
        )


def _review(actor: Actor, slug: str) -> None:
    with session_scope() as db:
        rewarded.do_write_review(db, actor, slug, dict(GOOD))


def _sign_up(email: str) -> None:
    with session_scope() as db:
        accounts.do_sign_up(
            db, {"email": email, "display_name": "New Member", "password": PASSWORD}
        )


def _user_id(email: str) -> int:
    with read_scope() as db:
        user = accounts.get_user_by_email(db, email)
        assert user is not None and user.id is not None
        return user.id


# ---- Welcome ----


def test_confirming_the_email_grants_the_welcome_once() -> None:
    _sign_up("newbie@example.com")
    uid = _user_id("newbie@example.com")
    with session_scope() as db:
        assert earning.grant_welcome(db, uid).reason == "email not confirmed"
    assert _balance(uid) == 0  # not before the address is confirmed
    with session_scope() as db:
        token = outbox_link(db, "newbie@example.com", "/verify")
    with session_scope() as db:
        rewarded.do_verify_email(db, token)
    assert _balance(uid) == earning.WELCOME.amount == 100
    actor = _actor("newbie@example.com")
    with session_scope() as db:  # a retry, a second worker, a claim: nothing more
        assert earning.grant_welcome(db, uid).reason == "already granted"
        assert not earning.do_claim_welcome(db, actor).granted
    assert _balance(uid) == 100
    with read_scope() as db:
        assert wallet.ledger_is_balanced(db)
        [tx] = db.exec(
            select(WalletTransaction).where(WalletTransaction.reference == f"earn:welcome:{uid}")
        ).all()
        assert tx.kind == TransactionKind.GRANT


def test_members_confirmed_another_way_claim_it_and_a_plus_address_gets_none() -> None:
    first = make_member(email="sam@example.com")
    assert _balance(first.id) == 0  # made verified directly (like SSO or an admin)
    actor = _actor(first.email)
    with session_scope() as db:
        assert earning.do_claim_welcome(db, actor).granted
    assert _balance(first.id) == 100
    farm = make_member(email="Sam+farm1@example.com")
    farmer = _actor(farm.email)
    with session_scope() as db, pytest.raises(Conflict, match="same mailbox"):
        earning.do_claim_welcome(db, farmer)
    assert _balance(farm.id) == 0
    with session_scope() as db, pytest.raises(NotAuthenticated):
        earning.do_claim_welcome(db, None)


def test_a_suspended_member_gets_no_welcome() -> None:
    member = make_member()
    with session_scope() as db:
        db.execute(update(User).where(col(User.id) == member.id).values(suspended_at=utcnow()))
    with session_scope() as db:
        assert earning.grant_welcome(db, member.id).reason == "email not confirmed"
    assert _balance(member.id) == 0


# ---- Reviews ----


def test_a_review_with_verified_usage_earns_its_author_and_the_publisher() -> None:
    owner, reader = make_member(), make_member()
    solution_id, slug = _solution(owner.email)
    _use(reader.id, solution_id)
    actor = _actor(reader.email)
    _review(actor, slug)
    assert (_balance(reader.id), _balance(owner.id)) == (20, 10)
    # Editing, or deleting and writing it again, earns nothing more.
    with session_scope() as db:
        rewarded.do_write_review(db, actor, slug, {**GOOD, "rating": 4})
        mine = review_reading.get_my_review(db, actor, slug)
        assert mine is not None
        reviews.do_delete_review(db, actor, mine.id)
    _review(actor, slug)
    assert (_balance(reader.id), _balance(owner.id)) == (20, 10)


def test_reviews_without_usage_or_of_your_own_solution_earn_nothing() -> None:
    owner, reader = make_member(), make_member()
    solution_id, slug = _solution(owner.email)
    _review(_actor(reader.email), slug)  # no recorded use
    assert (_balance(reader.id), _balance(owner.id)) == (0, 0)
    _use(owner.id, solution_id)
    publisher = _actor(owner.email)
    with session_scope() as db, pytest.raises(PermissionDenied):
        rewarded.do_write_review(db, publisher, slug, dict(GOOD))
    # Even a review that got past the service (imported, or written before the rule) with
    # usage on the author's own solution earns nothing, nor does a hidden one.
    with session_scope() as db:
        own = Review(
            solution_id=solution_id,
            author_id=owner.id,
            rating=5,
            title="Mine",
            body="My own tool is great",
            verified_usage=True,
        )
        db.add(own)
        db.flush()
        assert {g.reason for g in earning.grant_for_review(db, own)} == {"own solution"}
        hidden = db.exec(select(Review).where(Review.author_id == reader.id)).one()
        hidden.verified_usage, hidden.status = True, ReviewStatus.HIDDEN
        assert {g.reason for g in earning.grant_for_review(db, hidden)} == {"review hidden"}
    assert (_balance(reader.id), _balance(owner.id)) == (0, 0)


def test_review_grants_stop_at_the_monthly_cap_and_start_again_next_month() -> None:
    owner, reader = make_member(), make_member()
    actor = _actor(reader.email)
    made = [_solution(owner.email) for _ in range(earning.REVIEW.cap + 1)]
    for solution_id, slug in made:
        _use(reader.id, solution_id)
        _review(actor, slug)
    assert _balance(reader.id) == earning.REVIEW.cap * earning.REVIEW.amount == 100
    with session_scope() as db:  # the grants so far were made last month
        db.execute(
            update(WalletTransaction)
            .where(col(WalletTransaction.reference).startswith("earn:review:"))
            .values(created_at=earning.month_start() - timedelta(days=2))
        )
    with session_scope() as db:
        solution_id = made[-1][0]
        granted = earning.grant_for_review_of(db, reader.id, solution_id)
        assert [g.granted for g in granted if g.rule == "review"] == [True]
    assert _balance(reader.id) == 120


def test_a_publisher_earns_for_the_first_three_verified_reviews_of_each_solution() -> None:
    owner = make_member()
    solution_id, slug = _solution(owner.email)
    for _ in range(4):
        reader = make_member()
        _use(reader.id, solution_id)
        _review(_actor(reader.email), slug)
    assert _balance(owner.id) == 3 * earning.FIRST_REVIEWS.amount == 30


def test_reviews_at_the_same_moment_cannot_pass_the_cap_together() -> None:
    owner, reader = make_member(), make_member()
    actor = _actor(reader.email)
    made = [_solution(owner.email) for _ in range(earning.REVIEW.cap + 3)]
    for solution_id, _slug in made:
        _use(reader.id, solution_id)
    for _solution_id, slug in made[: earning.REVIEW.cap - 1]:
        _review(actor, slug)
    assert _balance(reader.id) == 80

    def write(slug: str) -> None:
        _review(actor, slug)

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(write, [slug for _, slug in made[earning.REVIEW.cap - 1 :]]))
    assert _balance(reader.id) == 100  # one of the four took the last place


# ---- What the page shows ----


def test_the_statement_carries_earnings_and_the_next_step_follows_them() -> None:
    owner, reader = make_member(), make_member()
    solution_id, slug = _solution(owner.email)
    actor = _actor(reader.email)
    with read_scope() as db:
        first = statement.my_statement(db, actor)
    step = progress.next_step(first.earned, first.review, buying=False, to_next=1000, tier="silver")
    assert step.action == "claim" and "100 ECE welcome grant" in step.text
    with session_scope() as db:
        earning.do_claim_welcome(db, actor)
    _use(reader.id, solution_id)
    with read_scope() as db:
        after = statement.my_statement(db, actor)
    assert after.earned.welcomed and after.review is not None and after.review[0] == slug
    step = progress.next_step(after.earned, after.review, buying=True, to_next=900, tier="silver")
    assert step.href == f"/solutions/{slug}" and "earns 20 ECE" in step.text
    assert progress.describe(after.lines[0].reference, after.lines[0].kind.value) == "Welcome"
    _review(actor, slug)
    with read_scope() as db:
        done = statement.my_statement(db, actor)
    assert done.review is None and done.earned.count(earning.REVIEW) == 1
    step = progress.next_step(done.earned, done.review, buying=True, to_next=880, tier="silver")
    assert step.href == "#buy-tokens" and "880 more tokens reach silver" in step.text
    step = progress.next_step(done.earned, done.review, buying=False, to_next=880, tier="silver")
    assert step.href == "/solutions"
