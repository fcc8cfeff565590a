"""Moderating reviews (platform admins): the reports queue and its decisions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from aixplore.core.errors import NotFound, ValidationFailed
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import Actor, User
from aixplore.domain.accounts.services import require_platform_admin
from aixplore.domain.reviews.models import (
    REASON_LABELS,
    ReportPublic,
    ReportStatus,
    Review,
    ReviewReport,
    ReviewStatus,
)
from aixplore.domain.reviews.reading import parse_id
from aixplore.domain.reviews.services import lock_solution, recompute_aggregates
from aixplore.domain.solutions.models import Solution


def list_reports(
    session: Session, actor: Actor | None, *, status: Any = "open"
) -> list[ReportPublic]:
    """The moderation queue."""
    require_platform_admin(actor, "list_reports")
    try:
        wanted = ReportStatus(status)
    except ValueError as exc:
        raise ValidationFailed("Unknown report status.") from exc
    rows = session.exec(
        select(ReviewReport, Review, Solution)
        .join(Review, col(Review.id) == ReviewReport.review_id)
        .join(Solution, col(Solution.id) == Review.solution_id)
        .where(ReviewReport.status == wanted)
        .order_by(col(ReviewReport.created_at))
        .limit(200)
    ).all()
    reporters = {
        u.id: u.display_name
        for u in session.exec(
            select(User).where(col(User.id).in_({rep.reporter_id for rep, _, _ in rows}))
        ).all()
    }
    return [
        ReportPublic(
            id=rep.id or 0,
            review_id=rev.id or 0,
            solution_slug=sol.slug,
            solution_name=sol.name,
            review_title=rev.title,
            review_body=rev.body,
            review_rating=rev.rating,
            review_hidden=rev.status == ReviewStatus.HIDDEN,
            reason=rep.reason,
            reason_label=REASON_LABELS[rep.reason],
            note=rep.note,
            reporter_name=reporters.get(rep.reporter_id, "Deleted user"),
            status=rep.status,
            created_at=rep.created_at,
        )
        for rep, rev, sol in rows
    ]


def do_moderate(
    session: Session, actor: Actor | None, report_id: Any, action: Any, note: Any = ""
) -> None:
    """Resolve a report: "hide" the review, "dismiss" the report, or "restore" a hidden review."""
    actor = require_platform_admin(actor, "moderate")
    if action not in {"hide", "dismiss", "restore"}:
        raise ValidationFailed("Unknown moderation action.")
    if not isinstance(note, str) or len(note) > 500:
        raise ValidationFailed("Keep the note under 500 characters.")
    report = session.get(ReviewReport, parse_id(report_id, "report"))
    if report is None:
        raise NotFound("No such report.")
    review = session.get(Review, report.review_id)
    assert review is not None
    solution = lock_solution(session, review.solution_id)
    now = utcnow()
    if action == "hide":
        review.status = ReviewStatus.HIDDEN
        new_status = ReportStatus.ACTIONED
    elif action == "restore":
        review.status = ReviewStatus.VISIBLE
        new_status = ReportStatus.DISMISSED
    else:
        new_status = ReportStatus.DISMISSED
    session.add(review)
    # Resolve every open report of the same review at once.
    session.execute(
        update(ReviewReport)
        .where(
            col(ReviewReport.review_id) == review.id, col(ReviewReport.status) == ReportStatus.OPEN
        )
        .values(
            status=new_status,
            resolved_by=actor.user_id,
            resolution_note=note.strip(),
            resolved_at=now,
        )
    )
    report.status, report.resolved_by, report.resolution_note, report.resolved_at = (
        new_status,
        actor.user_id,
        note.strip(),
        now,
    )
    session.add(report)
    session.flush()
    recompute_aggregates(session, solution)


def count_open_reports(session: Session) -> int:
    """How many reports wait for a moderator."""
    return int(
        session.exec(
            select(func.count())
            .select_from(ReviewReport)
            .where(ReviewReport.status == ReportStatus.OPEN)
        ).one()
    )
