"""Card rarity from a solution's rating and review count."""

from __future__ import annotations

import pytest

from aixplore.domain.cards.services import Foil, list_gallery_cards, rarity_for
from tests.factories import make_member, make_solution


@pytest.mark.parametrize(
    ("rating", "reviews", "foil"),
    [
        (0.0, 0, Foil.REGULAR),
        (5.0, 3, Foil.REGULAR),  # a perfect score from a handful of reviews stays common
        (4.0, 5, Foil.REVERSE),
        (4.49, 200, Foil.REVERSE),
        (4.5, 15, Foil.RAINBOW),
        (4.8, 39, Foil.RAINBOW),
        (4.8, 40, Foil.SECRET),
        (5.0, 1000, Foil.SECRET),
        (7.0, 100, Foil.REGULAR),  # impossible values never earn a rare card
        (4.9, -1, Foil.REGULAR),
    ],
)
def test_rarity_follows_rating_and_reviews(rating, reviews, foil) -> None:
    assert rarity_for(rating, reviews) == foil


def test_gallery_lists_published_solutions_only(db) -> None:
    owner = make_member()
    shown = make_solution(owner.email, name="Shown Card")
    make_solution(owner.email, name="Draft Card", publish=False)
    cards = list_gallery_cards(db)
    assert [c.slug for c in cards] == [shown.slug]
    assert cards[0].foil == Foil.REGULAR and cards[0].rarity == "Common"
