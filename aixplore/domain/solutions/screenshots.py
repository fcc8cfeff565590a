"""A listing's screenshot gallery: add (after the media module stored the file), caption,
reorder and remove; only the publisher (or a platform admin) may change it."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, func, select

from aixplore.core.errors import Conflict, NotFound, ValidationFailed
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import Actor
from aixplore.domain.solutions.media import StoredScreenshot
from aixplore.domain.solutions.models import ScreenshotPublic, SolutionScreenshot
from aixplore.domain.solutions.services.reads import _get_managed, screenshots_of

list_for = screenshots_of

MAX_SCREENSHOTS = 8
CAPTION_MAX = 140


def _caption(value: Any) -> str:
    if not isinstance(value, str):
        raise ValidationFailed("The caption must be text.", field="caption")
    caption = " ".join(value.split())
    if len(caption) > CAPTION_MAX:
        raise ValidationFailed(
            f"Keep the caption to {CAPTION_MAX} characters or fewer.", field="caption"
        )
    return caption


def do_add_screenshot(
    session: Session, actor: Actor | None, slug: Any, stored: StoredScreenshot, caption: Any = ""
) -> ScreenshotPublic:
    """Append a stored screenshot to the listing's gallery (at most :data:`MAX_SCREENSHOTS`)."""
    solution = _get_managed(session, actor, slug)
    text = _caption(caption)
    # Lock the listing row so two uploads at once cannot both take the last place.
    session.exec(
        select(type(solution)).where(col(type(solution).id) == solution.id).with_for_update()
    )
    count, last = session.exec(
        select(func.count(), func.max(SolutionScreenshot.position)).where(
            SolutionScreenshot.solution_id == solution.id
        )
    ).one()
    if count >= MAX_SCREENSHOTS:
        raise Conflict(f"A listing can show at most {MAX_SCREENSHOTS} screenshots.")
    assert solution.id is not None
    shot = SolutionScreenshot(
        solution_id=solution.id,
        path=stored.path,
        thumb_path=stored.thumb_path,
        width=stored.width,
        height=stored.height,
        caption=text,
        position=(last or 0) + 1,
    )
    session.add(shot)
    solution.updated_at = utcnow()
    session.add(solution)
    session.flush()
    return ScreenshotPublic.of(shot)


def _owned_shot(
    session: Session, actor: Actor | None, slug: Any, shot_id: Any
) -> SolutionScreenshot:
    solution = _get_managed(session, actor, slug)
    if not isinstance(shot_id, int) or isinstance(shot_id, bool):
        raise ValidationFailed("Unknown screenshot.")
    shot = session.get(SolutionScreenshot, shot_id)
    if shot is None or shot.solution_id != solution.id:
        raise NotFound("Unknown screenshot.")
    return shot


def do_set_caption(
    session: Session, actor: Actor | None, slug: Any, shot_id: Any, caption: Any
) -> ScreenshotPublic:
    """Change a screenshot's caption (its alternative text)."""
    shot = _owned_shot(session, actor, slug, shot_id)
    shot.caption = _caption(caption)
    session.add(shot)
    return ScreenshotPublic.of(shot)


def do_move_screenshot(
    session: Session, actor: Actor | None, slug: Any, shot_id: Any, offset: Any
) -> None:
    """Move a screenshot one place earlier (-1) or later (+1) in the gallery."""
    if offset not in (-1, 1) or isinstance(offset, bool):
        raise ValidationFailed("Move by one place.")
    shot = _owned_shot(session, actor, slug, shot_id)
    rows = session.exec(
        select(SolutionScreenshot)
        .where(SolutionScreenshot.solution_id == shot.solution_id)
        .order_by(col(SolutionScreenshot.position), col(SolutionScreenshot.id))
    ).all()
    order = [r.id for r in rows]
    at = order.index(shot.id)
    to = at + offset
    if 0 <= to < len(order):
        order[at], order[to] = order[to], order[at]
    for position, row in enumerate(sorted(rows, key=lambda r: order.index(r.id)), start=1):
        row.position = position
        session.add(row)


def do_remove_screenshot(session: Session, actor: Actor | None, slug: Any, shot_id: Any) -> None:
    """Take a screenshot out of the gallery (the file stays: other listings may share it)."""
    session.delete(_owned_shot(session, actor, slug, shot_id))
