"""The card showroom: URL parameters, rarity filter and counts, category, orders, pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aixplore.domain.cards.services import Foil, list_gallery_cards, rarity_for
from aixplore.domain.cards.showroom import (
    CardSort,
    ShowroomQuery,
    published_card,
    showroom,
)
from tests.factories import make_member, make_solution, set_solution_rating


def _deck() -> dict[str, str]:
    """Four published cards, one per rarity: their slugs by rarity."""
    owner = make_member()
    made = {}
    specs = [
        (Foil.REGULAR, "Delta Notes", "text-generation", 3.9, 100, 1),
        (Foil.REVERSE, "Alpha Vision", "computer-vision", 4.2, 6, 4),
        (Foil.RAINBOW, "Charlie Writer", "text-generation", 4.6, 20, 2),
        (Foil.SECRET, "Bravo Reader", "computer-vision", 4.9, 50, 3),
    ]
    now = datetime.now(UTC)
    for foil, name, category, rating, count, days_ago in specs:
        slug = make_solution(owner.email, name=name, category=category).slug
        set_solution_rating(slug, rating, count, published_at=now - timedelta(days=days_ago))
        made[foil] = slug
    return made


def test_url_parameters_are_read_and_bad_ones_ignored_with_a_note() -> None:
    query, notes = ShowroomQuery.from_params(
        {"rarity": "rainbow", "category": "computer-vision", "sort": "name", "page": "3"}
    )
    assert query == ShowroomQuery(Foil.RAINBOW, "computer-vision", CardSort.NAME, 3)
    assert notes == []
    assert ShowroomQuery.from_params(query.to_params())[0] == query
    bad, notes = ShowroomQuery.from_params(
        {"rarity": "shiny", "category": "../etc", "sort": "drop table", "page": "-2"}
    )
    assert bad == ShowroomQuery()
    assert notes == [
        "Unknown rarity: showing every rarity.",
        "Unknown order: showing the rarest cards first.",
        "Unknown category: showing every category.",
    ]
    # Anything that is not one string (a repeated parameter, a number) counts as absent.
    odd, notes = ShowroomQuery.from_params({"rarity": ["secret"], "page": 99999999, "sort": None})
    assert odd == ShowroomQuery() and notes == []
    assert ShowroomQuery().to_params() == {}


def test_a_rarity_shows_only_its_cards_and_every_rarity_is_counted(db) -> None:
    deck = _deck()
    everything = showroom(db, ShowroomQuery())
    assert everything.total == 4
    assert everything.rarity_counts == {foil: 1 for foil in Foil}
    # Rarest first by default.
    assert [c.slug for c in everything.cards] == [
        deck[Foil.SECRET],
        deck[Foil.RAINBOW],
        deck[Foil.REVERSE],
        deck[Foil.REGULAR],
    ]
    for foil in Foil:
        page = showroom(db, ShowroomQuery(rarity=foil))
        assert [c.slug for c in page.cards] == [deck[foil]]
        assert page.cards[0].foil == foil and page.total == 1


EDGES = [(4.8, 40), (4.79, 40), (4.8, 39), (4.5, 15), (4.49, 15), (4.0, 5), (3.99, 500), (5.0, 4)]


def test_the_sql_rarity_agrees_with_the_rules_at_their_edges(db) -> None:
    owner = make_member()
    slugs = {}
    for n, (rating, count) in enumerate(EDGES):
        slugs[n] = make_solution(owner.email, name=f"Edge Card {n}").slug
        set_solution_rating(slugs[n], rating, count)
    shown = {
        foil: {c.slug for c in showroom(db, ShowroomQuery(rarity=foil)).cards} for foil in Foil
    }
    for n, (rating, count) in enumerate(EDGES):
        expected = rarity_for(rating, count)
        assert [f for f, found in shown.items() if slugs[n] in found] == [expected], (rating, count)


def test_a_category_narrows_cards_and_counts_and_an_unknown_one_is_ignored(db) -> None:
    deck = _deck()
    vision = showroom(db, ShowroomQuery(category="computer-vision"))
    assert {c.slug for c in vision.cards} == {deck[Foil.REVERSE], deck[Foil.SECRET]}
    assert vision.rarity_counts[Foil.RAINBOW] == 0 and vision.rarity_counts[Foil.SECRET] == 1
    assert vision.cards[0].category == "Computer vision"
    unknown = showroom(db, ShowroomQuery(category="no-such-category"))
    assert unknown.total == 4
    assert unknown.notes == ["Unknown category: showing every category."]
    assert unknown.query.category == ""


def test_orders_by_name_and_newest(db) -> None:
    _deck()
    by_name = showroom(db, ShowroomQuery(sort=CardSort.NAME))
    assert [c.name for c in by_name.cards] == [
        "Alpha Vision",
        "Bravo Reader",
        "Charlie Writer",
        "Delta Notes",
    ]
    newest = showroom(db, ShowroomQuery(sort=CardSort.NEWEST))
    assert [c.name for c in newest.cards] == [
        "Delta Notes",
        "Charlie Writer",
        "Bravo Reader",
        "Alpha Vision",
    ]


def test_pages_hold_page_size_cards_and_a_page_past_the_end_shows_the_last(db) -> None:
    _deck()
    first = showroom(db, ShowroomQuery(sort=CardSort.NAME), page_size=3)
    assert (first.total, first.pages, len(first.cards)) == (4, 2, 3)
    past = showroom(db, ShowroomQuery(sort=CardSort.NAME, page=9), page_size=3)
    assert past.page == 2 and past.query.page == 2
    assert [c.name for c in past.cards] == ["Delta Notes"]


def test_a_card_page_finds_published_cards_only(db) -> None:
    deck = _deck()
    draft = make_solution(make_member().email, name="Draft Secret", publish=False).slug
    card = published_card(db, deck[Foil.SECRET])
    assert card is not None and card.foil == Foil.SECRET and card.rarity == "Secret rare"
    assert card.as_dict()["rating"] == "4.9"
    assert published_card(db, draft) is None
    assert published_card(db, "") is None
    assert published_card(db, "x" * 500) is None


def test_a_solution_page_card_and_the_showroom_agree_on_a_rounded_rating(db) -> None:
    # 4.7996 shows as 4.8 but is under the secret rule's 4.8: both places say ultra rare.
    slug = make_solution(make_member().email, name="Almost Secret").slug
    set_solution_rating(slug, 4.7996, 40)
    (face,) = list_gallery_cards(db)
    (card,) = showroom(db, ShowroomQuery()).cards
    assert face.foil == card.foil == Foil.RAINBOW
    assert face.rating == card.rating == 4.8
