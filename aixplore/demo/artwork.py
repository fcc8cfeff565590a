"""Give the demo's listings their generated logos and screenshots, stored like uploads.

The files are written under the media root by content hash (as uploads are), so a second
run writes nothing new; listings that already have a logo, or screenshots, keep them.
"""

from __future__ import annotations

from sqlalchemy import insert, update
from sqlmodel import Session, col, func, select

from aixplore.core.time import utcnow
from aixplore.demo.logos import logo_svg
from aixplore.demo.screens import HEIGHT, SHOTS_PER_SOLUTION, WIDTH, screens_for, screenshot_svg
from aixplore.domain.solutions.media import store_encoded
from aixplore.domain.solutions.models import Category, Solution, SolutionScreenshot


def add_demo_artwork(session: Session, owner_ids: list[int | None]) -> int:
    """Draw a logo and screenshots for each listing of these owners that has none.

    Set directly, like the seed's other backdated fields: the service would bump
    ``updated_at`` and the catalog's "recently updated" order with it. Returns how many
    listings got artwork.
    """
    rows = session.exec(
        select(Solution.id, Solution.name, Category.slug, Solution.logo_path)
        .join(Category, col(Category.id) == Solution.category_id)
        .where(col(Solution.owner_id).in_([i for i in owner_ids if i is not None]))
    ).all()
    ids = [solution_id for solution_id, *_ in rows if solution_id is not None]
    with_shots = set(
        session.exec(
            select(SolutionScreenshot.solution_id)
            .where(col(SolutionScreenshot.solution_id).in_(ids))
            .group_by(col(SolutionScreenshot.solution_id))
            .having(func.count() > 0)
        ).all()
    )
    shots: list[dict[str, object]] = []
    changed, now = 0, utcnow()
    for solution_id, name, category, logo_path in rows:
        if solution_id is None or (logo_path and solution_id in with_shots):
            continue
        changed += 1
        if not logo_path:
            session.execute(
                update(Solution)
                .where(col(Solution.id) == solution_id)
                .values(logo_path=store_encoded(logo_svg(category, name), "logos", "svg"))
            )
        if solution_id in with_shots:
            continue
        for index, (title, _) in enumerate(screens_for(category)[:SHOTS_PER_SOLUTION]):
            # Vector art needs no separate thumbnail: the same file serves both sizes.
            path = store_encoded(screenshot_svg(category, name, index), "screenshots", "svg")
            shots.append(
                {
                    "solution_id": solution_id,
                    "path": path,
                    "thumb_path": path,
                    "width": WIDTH,
                    "height": HEIGHT,
                    "caption": f"{title} in {name}"[:140],
                    "position": index + 1,
                    "created_at": now,
                }
            )
    if shots:
        session.execute(insert(SolutionScreenshot), shots)
    return changed
