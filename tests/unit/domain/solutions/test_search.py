"""Search: ranking, typo tolerance, facets with counts, filters, sorts and bad input."""

from __future__ import annotations

import pytest

from aixplore.core.db import session_scope
from aixplore.core.errors import ValidationFailed
from aixplore.domain.solutions.search import SearchQuery, search
from tests.factories import make_small_catalog


@pytest.fixture
def catalog() -> dict[str, str]:
    return make_small_catalog()


def _slugs(**params) -> list[str]:
    with session_scope() as db:
        return [card.slug for card in search(db, SearchQuery.from_params(params)).items]


def test_text_search_ranks_name_and_tag_matches_first_and_hides_drafts(
    catalog: dict[str, str],
) -> None:
    found = _slugs(q="summary")
    assert catalog["draft"] not in found
    assert set(found) == {catalog["summary"], catalog["transcribe"]}
    assert _slugs(q="receipts ocr") == [catalog["ocr"]]


def test_a_typo_still_finds_the_solution(catalog: dict[str, str]) -> None:
    assert catalog["ocr"] in _slugs(q="reciept")


def test_facets_count_under_the_other_filters(catalog: dict[str, str]) -> None:
    with session_scope() as db:
        page = search(db, SearchQuery.from_params({"q": "summary", "category": "speech-audio"}))
    assert [c.slug for c in page.items] == [catalog["transcribe"]]
    categories = {f.value: f.count for f in page.facets["category"]}
    # The category facet ignores its own filter, so the user sees where else "summary" lives.
    assert categories["speech-audio"] == 1 and categories["text-generation"] == 1
    pricing = {f.value: f.count for f in page.facets["pricing"]}
    assert pricing == {"free": 0, "freemium": 1, "paid": 0, "enterprise": 0}
    tags = {f.value: f.count for f in page.facets["tags"]}
    assert tags["summarization"] == 1


def test_filters_combine(catalog: dict[str, str]) -> None:
    assert _slugs(pricing="paid,freemium", sort="newest") == [catalog["transcribe"], catalog["ocr"]]
    assert _slugs(tags="summarization,nlp") == [catalog["summary"]]
    assert _slugs(min_rating="4") == []


def test_injection_attempts_are_plain_text(catalog: dict[str, str]) -> None:
    for q in [
        '" OR 1=1 --',
        "summary*)) NEAR(",
        "'; DROP TABLE solution; --",
        "NOT AND OR",
        "%_%",
        "\\",
    ]:
        _slugs(q=q)  # must not raise
    assert len(_slugs()) == 3


@pytest.mark.parametrize(
    "params",
    [
        {"page": "0"},
        {"page": "-3"},
        {"page": "abc"},
        {"page": "100000"},
        {"min_rating": "5"},
        {"sort": "price"},
        {"pricing": "gratis"},
        {"q": "x" * 201},
        {"per_page": "1000"},
    ],
)
def test_absurd_parameters_get_a_clear_error(params: dict) -> None:
    with pytest.raises(ValidationFailed, match="Invalid search"):
        SearchQuery.from_params(params)


def test_url_round_trip_keeps_the_search() -> None:
    query = SearchQuery.from_params(
        {"q": "ocr", "pricing": "paid", "tags": "finance", "sort": "rating", "page": "2"}
    )
    assert SearchQuery.from_params(query.to_params()) == query
    assert SearchQuery().to_params() == {}


def _totals(**params) -> tuple[int, dict[str, int]]:
    with session_scope() as db:
        page = search(db, SearchQuery.from_params(params))
    return page.total, {f.value: f.count for f in page.facets["pricing"]}


def test_cached_totals_and_facets_follow_every_catalog_change(catalog: dict[str, str]) -> None:
    """Summaries are cached, but a change that alters counts retires them at once."""
    from aixplore.domain.solutions import services as solutions
    from tests.factories import actor_for, make_member, make_solution, sign_in

    total, pricing = _totals()
    assert (total, pricing["paid"]) == (3, 1)
    owner = make_member().email
    slug = make_solution(
        owner, name="Ledger Lens", tagline="Invoices read aloud", pricing="paid"
    ).slug
    assert _totals() == (4, {**pricing, "paid": 2})
    with session_scope() as db:
        solutions.do_set_status(db, actor_for(sign_in(owner)), slug, "archived")
    assert _totals() == (3, pricing)


def test_trending_activity_does_not_retire_cached_summaries(catalog: dict[str, str]) -> None:
    from aixplore.core import cache
    from aixplore.domain.analytics.services import do_record
    from aixplore.domain.solutions.search import CATALOG

    _totals()
    before = cache.generation(CATALOG)
    with session_scope() as db:
        solution_id = search(db, SearchQuery.from_params({"q": "receipt"})).items[0].id
        do_record(db, kind="view", solution_id=solution_id)
    assert cache.generation(CATALOG) == before


def test_a_typo_is_corrected_to_a_published_word(catalog: dict[str, str]) -> None:
    with session_scope() as db:
        page = search(db, SearchQuery.from_params({"q": "reciept reader"}))
    assert page.corrected_q == "receipt reader"
    assert [c.slug for c in page.items] == [catalog["ocr"]]


def test_words_only_a_draft_holds_are_never_offered_as_corrections(
    catalog: dict[str, str],
) -> None:
    from tests.factories import make_member, make_solution

    make_solution(
        make_member().email,
        name="Quetzalcoatl Secret",
        tagline="Unreleased",
        description="Nothing yet.",
        publish=False,
    )
    with session_scope() as db:
        page = search(db, SearchQuery.from_params({"q": "quetzalcoatle"}))
    assert page.items == [] and page.corrected_q in ("", "quetzalcoatle")


def test_every_page_agrees_with_one_ordered_query_inside_and_past_the_cached_window(
    catalog: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from aixplore.domain.solutions import search as search_module
    from tests.factories import make_member, make_solution

    owner = make_member().email
    for n in range(5):
        make_solution(owner, name=f"Receipt helper {n}", tagline="Receipts sorted", tags=["ocr"])
    for params in ({"sort": "newest"}, {"q": "receipt"}, {"tags": "ocr", "sort": "rating"}):
        whole = _slugs(**params)
        assert len(whole) >= 4
        # Page 1 comes from the first cached id list, page 2 from the longer one, pages 3+
        # from an offset query.
        monkeypatch.setattr(search_module, "FIRST_WINDOW", 2)
        monkeypatch.setattr(search_module, "RESULT_WINDOW", 4)
        paged: list[str] = []
        for page in range(1, 4):
            paged += _slugs(**params, per_page="2", page=str(page))
        monkeypatch.undo()
        assert paged == whole[:6]


def test_a_cached_result_list_follows_unpublishing(catalog: dict[str, str]) -> None:
    from aixplore.domain.solutions import services as solutions
    from tests.factories import actor_for, make_member, make_solution, sign_in

    owner = make_member().email
    slug = make_solution(owner, name="Invoice Owl", tagline="Receipts, filed").slug
    assert slug in _slugs(sort="newest") and slug in _slugs(q="invoice")
    with session_scope() as db:
        solutions.do_set_status(db, actor_for(sign_in(owner)), slug, "archived")
    assert slug not in _slugs(sort="newest") and slug not in _slugs(q="invoice")
