"""Reading reviews: a solution's reviews page by page, and the member's own review."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from aixplore.core.errors import NotFound, ValidationFailed
from aixplore.domain.accounts.models import Actor, User
from aixplore.domain.reviews.models import (
    Review,
    ReviewPublic,
    ReviewReply,
    ReviewRevision,
    ReviewStatus,
    ReviewVote,
)
from aixplore.domain.solutions.models import Solution, SolutionStatus

PAGE_SIZE = 10
REVIEW_SORTS = ("helpful", "newest")


def parse_id(value: Any, what: str) -> int:
    """A positive integer id (ids are 32-bit columns), or ValidationFailed naming ``what``."""
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value < 2**31:
        raise ValidationFailed(f"Unknown {what}.")
    return value


def published_solution(session: Session, slug: Any) -> Solution:
    """The published solution ``slug``; NotFound for anything else."""
    if not isinstance(slug, str) or not 1 <= len(slug) <= 80:
        raise NotFound("No such solution.")
    solution = session.exec(select(Solution).where(Solution.slug == slug)).first()
    if solution is None or solution.status != SolutionStatus.PUBLISHED:
        raise NotFound("No such solution.")
    return solution


def public_reviews(
    session: Session, reviews: list[Review], actor: Actor | None
) -> list[ReviewPublic]:
    """The reviews as pages show them (author, reply, the actor's vote)."""
    ids = [r.id for r in reviews if r.id is not None]
    authors = {
        u.id: u.display_name
        for u in session.exec(
            select(User).where(col(User.id).in_({r.author_id for r in reviews if r.author_id}))
        ).all()
    }
    replies = {
        r.review_id: r
        for r in session.exec(select(ReviewReply).where(col(ReviewReply.review_id).in_(ids))).all()
    }
    edited = set(
        session.exec(
            select(ReviewRevision.review_id).where(col(ReviewRevision.review_id).in_(ids))
        ).all()
    )
    voted: set[int] = set()
    if actor is not None and ids:
        voted = set(
            session.exec(
                select(ReviewVote.review_id).where(
                    col(ReviewVote.review_id).in_(ids), ReviewVote.user_id == actor.user_id
                )
            ).all()
        )
    out = []
    for r in reviews:
        reply = replies.get(r.id or 0)
        out.append(
            ReviewPublic(
                id=r.id or 0,
                rating=r.rating,
                title=r.title,
                body=r.body,
                author_name=authors.get(r.author_id, "Deleted user")
                if r.author_id
                else "Deleted user",
                author_id=r.author_id,
                verified_usage=r.verified_usage,
                helpful_count=r.helpful_count,
                voted=(r.id in voted),
                edited=(r.id in edited),
                created_at=r.created_at,
                updated_at=r.updated_at,
                reply_body=reply.body if reply else "",
                reply_at=reply.updated_at if reply else None,
                hidden=r.status == ReviewStatus.HIDDEN,
            )
        )
    return out


def list_reviews(
    session: Session, actor: Actor | None, slug: Any, *, sort: Any = "helpful", page: Any = 1
) -> tuple[list[ReviewPublic], int]:
    """Visible reviews of a published solution, helpful-first or newest, a page at a time."""
    solution = published_solution(session, slug)
    if sort not in REVIEW_SORTS:
        raise ValidationFailed("Sort reviews by helpful or newest.")
    if not isinstance(page, int) or isinstance(page, bool) or not 1 <= page <= 10_000:
        raise ValidationFailed("Invalid page.")
    where = (Review.solution_id == solution.id, Review.status == ReviewStatus.VISIBLE)
    total = int(session.exec(select(func.count()).select_from(Review).where(*where)).one())
    order = (
        [col(Review.helpful_count).desc(), col(Review.created_at).desc()]
        if sort == "helpful"
        else [col(Review.created_at).desc()]
    )
    rows = session.exec(
        select(Review)
        .where(*where)
        .order_by(*order, col(Review.id).desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    return public_reviews(session, list(rows), actor), total


def get_my_review(session: Session, actor: Actor | None, slug: Any) -> ReviewPublic | None:
    """The actor's own review of a solution, hidden or not."""
    if actor is None:
        return None
    solution = published_solution(session, slug)
    review = session.exec(
        select(Review).where(Review.solution_id == solution.id, Review.author_id == actor.user_id)
    ).first()
    return public_reviews(session, [review], actor)[0] if review else None


def top_reviews_of(
    session: Session, actor: Actor | None, solution_ids: list[int], per_solution: int
) -> dict[int, list[ReviewPublic]]:
    """The most helpful visible reviews of each of the solutions, at most ``per_solution`` each.

    For a page of solutions at once (GraphQL's batch loader): one ranked read whatever the
    page's size, then :func:`public_reviews`' fixed few. Only published solutions' reviews.
    """
    if not 1 <= per_solution <= PAGE_SIZE:
        raise ValidationFailed(f"Ask for 1 to {PAGE_SIZE} reviews per solution.")
    ids = sorted({i for i in solution_ids if 1 <= i < 2**31})
    if not ids:
        return {}
    rank = (
        func.row_number()
        .over(
            partition_by=col(Review.solution_id),
            order_by=[
                col(Review.helpful_count).desc(),
                col(Review.created_at).desc(),
                col(Review.id).desc(),
            ],
        )
        .label("rank")
    )
    ranked = (
        select(col(Review.id).label("review_id"), rank)
        .join(Solution, col(Solution.id) == col(Review.solution_id))
        .where(
            col(Review.solution_id).in_(ids),
            Review.status == ReviewStatus.VISIBLE,
            Solution.status == SolutionStatus.PUBLISHED,
        )
        .subquery()
    )
    rows = session.exec(
        select(Review)
        .join(ranked, col(Review.id) == ranked.c.review_id)
        .where(ranked.c.rank <= per_solution)
        .order_by(col(Review.solution_id), ranked.c.rank)
    ).all()
    found: dict[int, list[ReviewPublic]] = {i: [] for i in ids}
    for review, shown in zip(rows, public_reviews(session, list(rows), actor), strict=True):
        found[review.solution_id].append(shown)
    return found


def get_visible_review(session: Session, actor: Actor | None, review_id: Any) -> ReviewPublic:
    """One review as a solution's page shows it; NotFound unless visible on a published one."""
    wanted = parse_id(review_id, "review")
    row = session.exec(
        select(Review)
        .join(Solution, col(Solution.id) == col(Review.solution_id))
        .where(
            col(Review.id) == wanted,
            Review.status == ReviewStatus.VISIBLE,
            Solution.status == SolutionStatus.PUBLISHED,
        )
    ).first()
    if row is None:
        raise NotFound("No such review.")
    return public_reviews(session, [row], actor)[0]
