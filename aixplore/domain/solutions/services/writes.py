"""Writing listings: create, edit, publish, archive, logo, feature, verified publisher."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, delete, select

from aixplore.core.errors import Conflict, NotFound, ValidationFailed
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import Actor, User
from aixplore.domain.accounts.services import parse_input, require_actor, require_platform_admin
from aixplore.domain.activity.models import FeedKind
from aixplore.domain.activity.services import record_activity
from aixplore.domain.holds.models import is_held
from aixplore.domain.solutions.markdown import render_markdown
from aixplore.domain.solutions.models import (
    Category,
    Solution,
    SolutionDetail,
    SolutionInput,
    SolutionRelease,
    SolutionStatus,
    SolutionTag,
)
from aixplore.domain.solutions.services.reads import _get_managed, _get_row, get_solution
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
