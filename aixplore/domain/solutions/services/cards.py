"""Solution cards: a listing's summary, category, publisher and tags, in bulk; pricing labels."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from aixplore.domain.accounts.models import User
from aixplore.domain.solutions.models import (
    CardSource,
    Category,
    Pricing,
    SolutionCard,
    SolutionTag,
)

PRICING_LABELS = {
    Pricing.FREE: "Free",
    Pricing.FREEMIUM: "Freemium",
    Pricing.PAID: "Paid",
    Pricing.ENTERPRISE: "Enterprise",
}


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
