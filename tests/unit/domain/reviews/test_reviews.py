"""Reviews: one per person, history on edit, aggregates, votes, replies, reports, moderation."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from aixplore.core.db import session_scope
from aixplore.core.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from aixplore.domain.moderation import actions as moderation
from aixplore.domain.moderation import inbox, reports
from aixplore.domain.reviews import reading as review_reading
from aixplore.domain.reviews import services as reviews
from aixplore.domain.reviews.models import ReviewRevision
from aixplore.domain.solutions import services as solutions
from tests.factories import actor_for, make_admin, make_member, make_solution, sign_in

GOOD = {"rating": 5, "title": "Saves me hours", "body": "Accurate summaries, fast and cheap."}


def _review(email: str, slug: str, **change) -> None:
    actor = actor_for(sign_in(email))
    with session_scope() as db:
        reviews.do_write_review(db, actor, slug, {**GOOD, **change})


def _solution(slug: str):
    with session_scope() as db:
        return solutions.get_solution(db, None, slug)


def test_one_review_per_person_edit_keeps_history_and_aggregates_follow() -> None:
    owner, reader = make_member(), make_member()
    slug = make_solution(owner.email).slug
    _review(reader.email, slug, rating=5)
    _review(
        reader.email, slug, rating=2, title="Got worse", body="The last update broke citations."
    )
    detail = _solution(slug)
    assert (detail.rating_count, detail.rating_avg, detail.rating_distribution) == (
        1,
        2.0,
        [0, 1, 0, 0, 0],
    )
    with session_scope() as db:
        [mine], total = review_reading.list_reviews(db, None, slug)
        assert total == 1 and mine.edited and mine.rating == 2
        assert len(db.exec(__import__("sqlmodel").select(ReviewRevision)).all()) == 1


@pytest.mark.parametrize("rating", [0, 6, -1, 2.5, "5", True, None])
def test_ratings_outside_one_to_five_are_refused(rating: object) -> None:
    owner, reader = make_member(), make_member()
    slug = make_solution(owner.email).slug
    with pytest.raises(ValidationFailed):
        _review(reader.email, slug, rating=rating)
    assert _solution(slug).rating_count == 0


def test_publishers_cannot_review_themselves_and_drafts_cannot_be_reviewed() -> None:
    owner, reader = make_member(), make_member()
    slug = make_solution(owner.email).slug
    draft = make_solution(owner.email, name="Draft", publish=False).slug
    with pytest.raises(PermissionDenied):
        _review(owner.email, slug)
    with pytest.raises(NotFound):
        _review(reader.email, draft)


def test_aggregates_stay_exact_under_concurrent_reviews() -> None:
    owner = make_member()
    slug = make_solution(owner.email).slug
    readers = [make_member() for _ in range(12)]
    actors = [actor_for(sign_in(r.email)) for r in readers]

    def write(n: int) -> bool:
        try:
            with session_scope() as db:
                reviews.do_write_review(db, actors[n], slug, {**GOOD, "rating": n % 5 + 1})
        except DomainError:
            return False
        return True

    with ThreadPoolExecutor(max_workers=6) as pool:
        assert all(pool.map(write, range(12)))
    detail = _solution(slug)
    assert detail.rating_count == 12
    assert detail.rating_distribution == [3, 3, 2, 2, 2]
    assert detail.rating_avg == pytest.approx(
        (3 * 1 + 3 * 2 + 2 * 3 + 2 * 4 + 2 * 5) / 12, abs=1e-3
    )


def test_helpful_votes_toggle_and_order_reviews() -> None:
    owner, a, b, voter = make_member(), make_member(), make_member(), make_member()
    slug = make_solution(owner.email).slug
    _review(a.email, slug, title="First review")
    _review(b.email, slug, title="Second review")
    with session_scope() as db:
        newest, _ = review_reading.list_reviews(db, None, slug, sort="newest")
    target = newest[-1].id  # the older one
    as_voter, as_a = actor_for(sign_in(voter.email)), actor_for(sign_in(a.email))
    with session_scope() as db:
        assert reviews.do_toggle_helpful(db, as_voter, target) is True
    with session_scope() as db:
        helpful, _ = review_reading.list_reviews(db, as_voter, slug, sort="helpful")
        assert helpful[0].id == target and helpful[0].helpful_count == 1 and helpful[0].voted
        with pytest.raises(PermissionDenied):
            reviews.do_toggle_helpful(db, as_a, target)  # own review
    with session_scope() as db:
        assert reviews.do_toggle_helpful(db, as_voter, target) is False


def test_only_the_publisher_replies() -> None:
    owner, reader = make_member(), make_member()
    slug = make_solution(owner.email).slug
    _review(reader.email, slug)
    with session_scope() as db:
        [review], _ = review_reading.list_reviews(db, None, slug)
    as_reader, as_owner = actor_for(sign_in(reader.email)), actor_for(sign_in(owner.email))
    with session_scope() as db, pytest.raises(PermissionDenied):
        reviews.do_reply(db, as_reader, review.id, "I agree with myself")
    with session_scope() as db:
        reviews.do_reply(db, as_owner, review.id, "Thanks, citations are fixed in 1.2.")
    with session_scope() as db:
        [review], _ = review_reading.list_reviews(db, None, slug)
    assert review.reply_body == "Thanks, citations are fixed in 1.2."


def test_report_then_hide_then_restore_moves_the_aggregate() -> None:
    owner, reader, reporter, admin = make_member(), make_member(), make_member(), make_admin()
    slug = make_solution(owner.email).slug
    _review(
        reader.email,
        slug,
        rating=1,
        title="Terrible spam",
        body="Buy cheap tokens at example dot com",
    )
    with session_scope() as db:
        [review], _ = review_reading.list_reviews(db, None, slug)
    as_reporter, as_admin = actor_for(sign_in(reporter.email)), actor_for(sign_in(admin.email))
    with session_scope() as db:
        reports.do_report(db, as_reporter, "review", review.id, {"reason": "spam", "note": "ad"})
    with session_scope() as db, pytest.raises(Conflict):
        reports.do_report(db, as_reporter, "review", review.id, {"reason": "spam"})
    with session_scope() as db, pytest.raises(ValidationFailed):
        reports.do_report(db, as_reporter, "review", review.id, {"reason": "i-dislike-it"})
    with session_scope() as db:
        with pytest.raises(PermissionDenied):
            inbox.list_inbox(db, as_reporter)
        [item] = inbox.list_inbox(db, as_admin)
        assert [r.reason_label for r in item.reports] == ["Spam or advertising"]
        moderation.do_act(
            db, as_admin, "review", review.id, {"action": "hide", "note": "advertising"}
        )
    assert _solution(slug).rating_count == 0
    with session_scope() as db:
        assert review_reading.list_reviews(db, None, slug)[1] == 0
        assert inbox.list_inbox(db, as_admin) == []
        [done] = inbox.list_inbox(db, as_admin, status="actioned")
        assert done.hidden
        moderation.do_act(db, as_admin, "review", done.target_id, {"action": "restore"})
    assert _solution(slug).rating_count == 1


def test_recorded_usage_marks_reviews_verified() -> None:
    owner, reader = make_member(), make_member()
    created = make_solution(owner.email)
    _review(reader.email, created.slug)
    with session_scope() as db:
        reviews.do_record_usage(
            db, user_id=reader.id, solution_id=created.id, source="order", reference="order-1"
        )
    with session_scope() as db:
        [review], _ = review_reading.list_reviews(db, None, created.slug)
    assert review.verified_usage


def test_review_ids_beyond_the_32_bit_column_are_refused_as_unknown() -> None:
    # PostgreSQL raised "integer out of range" on these instead of saying the review is unknown.
    member = make_member()
    actor = actor_for(sign_in(member.email))
    for forged in (2**31, 2**40):
        with session_scope() as db, pytest.raises(ValidationFailed, match="Unknown review"):
            reviews.do_delete_review(db, actor, forged)
