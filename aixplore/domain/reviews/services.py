"""Writing reviews: a review, its edits, helpful votes, replies and reports.

Aggregates (average, count, 1-5 distribution) on the solution are recomputed from the visible
reviews in the same transaction as every change, after locking the solution row on PostgreSQL
(SQLite transactions take the write lock at BEGIN), so concurrent reviews cannot lose counts.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from aixplore.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import Actor
from aixplore.domain.accounts.services import parse_input, require_actor
from aixplore.domain.activity.models import FeedKind
from aixplore.domain.activity.services import record_activity
from aixplore.domain.notifications.services import notify
from aixplore.domain.relations.services import check_may_reply
from aixplore.domain.reviews.models import (
    Review,
    ReviewInput,
    ReviewPublic,
    ReviewReply,
    ReviewRevision,
    ReviewStatus,
    ReviewVote,
    SolutionUsage,
)
from aixplore.domain.reviews.reading import parse_id, public_reviews, published_solution
from aixplore.domain.solutions.models import Solution, rating_score
from aixplore.domain.solutions.search import bump_trending
from aixplore.domain.webhooks import services as webhooks


def lock_solution(session: Session, solution_id: int) -> Solution:
    """The solution row, locked for this transaction and read afresh."""
    solution = session.exec(
        select(Solution)
        .where(Solution.id == solution_id)
        .with_for_update()
        # Re-read the locked row: an earlier read in this session may be stale, and the ORM
        # would then write only the columns that differ from the stale copy.
        .execution_options(populate_existing=True)
    ).one()
    return solution


def recompute_aggregates(session: Session, solution: Solution) -> None:
    """Set the solution's rating figures from its visible reviews."""
    rows = session.exec(
        select(Review.rating, func.count())
        .where(Review.solution_id == solution.id, Review.status == ReviewStatus.VISIBLE)
        .group_by(col(Review.rating))
    ).all()
    dist = {rating: int(n) for rating, n in rows}
    counts = [dist.get(r, 0) for r in range(1, 6)]
    total = sum(counts)
    (
        solution.rating_1,
        solution.rating_2,
        solution.rating_3,
        solution.rating_4,
        solution.rating_5,
    ) = counts
    solution.rating_count = total
    solution.rating_avg = (
        round(sum(r * n for r, n in zip(range(1, 6), counts, strict=True)) / total, 4)
        if total
        else 0.0
    )
    solution.rating_score = rating_score(solution.rating_avg, total)
    session.add(solution)


def has_usage(session: Session, user_id: int, solution_id: int) -> bool:
    """Whether the user has a recorded real use (an order, a trial) of the solution."""
    return (
        session.exec(
            select(SolutionUsage.id).where(
                SolutionUsage.user_id == user_id, SolutionUsage.solution_id == solution_id
            )
        ).first()
        is not None
    )


def do_record_usage(
    session: Session, *, user_id: int, solution_id: int, source: str, reference: str = ""
) -> None:
    """Record a real use (called by the order flow); marks the user's review as verified."""
    exists = session.exec(
        select(SolutionUsage.id).where(
            SolutionUsage.user_id == user_id,
            SolutionUsage.solution_id == solution_id,
            SolutionUsage.source == source,
        )
    ).first()
    if exists is None:
        session.add(
            SolutionUsage(
                user_id=user_id, solution_id=solution_id, source=source, reference=reference
            )
        )
    session.execute(
        update(Review)
        .where(col(Review.solution_id) == solution_id, col(Review.author_id) == user_id)
        .values(verified_usage=True)
    )


def do_write_review(session: Session, actor: Actor | None, slug: Any, data: Any) -> ReviewPublic:
    """Create the actor's review of a solution, or edit it (the old text is kept)."""
    actor = require_actor(actor)
    return public_reviews(session, [write_review(session, actor, slug, data)], actor)[0]


def write_review(session: Session, actor: Actor | None, slug: Any, data: Any) -> Review:
    """Create or edit the actor's review as ``do_write_review`` does; return the stored row."""
    actor = require_actor(actor)
    form: ReviewInput = parse_input(ReviewInput, data)
    solution = published_solution(session, slug)
    assert solution.id is not None
    if solution.owner_id == actor.user_id:
        raise PermissionDenied("Publishers cannot review their own solutions.")
    solution = lock_solution(session, solution.id)
    solution_id = solution.id or 0
    now = utcnow()
    review = session.exec(
        select(Review).where(Review.solution_id == solution.id, Review.author_id == actor.user_id)
    ).first()
    if review is None:
        review = Review(
            solution_id=solution_id,
            author_id=actor.user_id,
            rating=form.rating,
            title=form.title,
            body=form.body,
            verified_usage=has_usage(session, actor.user_id, solution_id),
        )
        try:
            with session.begin_nested():
                session.add(review)
        except IntegrityError as exc:
            raise Conflict(
                "You have already reviewed this solution: reload to edit your review."
            ) from exc
        bump_trending(solution, time.time() / 86400, weight=3.0)
        webhooks.emit(
            session,
            "review.created",
            {"review_id": review.id, "solution": solution.slug, "rating": review.rating},
            [solution.owner_id],
        )
        record_activity(session, actor.user_id, FeedKind.REVIEW_WRITTEN, review.id or 0)
        notify(
            session,
            solution.owner_id,
            "review",
            f"New {form.rating}-star review of {solution.name}",
            f"{actor.display_name}: {form.title}",
            f"/solutions/{solution.slug}",
        )
    else:
        if review.status == ReviewStatus.HIDDEN:
            raise PermissionDenied("Your review was hidden by a moderator and cannot be edited.")
        if (review.rating, review.title, review.body) != (form.rating, form.title, form.body):
            session.add(
                ReviewRevision(
                    review_id=review.id or 0,
                    rating=review.rating,
                    title=review.title,
                    body=review.body,
                    created_at=review.updated_at,
                )
            )
            review.rating, review.title, review.body = form.rating, form.title, form.body
            review.updated_at = now
            session.add(review)
    session.flush()
    recompute_aggregates(session, solution)
    return review


def do_delete_review(session: Session, actor: Actor | None, review_id: Any) -> None:
    """Delete the actor's own review (history goes with it)."""
    actor = require_actor(actor)
    review = session.get(Review, parse_id(review_id, "review"))
    if review is None or review.author_id != actor.user_id:
        raise NotFound("No such review.")
    solution = lock_solution(session, review.solution_id)
    session.delete(review)
    session.flush()
    recompute_aggregates(session, solution)


def do_toggle_helpful(session: Session, actor: Actor | None, review_id: Any) -> bool:
    """Vote a review helpful, or take the vote back; returns whether the vote stands."""
    actor = require_actor(actor)
    review = session.get(Review, parse_id(review_id, "review"))
    if review is None or review.status != ReviewStatus.VISIBLE:
        raise NotFound("No such review.")
    if review.author_id == actor.user_id:
        raise PermissionDenied("You cannot vote for your own review.")
    vote = session.get(ReviewVote, (review.id, actor.user_id))
    if vote is None:
        try:
            with session.begin_nested():
                session.add(ReviewVote(review_id=review.id or 0, user_id=actor.user_id))
        except IntegrityError:
            return True  # a concurrent click already voted
        voted = True
    else:
        session.delete(vote)
        voted = False
    session.flush()
    count = session.exec(
        select(func.count()).select_from(ReviewVote).where(ReviewVote.review_id == review.id)
    ).one()
    review.helpful_count = int(count)
    session.add(review)
    return voted


def do_reply(session: Session, actor: Actor | None, review_id: Any, body: Any) -> None:
    """The publisher answers a review publicly (one reply, editable)."""
    actor = require_actor(actor)
    review = session.get(Review, parse_id(review_id, "review"))
    if review is None:
        raise NotFound("No such review.")
    solution = session.get(Solution, review.solution_id)
    assert solution is not None
    if solution.owner_id != actor.user_id:
        raise PermissionDenied("Only the publisher can reply to reviews.")
    check_may_reply(session, actor, review.author_id)
    if not isinstance(body, str) or not 2 <= len(body.strip()) <= 2000:
        raise ValidationFailed("Write a reply of 2 to 2000 characters.")
    reply = session.exec(select(ReviewReply).where(ReviewReply.review_id == review.id)).first()
    if reply is None:
        reply = ReviewReply(review_id=review.id or 0, author_id=actor.user_id, body=body.strip())
    else:
        reply.body, reply.updated_at = body.strip(), utcnow()
    session.add(reply)
