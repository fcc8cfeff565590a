"""Reading listings: one by slug (and who may manage it), its page, and lists of them.

Drafts (and archived listings) are visible to their owner and platform admins only; a
stranger asking for one gets NotFound, as if it did not exist.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from aixplore.core.errors import NotFound, PermissionDenied
from aixplore.domain.accounts.models import Actor
from aixplore.domain.accounts.services import require_actor
from aixplore.domain.solutions.models import (
    Category,
    CategoryPublic,
    ScreenshotPublic,
    Solution,
    SolutionCard,
    SolutionDetail,
    SolutionRelease,
    SolutionScreenshot,
    SolutionStatus,
    SolutionTag,
)
from aixplore.domain.solutions.services.cards import cards_for


def _can_manage(actor: Actor | None, solution: Solution) -> bool:
    return actor is not None and (actor.user_id == solution.owner_id or actor.is_platform_admin)


def _get_row(session: Session, slug: Any) -> Solution:
    if not isinstance(slug, str) or not 1 <= len(slug) <= 80:
        raise NotFound("No such solution.")
    solution = session.exec(select(Solution).where(Solution.slug == slug)).first()
    if solution is None:
        raise NotFound("No such solution.")
    return solution


def _get_managed(session: Session, actor: Actor | None, slug: Any) -> Solution:
    actor = require_actor(actor)
    solution = _get_row(session, slug)
    if not _can_manage(actor, solution):
        # Do not reveal drafts to strangers; refuse plainly for published ones.
        if solution.status != SolutionStatus.PUBLISHED:
            raise NotFound("No such solution.")
        raise PermissionDenied("Only the publisher can change this solution.")
    return solution


def list_categories(session: Session) -> list[CategoryPublic]:
    """Every category with its count of published solutions."""
    counts = dict(
        session.exec(
            select(Solution.category_id, func.count())
            .where(Solution.status == SolutionStatus.PUBLISHED)
            .group_by(col(Solution.category_id))
        ).all()
    )
    rows = session.exec(select(Category).order_by(col(Category.position), col(Category.name))).all()
    return [
        CategoryPublic(
            slug=c.slug,
            name=c.name,
            description=c.description,
            icon=c.icon,
            count=counts.get(c.id or 0, 0),
        )
        for c in rows
    ]


def get_solution(session: Session, actor: Actor | None, slug: Any) -> SolutionDetail:
    """One solution's page; drafts only for their owner and admins."""
    solution = _get_row(session, slug)
    if solution.status == SolutionStatus.DRAFT and not _can_manage(actor, solution):
        raise NotFound("No such solution.")
    card = cards_for(session, [solution])[0]
    releases = session.exec(
        select(SolutionRelease)
        .where(SolutionRelease.solution_id == solution.id)
        .order_by(col(SolutionRelease.created_at).desc())
        .limit(20)
    ).all()
    return SolutionDetail(
        **card.model_dump(),
        owner_id=solution.owner_id,
        description_html=solution.description_html,
        description_md=solution.description_md,
        website_url=solution.website_url,
        repository_url=solution.repository_url,
        demo_url=solution.demo_url,
        version=solution.version,
        featured=solution.featured,
        rating_distribution=[
            solution.rating_1,
            solution.rating_2,
            solution.rating_3,
            solution.rating_4,
            solution.rating_5,
        ],
        created_at=solution.created_at,
        published_at=solution.published_at,
        releases=[(r.version, r.notes, r.created_at) for r in releases],
        screenshots=screenshots_of(session, solution.id or 0),
    )


def get_solution_id(session: Session, slug: Any) -> int:
    """The id behind a slug (NotFound for unknown or malformed slugs)."""
    return _get_row(session, slug).id or 0


def screenshots_of(session: Session, solution_id: int) -> list[ScreenshotPublic]:
    """A solution's screenshots in gallery order."""
    rows = session.exec(
        select(SolutionScreenshot)
        .where(SolutionScreenshot.solution_id == solution_id)
        .order_by(col(SolutionScreenshot.position), col(SolutionScreenshot.id))
    ).all()
    return [ScreenshotPublic.of(r) for r in rows]


def list_publisher_solutions(
    session: Session, actor: Actor | None, publisher_id: Any
) -> list[SolutionCard]:
    """A publisher's listings: published ones for everyone, all of them for the publisher."""
    if not isinstance(publisher_id, int) or isinstance(publisher_id, bool):
        raise NotFound("No such publisher.")
    stmt = select(Solution).where(Solution.owner_id == publisher_id)
    if actor is None or (actor.user_id != publisher_id and not actor.is_platform_admin):
        stmt = stmt.where(Solution.status == SolutionStatus.PUBLISHED)
    rows = list(session.exec(stmt.order_by(col(Solution.updated_at).desc())).all())
    return cards_for(session, rows)


def list_similar(session: Session, slug: Any, limit: int = 4) -> list[SolutionCard]:
    """Published solutions like this one: same category first, then shared tags, by rating."""
    solution = _get_row(session, slug)
    my_tags = select(SolutionTag.tag).where(SolutionTag.solution_id == solution.id)
    shared = (
        select(SolutionTag.solution_id, func.count().label("shared"))
        .where(col(SolutionTag.tag).in_(my_tags), SolutionTag.solution_id != solution.id)
        .group_by(col(SolutionTag.solution_id))
        .subquery()
    )
    rows = session.exec(
        select(Solution)
        .outerjoin(shared, col(Solution.id) == shared.c.solution_id)
        .where(
            Solution.status == SolutionStatus.PUBLISHED,
            Solution.id != solution.id,
            or_(col(Solution.category_id) == solution.category_id, shared.c.shared > 0),
        )
        .order_by(
            (col(Solution.category_id) == solution.category_id).desc(),
            func.coalesce(shared.c.shared, 0).desc(),
            col(Solution.rating_avg).desc(),
        )
        .limit(limit)
    ).all()
    return cards_for(session, list(rows))


def list_featured(session: Session, limit: int = 6) -> list[SolutionCard]:
    """Editors' picks among published solutions."""
    rows = session.exec(
        select(Solution)
        .where(Solution.status == SolutionStatus.PUBLISHED, col(Solution.featured).is_(True))
        .order_by(col(Solution.rating_avg).desc(), col(Solution.id))
        .limit(limit)
    ).all()
    return cards_for(session, list(rows))
