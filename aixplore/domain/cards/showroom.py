"""The card showroom: published solutions' cards filtered by rarity and category, sorted, paged.

Rarity is not stored: it follows from the rating and review count (``RARITY_RULES``), so the
filter and the rarity sort use the same rules as a SQL ``CASE`` expression.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func
from sqlmodel import Session, col, select

from aixplore.domain.cards.services import RARITY_NAMES, RARITY_RULES, Foil, rarity_for
from aixplore.domain.solutions.models import Category, Solution, SolutionStatus
from aixplore.domain.solutions.services import logo_url

PAGE_SIZE = 24
# Rarer cards rank higher; the rarity sort and filter compare these ranks.
RANKS: dict[Foil, int] = {
    Foil.REGULAR: 0,
    Foil.REVERSE: 1,
    Foil.RAINBOW: 2,
    Foil.SECRET: 3,
}
_MAX_PAGE = 10_000


class CardSort(enum.StrEnum):
    """The showroom's orders."""

    RARITY = "rarity"
    NAME = "name"
    NEWEST = "newest"


SORT_LABELS = {
    CardSort.RARITY: "Rarest first",
    CardSort.NAME: "Name (A to Z)",
    CardSort.NEWEST: "Newest first",
}


@dataclass(frozen=True)
class ShowroomQuery:
    """What the showroom shows: one rarity or all, one category slug or all, an order, a page."""

    rarity: Foil | None = None
    category: str = ""
    sort: CardSort = CardSort.RARITY
    page: int = 1

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> tuple[ShowroomQuery, list[str]]:
        """The query a URL's parameters describe, and a note for each value it ignored.

        Any browser can put anything in the URL: unknown values are left out, never raised.
        """
        notes: list[str] = []
        rarity = _text(params.get("rarity"))
        sort = _text(params.get("sort"))
        category = _text(params.get("category"))
        page_text = _text(params.get("page"))
        foil = Foil._value2member_map_.get(rarity) if rarity else None
        if rarity and foil is None:
            notes.append("Unknown rarity: showing every rarity.")
        order = CardSort._value2member_map_.get(sort) if sort else CardSort.RARITY
        if order is None:
            notes.append("Unknown order: showing the rarest cards first.")
        if len(category) > 60 or not all(c.isalnum() or c == "-" for c in category):
            notes.append("Unknown category: showing every category.")
            category = ""
        page = int(page_text) if page_text.isdigit() and len(page_text) <= 5 else 1
        query = cls(
            rarity=Foil(foil) if foil is not None else None,
            category=category,
            sort=CardSort(order) if order is not None else CardSort.RARITY,
            page=max(1, min(page, _MAX_PAGE)),
        )
        return query, notes

    def to_params(self, **changes: Any) -> dict[str, str]:
        """The canonical URL parameters (defaults left out), with ``changes`` applied."""
        query = replace(self, **changes)
        params: dict[str, str] = {}
        if query.rarity is not None:
            params["rarity"] = query.rarity.value
        if query.category:
            params["category"] = query.category
        if query.sort != CardSort.RARITY:
            params["sort"] = query.sort.value
        if query.page > 1:
            params["page"] = str(query.page)
        return params


@dataclass(frozen=True)
class ShowroomCard:
    """One card as the showroom and the card page draw it (plain values)."""

    id: int
    slug: str
    name: str
    tagline: str
    rating: float
    review_count: int
    foil: Foil
    category: str
    category_slug: str
    logo_url: str
    published_at: datetime | None

    @property
    def rarity(self) -> str:
        """The rarity's name."""
        return RARITY_NAMES[self.foil]

    def as_dict(self) -> dict[str, Any]:
        """The card as JSON-ready values for a page's state."""
        return {
            "id": self.id,
            "slug": self.slug,
            "name": self.name,
            "tagline": self.tagline,
            "rating": f"{self.rating:.1f}",
            "reviews": self.review_count,
            "foil": self.foil.value,
            "rarity": self.rarity,
            "category": self.category,
            "category_slug": self.category_slug,
            "logo_url": self.logo_url,
            # A hue per card for its generated art (stable: from the id).
            "hue": (self.id * 47) % 360,
        }


@dataclass(frozen=True)
class ShowroomPage:
    """One page of cards, the query it answers, the counts per rarity in its category, notes."""

    query: ShowroomQuery
    cards: list[ShowroomCard]
    total: int
    page: int
    pages: int
    rarity_counts: dict[Foil, int]
    notes: list[str] = field(default_factory=list)


def _meets(min_rating: float, min_reviews: int) -> ColumnElement[bool]:
    return and_(
        col(Solution.rating_avg) >= min_rating,
        col(Solution.rating_avg) <= 5,
        col(Solution.rating_count) >= min_reviews,
    )


def rarity_rank() -> ColumnElement[int]:
    """``RANKS[rarity_for(rating_avg, rating_count)]`` as SQL."""
    return case(
        *[(_meets(rating, reviews), RANKS[foil]) for foil, rating, reviews in RARITY_RULES],
        else_=0,
    )


def _card(solution: Solution, category: Category) -> ShowroomCard:
    rating = float(solution.rating_avg or 0.0)
    return ShowroomCard(
        id=solution.id or 0,
        slug=solution.slug,
        name=solution.name,
        tagline=solution.tagline,
        rating=round(rating, 2),
        review_count=solution.rating_count,
        foil=rarity_for(rating, solution.rating_count),
        category=category.name,
        category_slug=category.slug,
        logo_url=logo_url(solution.logo_path),
        published_at=solution.published_at,
    )


def _order(sort: CardSort) -> list[Any]:
    if sort == CardSort.NAME:
        return [func.lower(col(Solution.name)), col(Solution.id)]
    if sort == CardSort.NEWEST:
        return [col(Solution.published_at).desc().nulls_last(), col(Solution.id).desc()]
    return [
        rarity_rank().desc(),
        col(Solution.rating_score).desc(),
        col(Solution.rating_count).desc(),
        col(Solution.id),
    ]


def showroom(session: Session, query: ShowroomQuery, page_size: int = PAGE_SIZE) -> ShowroomPage:
    """The page of published cards ``query`` asks for (a page past the end shows the last)."""
    notes: list[str] = []
    published: list[Any] = [Solution.status == SolutionStatus.PUBLISHED]
    if query.category:
        category_id = session.exec(
            select(Category.id).where(Category.slug == query.category)
        ).first()
        if category_id is None:
            notes.append("Unknown category: showing every category.")
            query = replace(query, category="")
        else:
            published.append(Solution.category_id == category_id)
    rank = rarity_rank()
    counted = session.exec(
        select(rank, func.count()).where(*published).group_by(rank)  # type: ignore[call-overload]
    ).all()
    by_rank = {int(r): int(n) for r, n in counted}
    rarity_counts = {foil: by_rank.get(RANKS[foil], 0) for foil in Foil}
    where = list(published)
    if query.rarity is not None:
        where.append(rank == RANKS[query.rarity])
        total = rarity_counts[query.rarity]
    else:
        total = sum(rarity_counts.values())
    pages = max(1, math.ceil(total / page_size))
    page = min(query.page, pages)
    rows = session.exec(
        select(Solution, Category)
        .join(Category, col(Category.id) == col(Solution.category_id))
        .where(*where)
        .order_by(*_order(query.sort))
        .offset((page - 1) * page_size)
        .limit(page_size)
    ).all()
    return ShowroomPage(
        query=replace(query, page=page),
        cards=[_card(s, c) for s, c in rows],
        total=total,
        page=page,
        pages=pages,
        rarity_counts=rarity_counts,
        notes=notes,
    )


def published_card(session: Session, slug: str) -> ShowroomCard | None:
    """The published solution's card for ``slug``, or None (unknown, draft or bad slug)."""
    if not isinstance(slug, str) or not 0 < len(slug) <= 80:
        return None
    row = session.exec(
        select(Solution, Category)
        .join(Category, col(Category.id) == col(Solution.category_id))
        .where(Solution.slug == slug, Solution.status == SolutionStatus.PUBLISHED)
    ).first()
    return _card(*row) if row else None


def category_choices(session: Session) -> list[tuple[str, str]]:
    """Every category as (slug, name), in the catalog's order."""
    return [
        (c.slug, c.name)
        for c in session.exec(select(Category).order_by(col(Category.position), col(Category.name)))
    ]


def _text(value: Any) -> str:
    """A URL parameter as one stripped string ("" for lists or anything else)."""
    return value.strip() if isinstance(value, str) else ""
