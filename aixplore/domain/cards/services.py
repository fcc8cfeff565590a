"""Card rarity bound to real data, and the cards of the gallery."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from aixplore.domain.foils import RARITY_NAMES as RARITY_NAMES  # re-exported for the pages
from aixplore.domain.foils import Foil
from aixplore.domain.solutions.models import Solution, SolutionStatus

GALLERY_LIMIT = 500

# (foil, lowest average rating, fewest reviews), rarest first: a card is as rare as the
# first rule it meets, so a high rating from a handful of reviews stays common.
RARITY_RULES: tuple[tuple[Foil, float, int], ...] = (
    (Foil.SECRET, 4.8, 40),
    (Foil.RAINBOW, 4.5, 15),
    (Foil.REVERSE, 4.0, 5),
)


def rarity_for(rating: float, review_count: int) -> Foil:
    """The foil a rating average and review count earn."""
    if review_count < 0 or not 0 <= rating <= 5:
        return Foil.REGULAR
    for foil, min_rating, min_reviews in RARITY_RULES:
        if rating >= min_rating and review_count >= min_reviews:
            return foil
    return Foil.REGULAR


@dataclass(frozen=True)
class CardFace:
    """What a card shows (plain values for the scene's props)."""

    id: int
    slug: str
    name: str
    subtitle: str
    rating: float
    review_count: int
    foil: Foil

    @property
    def rarity(self) -> str:
        """The rarity's name."""
        return RARITY_NAMES[self.foil]


def card_for(solution: Solution) -> CardFace:
    """A solution's card."""
    # Rarity from the stored average, as the showroom's SQL filter computes it.
    rating = float(solution.rating_avg or 0.0)
    return CardFace(
        id=solution.id or 0,
        slug=solution.slug,
        name=solution.name,
        subtitle=solution.tagline,
        rating=round(rating, 2),
        review_count=solution.rating_count,
        foil=rarity_for(rating, solution.rating_count),
    )


def list_gallery_cards(session: Session, limit: int = GALLERY_LIMIT) -> list[CardFace]:
    """The published solutions' cards, rarest-looking first (best rated, most reviewed)."""
    limit = max(1, min(int(limit), GALLERY_LIMIT))
    rows = session.exec(
        select(Solution)
        .where(Solution.status == SolutionStatus.PUBLISHED)
        .order_by(
            col(Solution.rating_avg).desc(), col(Solution.rating_count).desc(), col(Solution.id)
        )
        .limit(limit)
    ).all()
    return [card_for(s) for s in rows]
