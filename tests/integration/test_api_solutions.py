"""REST read API: search with facets, one solution, its reviews, categories.

Bad input, errors, caching and the OpenAPI contract are in ``test_api_solutions_http.py``.
"""

from __future__ import annotations

from fastapi.testclient import TestClient

from aixplore.core.db import session_scope
from aixplore.domain.accounts.models import User
from aixplore.domain.reviews import services as reviews
from aixplore.domain.solutions import services as solutions
from tests.factories import actor_for, make_member, sign_in
from tests.support.solutions_api import write_review

PROBLEM = "application/problem+json"


def _vote(email: str, review_id: int) -> None:
    actor = actor_for(sign_in(email))
    with session_scope() as db:
        reviews.do_toggle_helpful(db, actor, review_id)


# ---- Search ----


def test_search_matches_words_filters_and_counts_facets(
    read_api: TestClient, small_catalog: dict[str, str]
) -> None:
    response = read_api.get("/api/v1/solutions", params={"q": "summary", "pricing": "free"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["cache-control"].startswith("public")
    body = response.json()
    assert [item["slug"] for item in body["items"]] == [small_catalog["summary"]]
    assert (body["total"], body["page"], body["pages"], body["per_page"]) == (1, 1, 1, 24)
    assert body["query"] == {"q": "summary", "pricing": "free"}
    assert body["corrected_q"] == ""
    item = body["items"][0]
    assert item["category"] == "text-generation"
    assert item["publisher_name"] == "Ocelot Labs"
    assert item["tags"] == ["nlp", "summarization"]
    # Facets count under the other filters: pricing ignores its own selection.
    pricing = {f["value"]: (f["count"], f["selected"]) for f in body["facets"]["pricing"]}
    assert pricing["free"] == (1, True)
    assert pricing["freemium"] == (1, False)  # the transcriber mentions a summary
    categories = {f["value"]: f["count"] for f in body["facets"]["category"]}
    assert categories["text-generation"] == 1 and categories["computer-vision"] == 0
    assert set(body["facets"]) == {"category", "pricing", "tags", "min_rating", "verified"}


def test_search_says_how_it_matched_typos_and_phrases(
    read_api: TestClient, small_catalog: dict[str, str]
) -> None:
    body = read_api.get("/api/v1/solutions", params={"q": "reciept"}).json()
    assert (body["corrected_q"], body["partial"]) == ("receipt", False)
    assert [item["slug"] for item in body["items"]] == [small_catalog["ocr"]]
    body = read_api.get("/api/v1/solutions", params={"q": "the receipts and the meetings"}).json()
    assert (body["partial"], body["exact_total"], body["total"]) == (True, 0, 3)
    assert body["suggested_q"] == ""


def test_search_never_shows_drafts(read_api: TestClient, small_catalog: dict[str, str]) -> None:
    body = read_api.get("/api/v1/solutions", params={"q": "hidden"}).json()
    assert body["total"] == 0
    listed = read_api.get("/api/v1/solutions").json()
    assert small_catalog["draft"] not in {item["slug"] for item in listed["items"]}
    assert listed["total"] == 3


def test_list_filters_take_repeated_or_comma_separated_values(
    read_api: TestClient, small_catalog: dict[str, str]
) -> None:
    comma = read_api.get("/api/v1/solutions?pricing=paid,freemium&sort=newest").json()
    repeated = read_api.get("/api/v1/solutions?pricing=paid&pricing=freemium&sort=newest").json()
    assert comma["items"] == repeated["items"]
    assert {item["slug"] for item in comma["items"]} == {
        small_catalog["ocr"],
        small_catalog["transcribe"],
    }
    tagged = read_api.get("/api/v1/solutions?tags=summarization&tags=nlp").json()
    assert [item["slug"] for item in tagged["items"]] == [small_catalog["summary"]]
    in_category = read_api.get("/api/v1/solutions", params={"category": "speech-audio"}).json()
    assert [item["slug"] for item in in_category["items"]] == [small_catalog["transcribe"]]


def test_search_pages_and_rating_filter(
    read_api: TestClient, small_catalog: dict[str, str]
) -> None:
    reader = make_member()
    write_review(reader.email, small_catalog["ocr"], 5, "Great OCR")
    write_review(reader.email, small_catalog["summary"], 2, "Too short")
    top = read_api.get("/api/v1/solutions", params={"min_rating": 4}).json()
    assert [item["slug"] for item in top["items"]] == [small_catalog["ocr"]]
    assert top["items"][0]["rating_avg"] == 5.0 and top["items"][0]["rating_count"] == 1
    second = read_api.get("/api/v1/solutions", params={"per_page": 2, "page": 2}).json()
    assert (second["total"], second["pages"], second["page"], len(second["items"])) == (3, 2, 2, 1)
    beyond = read_api.get("/api/v1/solutions", params={"page": 9}).json()
    assert beyond["items"] == [] and beyond["total"] == 3


# ---- One solution ----


def test_detail_of_a_published_solution(
    read_api: TestClient, small_catalog: dict[str, str]
) -> None:
    response = read_api.get(f"/api/v1/solutions/{small_catalog['ocr']}")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Receipt Reader" and body["pricing"] == "paid"
    assert "<strong>totals</strong>" in body["description_html"]
    assert body["description_md"].startswith("Extracts **totals**")
    assert body["rating_distribution"] == [0, 0, 0, 0, 0]
    assert body["published_at"] is not None
    assert "owner_id" not in body and "status" not in body


def test_unknown_draft_and_archived_solutions_are_404_problems(
    read_api: TestClient, small_catalog: dict[str, str]
) -> None:
    with session_scope() as db:
        detail = solutions.get_solution(db, None, small_catalog["transcribe"])
    owner = actor_for(sign_in(_owner_email(detail.owner_id)))
    with session_scope() as db:
        solutions.do_set_status(db, owner, small_catalog["transcribe"], "archived")
    for slug in ("no-such-thing", small_catalog["draft"], small_catalog["transcribe"], "x" * 200):
        for path in (f"/api/v1/solutions/{slug}", f"/api/v1/solutions/{slug}/reviews"):
            response = read_api.get(path)
            assert response.status_code == 404, path
            assert response.headers["content-type"] == PROBLEM
            problem = response.json()
            assert problem["status"] == 404 and problem["title"] == "Not Found"
            assert problem["detail"] == "No such solution."
            assert "etag" not in response.headers


# ---- Reviews ----


def test_reviews_sorted_by_helpful_or_newest_and_paged(
    read_api: TestClient, small_catalog: dict[str, str]
) -> None:
    first, second, third = make_member(), make_member(), make_member()
    slug = small_catalog["ocr"]
    older = write_review(first.email, slug, 4, "Good totals")
    newer = write_review(second.email, slug, 2, "Misses tips")
    _vote(third.email, older)
    helpful = read_api.get(f"/api/v1/solutions/{slug}/reviews").json()
    assert [r["id"] for r in helpful["items"]] == [older, newer]
    assert helpful["items"][0]["helpful_count"] == 1
    assert (helpful["total"], helpful["page"], helpful["pages"], helpful["sort"]) == (
        2,
        1,
        1,
        "helpful",
    )
    newest = read_api.get(f"/api/v1/solutions/{slug}/reviews", params={"sort": "newest"}).json()
    assert [r["id"] for r in newest["items"]] == [newer, older]
    review = newest["items"][0]
    assert review["rating"] == 2 and review["reply"] is None and review["edited"] is False
    assert "author_id" not in review and "voted" not in review
    empty = read_api.get(f"/api/v1/solutions/{slug}/reviews", params={"page": 2}).json()
    assert empty["items"] == [] and empty["total"] == 2


def test_publisher_replies_are_part_of_the_review(
    read_api: TestClient, small_catalog: dict[str, str]
) -> None:
    reader = make_member()
    review_id = write_review(reader.email, small_catalog["summary"], 3, "Decent summaries")
    with session_scope() as db:
        detail = solutions.get_solution(db, None, small_catalog["summary"])
    owner = actor_for(sign_in(_owner_email(detail.owner_id)))
    with session_scope() as db:
        reviews.do_reply(db, owner, review_id, "Thanks, longer summaries are coming.")
    [review] = read_api.get(f"/api/v1/solutions/{small_catalog['summary']}/reviews").json()["items"]
    assert review["reply"]["body"] == "Thanks, longer summaries are coming."
    detail_body = read_api.get(f"/api/v1/solutions/{small_catalog['summary']}").json()
    assert detail_body["rating_distribution"] == [0, 0, 1, 0, 0]
    assert detail_body["rating_count"] == 1


def _owner_email(user_id: int) -> str:
    with session_scope() as db:
        user = db.get(User, user_id)
        assert user is not None
        return user.email


# ---- Categories ----


def test_categories_with_published_counts(
    read_api: TestClient, small_catalog: dict[str, str]
) -> None:
    response = read_api.get("/api/v1/categories")
    assert response.status_code == 200
    items = response.json()["items"]
    assert len(items) == 12
    counts = {c["slug"]: c["count"] for c in items}
    assert counts["computer-vision"] == 1 and counts["text-generation"] == 1  # draft not counted
    assert response.headers["cache-control"] == "public, max-age=300"
