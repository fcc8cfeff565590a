"""Publishing solutions: create, edit, publish, archive, feature; read one or a publisher's.

Drafts (and archived listings) are visible to their owner and platform admins only; a
stranger asking for one gets NotFound, as if it did not exist.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, or_
from sqlmodel import Session, col, delete, select

from aixplore.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import Actor, User
from aixplore.domain.accounts.services import parse_input, require_actor, require_platform_admin
from aixplore.domain.activity.models import FeedKind
from aixplore.domain.activity.services import record_activity
from aixplore.domain.holds.models import is_held
from aixplore.domain.solutions.markdown import render_markdown
from aixplore.domain.solutions.models import (
    CardSource,
    Category,
    CategoryPublic,
    Pricing,
    ScreenshotPublic,
    Solution,
    SolutionCard,
    SolutionDetail,
    SolutionInput,
    SolutionRelease,
    SolutionScreenshot,
    SolutionStatus,
    SolutionTag,
)
from aixplore.domain.webhooks import services as webhooks

MAX_SOLUTIONS_PER_PUBLISHER = 200


def slugify(text: str) -> str:
    """A URL slug: ASCII lower-case words joined by hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:70] or "solution"


def _unique_slug(session: Session, name: str, *, exclude_id: int | None = None) -> str:
    base = slugify(name)
    candidate, n = base, 1
    while True:
        stmt = select(Solution.id).where(Solution.slug == candidate)
        found = session.exec(stmt).first()
        if found is None or found == exclude_id:
            return candidate
        n += 1
        candidate = f"{base}-{n}"


def _category(session: Session, slug: str) -> Category:
    category = session.exec(select(Category).where(Category.slug == slug)).first()
    if category is None:
        raise ValidationFailed("Choose one of the listed categories.", field="category")
    return category


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


def _set_tags(session: Session, solution: Solution, tags: list[str]) -> None:
    assert solution.id is not None
    session.exec(delete(SolutionTag).where(col(SolutionTag.solution_id) == solution.id))
    for tag in tags:
        session.add(SolutionTag(solution_id=solution.id, tag=tag))
    solution.tags_text = " ".join(tags)


def _apply(session: Session, solution: Solution, form: SolutionInput) -> None:
    solution.name = " ".join(form.name.split())
    solution.tagline = " ".join(form.tagline.split())
    solution.description_md = form.description
    solution.description_html = render_markdown(form.description)
    solution.category_id = _category(session, form.category).id or 0
    solution.pricing = form.pricing
    solution.website_url = form.website_url
    solution.repository_url = form.repository_url
    solution.demo_url = form.demo_url
    solution.updated_at = utcnow()


def _record_release(session: Session, solution: Solution, version: str, notes: str = "") -> None:
    if not version or version == solution.version:
        return
    assert solution.id is not None
    exists = session.exec(
        select(SolutionRelease.id).where(
            SolutionRelease.solution_id == solution.id, SolutionRelease.version == version
        )
    ).first()
    if exists is None:
        session.add(SolutionRelease(solution_id=solution.id, version=version, notes=notes[:2000]))
    solution.version = version


def do_create_solution(session: Session, actor: Actor | None, data: Any) -> SolutionDetail:
    """Create a draft listing owned by the actor."""
    actor = require_actor(actor)
    form: SolutionInput = parse_input(SolutionInput, data)
    owned = session.exec(
        select(func.count()).select_from(Solution).where(Solution.owner_id == actor.user_id)
    ).one()
    if owned >= MAX_SOLUTIONS_PER_PUBLISHER:
        raise Conflict(f"A publisher can list at most {MAX_SOLUTIONS_PER_PUBLISHER} solutions.")
    solution = Solution(
        owner_id=actor.user_id,
        category_id=0,
        slug=_unique_slug(session, form.name),
        name=form.name,
        tagline=form.tagline,
    )
    _apply(session, solution, form)
    session.add(solution)
    session.flush()
    _set_tags(session, solution, form.tags)
    _record_release(session, solution, form.version)
    session.flush()
    return get_solution(session, actor, solution.slug)


def do_update_solution(
    session: Session, actor: Actor | None, slug: Any, data: Any
) -> SolutionDetail:
    """Edit a listing (owner or platform admin)."""
    solution = _get_managed(session, actor, slug)
    form: SolutionInput = parse_input(SolutionInput, data)
    _apply(session, solution, form)
    _set_tags(session, solution, form.tags)
    _record_release(session, solution, form.version)
    session.add(solution)
    session.flush()
    return get_solution(session, actor, solution.slug)


def do_set_status(session: Session, actor: Actor | None, slug: Any, status: Any) -> SolutionDetail:
    """Publish, archive, or move a listing back to draft."""
    solution = _get_managed(session, actor, slug)
    try:
        new_status = SolutionStatus(status)
    except ValueError as exc:
        raise ValidationFailed("Unknown status.") from exc
    if is_held(session, "solution", solution.id):
        raise Conflict("The moderators took this solution down; appeal their decision instead.")
    if new_status == SolutionStatus.PUBLISHED:
        if len(solution.description_md.strip()) < 20:
            raise ValidationFailed(
                "Write a description of at least 20 characters before publishing."
            )
        if solution.status != SolutionStatus.PUBLISHED:
            webhooks.emit(
                session,
                "solution.published",
                {"slug": solution.slug, "name": solution.name},
                [solution.owner_id],
            )
        if solution.published_at is None:
            record_activity(
                session, solution.owner_id, FeedKind.SOLUTION_PUBLISHED, solution.id or 0
            )
        solution.published_at = solution.published_at or utcnow()
    solution.status = new_status
    solution.updated_at = utcnow()
    session.add(solution)
    session.flush()
    return get_solution(session, actor, solution.slug)


def do_set_logo(session: Session, actor: Actor | None, slug: Any, stored_path: str) -> None:
    """Point a listing at an uploaded logo (stored by the media module)."""
    solution = _get_managed(session, actor, slug)
    solution.logo_path = stored_path
    solution.updated_at = utcnow()
    session.add(solution)


def do_set_featured(session: Session, actor: Actor | None, slug: Any, featured: Any) -> None:
    """Editors' pick on or off (platform admins)."""
    require_platform_admin(actor, "set_featured")
    if not isinstance(featured, bool):
        raise ValidationFailed("Invalid request.")
    solution = _get_row(session, slug)
    solution.featured = featured
    session.add(solution)


def do_set_publisher_verified(
    session: Session, actor: Actor | None, user_id: Any, verified: Any
) -> None:
    """Give or take the verified publisher badge (platform admins)."""
    require_platform_admin(actor, "set_publisher_verified")
    if not isinstance(user_id, int) or isinstance(user_id, bool) or not isinstance(verified, bool):
        raise ValidationFailed("Invalid request.")
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    user.verified_publisher_at = utcnow() if verified else None
    session.add(user)


# ---- Reading ----


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


def tags_for(session: Session, ids: list[int]) -> dict[int, list[str]]:
    """Tags of several solutions in one query."""
    found: dict[int, list[str]] = {i: [] for i in ids}
    if ids:
        for solution_id, tag in session.exec(
            select(SolutionTag.solution_id, SolutionTag.tag).where(
                col(SolutionTag.solution_id).in_(ids)
            )
        ).all():
            found[solution_id].append(tag)
    return found


def logo_url(path: str) -> str:
    """The public URL of a stored logo, or empty."""
    return f"/media/{path}" if path else ""


def cards_for(session: Session, solutions: Sequence[CardSource]) -> list[SolutionCard]:
    """Cards for rows (or narrow selects of their card columns), with categories, publishers
    and tags fetched in bulk."""
    if not solutions:
        return []
    ids = [s.id for s in solutions if s.id is not None]
    # Only the columns a card shows (whole publisher rows would carry password hashes along).
    categories = {
        c_id: (slug, name)
        for c_id, slug, name in session.exec(
            select(Category.id, Category.slug, Category.name).where(
                col(Category.id).in_({s.category_id for s in solutions})
            )
        ).all()
    }
    owners = {
        u_id: (name, verified_at is not None)
        for u_id, name, verified_at in session.exec(
            select(User.id, User.display_name, User.verified_publisher_at).where(
                col(User.id).in_({s.owner_id for s in solutions})
            )
        ).all()
    }
    tags = tags_for(session, ids)
    return [
        card_of(s, categories[s.category_id], owners[s.owner_id], tags.get(s.id or 0, []))
        for s in solutions
    ]


def card_of(
    s: CardSource, category: tuple[str, str], publisher: tuple[str, bool], tags: list[str]
) -> SolutionCard:
    """One card: a solution's card columns, its category's slug and name, its publisher's
    name and verified mark, and its tags."""
    return SolutionCard(
        id=s.id or 0,
        slug=s.slug,
        name=s.name,
        tagline=s.tagline,
        category_slug=category[0],
        category_name=category[1],
        pricing=s.pricing,
        rating_avg=round(s.rating_avg, 2),
        rating_count=s.rating_count,
        publisher_name=publisher[0],
        publisher_verified=publisher[1],
        logo_url=logo_url(s.logo_path),
        tags=sorted(tags),
        status=s.status,
    )


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


PRICING_LABELS = {
    Pricing.FREE: "Free",
    Pricing.FREEMIUM: "Freemium",
    Pricing.PAID: "Paid",
    Pricing.ENTERPRISE: "Enterprise",
}


def list_featured(session: Session, limit: int = 6) -> list[SolutionCard]:
    """Editors' picks among published solutions."""
    rows = session.exec(
        select(Solution)
        .where(Solution.status == SolutionStatus.PUBLISHED, col(Solution.featured).is_(True))
        .order_by(col(Solution.rating_avg).desc(), col(Solution.id))
        .limit(limit)
    ).all()
    return cards_for(session, list(rows))
