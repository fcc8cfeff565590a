"""The worker's search cards: a change anyone commits shows at the next search.

Search keeps the cards of its results per worker (``search_cards``), labelled with the
catalog version. These tests change what a card shows after a search has held it -- through
the services (the ORM's hooks), in bulk, and by plain SQL on a connection of its own, as
another worker or a command would -- and check that the next search shows the change, never
the held card. Runs on SQLite (the trigger-kept version) and on PostgreSQL with Redis (the
shared generation).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlmodel import select, update

from aixplore.core import cache
from aixplore.core.db import get_engine, read_scope, session_scope
from aixplore.domain.accounts.models import User
from aixplore.domain.solutions import search_cards
from aixplore.domain.solutions.models import Category, Solution, SolutionCard
from aixplore.domain.solutions.search import CATALOG, SearchQuery, search
from tests.factories import make_small_catalog


@pytest.fixture(autouse=True)
def _category_names_kept() -> Iterator[None]:
    """Categories are reference data that the suite's reset keeps (and the end-to-end pass
    that follows on the same database picks by name): put back any name a test changed."""
    with session_scope() as db:
        names = {c.slug: c.name for c in db.exec(select(Category)).all()}
    yield
    with session_scope() as db:
        for category in db.exec(select(Category)).all():
            if names.get(category.slug, category.name) != category.name:
                category.name = names[category.slug]
                db.add(category)


@pytest.fixture
def catalog() -> dict[str, str]:
    return make_small_catalog()


def _card(slug: str, q: str = "receipts") -> SolutionCard | None:
    with session_scope() as db:
        page = search(db, SearchQuery.from_params({"q": q}))
    return next((card for card in page.items if card.slug == slug), None)


def _by_another_worker(statement: str, **params: object) -> None:
    """Plain SQL on a connection of its own: no hook of this process sees it. Another worker
    would bump the shared generation after such a commit (SQLite's triggers count it)."""
    engine = get_engine()
    with engine.begin() as conn:
        conn.execute(text(statement), params)
    if engine.dialect.name != "sqlite":
        cache.bump(CATALOG)


def test_an_edit_through_the_services_shows_at_the_next_search(
    catalog: dict[str, str],
) -> None:
    held = _card(catalog["ocr"])
    assert held is not None and held.name == "Receipt Reader"
    with session_scope() as db:
        solution = db.exec(select(Solution).where(Solution.slug == catalog["ocr"])).one()
        solution.tagline = "OCR for receipts, invoices and tickets"
        publisher = db.get(User, solution.owner_id)
        assert publisher is not None
        publisher.display_name = "Ocelot Renamed"
    card = _card(catalog["ocr"])
    assert card is not None
    assert (card.tagline, card.publisher_name) == (
        "OCR for receipts, invoices and tickets",
        "Ocelot Renamed",
    )
    with session_scope() as db:  # a bulk update the flush never sees
        db.exec(update(Category).where(Category.slug == "computer-vision").values(name="Sight"))  # type: ignore[call-overload]
    card = _card(catalog["ocr"])
    assert card is not None and card.category_name == "Sight"


def test_a_change_by_another_worker_shows_at_the_next_search(catalog: dict[str, str]) -> None:
    assert _card(catalog["ocr"]) is not None
    _by_another_worker(
        "UPDATE solution SET name = 'Receipt Reader 2' WHERE slug = :s", s=catalog["ocr"]
    )
    card = _card(catalog["ocr"])
    assert card is not None and card.name == "Receipt Reader 2"
    _by_another_worker("UPDATE \"user\" SET display_name = 'Lynx Labs'")
    card = _card(catalog["ocr"])
    assert card is not None and card.publisher_name == "Lynx Labs"
    _by_another_worker("UPDATE category SET name = 'Eyes' WHERE slug = 'computer-vision'")
    card = _card(catalog["ocr"])
    assert card is not None and card.category_name == "Eyes"
    _by_another_worker("UPDATE solution SET status = 'archived' WHERE slug = :s", s=catalog["ocr"])
    cache.invalidate("search:")  # this worker's cached id lists would still name it
    assert _card(catalog["ocr"]) is None


def test_held_cards_are_not_handed_out_to_be_changed(catalog: dict[str, str]) -> None:
    first = _card(catalog["ocr"])
    assert first is not None
    first.name = "Changed by a caller"
    again = _card(catalog["ocr"])
    assert again is not None and again.name == "Receipt Reader"


def test_a_search_reading_an_older_snapshot_does_not_hold_its_cards_as_current(
    catalog: dict[str, str],
) -> None:
    with session_scope() as db:
        ocr = db.exec(select(Solution.id).where(Solution.slug == catalog["ocr"])).one()
    assert ocr is not None
    with read_scope() as older:
        older.exec(select(Solution.id)).first()  # its snapshot starts here (SQLite)
        _by_another_worker("UPDATE solution SET name = 'Receipt Reader 3' WHERE id = :i", i=ocr)
        search_cards.cards(older, [ocr])  # reads (and may keep) what its snapshot sees
    card = _card(catalog["ocr"])
    assert card is not None and card.name == "Receipt Reader 3"
