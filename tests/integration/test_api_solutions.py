"""REST read API: search with facets, one solution, its reviews, categories, errors, caching."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from aixplore.api.app import build_api, domain_problem
from aixplore.api.routes import solutions as solution_routes
from aixplore.core.db import session_scope
from aixplore.core.errors import (
    Conflict,
    DomainError,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    Throttled,
    ValidationFailed,
)
from aixplore.domain.accounts.models import User
from aixplore.domain.reviews import services as reviews
from aixplore.domain.solutions import services as solutions
from tests.factories import actor_for, make_member, make_small_catalog, sign_in

PROBLEM = "application/problem+json"


@pytest.fixture
def client(monkeypatch: pytest.MonkeyPatch) -> TestClient:
    """The API with its per-process response cache off (one test turns it on)."""
    solution_routes.response_cache.clear()
    monkeypatch.setattr(solution_routes.response_cache, "seconds", 0)
    return TestClient(build_api())


@pytest.fixture
def catalog() -> dict[str, str]:
    return make_small_catalog()


def _write_review(email: str, slug: str, rating: int, title: str) -> int:
    actor = actor_for(sign_in(email))
    with session_scope() as db:
        return reviews.do_write_review(
            db, actor, slug, {"rating": rating, "title": title, "body": f"{title}: details here."}
        ).id


def _vote(email: str, review_id: int) -> None:
    actor = actor_for(sign_in(email))
    with session_scope() as db:
        reviews.do_toggle_helpful(db, actor, review_id)


# ---- Search ----


def test_search_matches_words_filters_and_counts_facets(
    client: TestClient, catalog: dict[str, str]
) -> None:
    response = client.get("/api/v1/solutions", params={"q": "summary", "pricing": "free"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["cache-control"].startswith("public")
    body = response.json()
    assert [item["slug"] for item in body["items"]] == [catalog["summary"]]
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
    client: TestClient, catalog: dict[str, str]
) -> None:
    body = client.get("/api/v1/solutions", params={"q": "reciept"}).json()
    assert (body["corrected_q"], body["partial"]) == ("receipt", False)
    assert [item["slug"] for item in body["items"]] == [catalog["ocr"]]
    body = client.get("/api/v1/solutions", params={"q": "the receipts and the meetings"}).json()
    assert (body["partial"], body["exact_total"], body["total"]) == (True, 0, 3)
    assert body["suggested_q"] == ""


def test_search_never_shows_drafts(client: TestClient, catalog: dict[str, str]) -> None:
    body = client.get("/api/v1/solutions", params={"q": "hidden"}).json()
    assert body["total"] == 0
    listed = client.get("/api/v1/solutions").json()
    assert catalog["draft"] not in {item["slug"] for item in listed["items"]}
    assert listed["total"] == 3


def test_list_filters_take_repeated_or_comma_separated_values(
    client: TestClient, catalog: dict[str, str]
) -> None:
    comma = client.get("/api/v1/solutions?pricing=paid,freemium&sort=newest").json()
    repeated = client.get("/api/v1/solutions?pricing=paid&pricing=freemium&sort=newest").json()
    assert comma["items"] == repeated["items"]
    assert {item["slug"] for item in comma["items"]} == {catalog["ocr"], catalog["transcribe"]}
    tagged = client.get("/api/v1/solutions?tags=summarization&tags=nlp").json()
    assert [item["slug"] for item in tagged["items"]] == [catalog["summary"]]
    in_category = client.get("/api/v1/solutions", params={"category": "speech-audio"}).json()
    assert [item["slug"] for item in in_category["items"]] == [catalog["transcribe"]]


def test_search_pages_and_rating_filter(client: TestClient, catalog: dict[str, str]) -> None:
    reader = make_member()
    _write_review(reader.email, catalog["ocr"], 5, "Great OCR")
    _write_review(reader.email, catalog["summary"], 2, "Too short")
    top = client.get("/api/v1/solutions", params={"min_rating": 4}).json()
    assert [item["slug"] for item in top["items"]] == [catalog["ocr"]]
    assert top["items"][0]["rating_avg"] == 5.0 and top["items"][0]["rating_count"] == 1
    second = client.get("/api/v1/solutions", params={"per_page": 2, "page": 2}).json()
    assert (second["total"], second["pages"], second["page"], len(second["items"])) == (3, 2, 2, 1)
    beyond = client.get("/api/v1/solutions", params={"page": 9}).json()
    assert beyond["items"] == [] and beyond["total"] == 3


# ---- One solution ----


def test_detail_of_a_published_solution(client: TestClient, catalog: dict[str, str]) -> None:
    response = client.get(f"/api/v1/solutions/{catalog['ocr']}")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Receipt Reader" and body["pricing"] == "paid"
    assert "<strong>totals</strong>" in body["description_html"]
    assert body["description_md"].startswith("Extracts **totals**")
    assert body["rating_distribution"] == [0, 0, 0, 0, 0]
    assert body["published_at"] is not None
    assert "owner_id" not in body and "status" not in body


def test_unknown_draft_and_archived_solutions_are_404_problems(
    client: TestClient, catalog: dict[str, str]
) -> None:
    with session_scope() as db:
        detail = solutions.get_solution(db, None, catalog["transcribe"])
    owner = actor_for(sign_in(_owner_email(detail.owner_id)))
    with session_scope() as db:
        solutions.do_set_status(db, owner, catalog["transcribe"], "archived")
    for slug in ("no-such-thing", catalog["draft"], catalog["transcribe"], "x" * 200):
        for path in (f"/api/v1/solutions/{slug}", f"/api/v1/solutions/{slug}/reviews"):
            response = client.get(path)
            assert response.status_code == 404, path
            assert response.headers["content-type"] == PROBLEM
            problem = response.json()
            assert problem["status"] == 404 and problem["title"] == "Not Found"
            assert problem["detail"] == "No such solution."
            assert "etag" not in response.headers


# ---- Reviews ----


def test_reviews_sorted_by_helpful_or_newest_and_paged(
    client: TestClient, catalog: dict[str, str]
) -> None:
    first, second, third = make_member(), make_member(), make_member()
    slug = catalog["ocr"]
    older = _write_review(first.email, slug, 4, "Good totals")
    newer = _write_review(second.email, slug, 2, "Misses tips")
    _vote(third.email, older)
    helpful = client.get(f"/api/v1/solutions/{slug}/reviews").json()
    assert [r["id"] for r in helpful["items"]] == [older, newer]
    assert helpful["items"][0]["helpful_count"] == 1
    assert (helpful["total"], helpful["page"], helpful["pages"], helpful["sort"]) == (
        2,
        1,
        1,
        "helpful",
    )
    newest = client.get(f"/api/v1/solutions/{slug}/reviews", params={"sort": "newest"}).json()
    assert [r["id"] for r in newest["items"]] == [newer, older]
    review = newest["items"][0]
    assert review["rating"] == 2 and review["reply"] is None and review["edited"] is False
    assert "author_id" not in review and "voted" not in review
    empty = client.get(f"/api/v1/solutions/{slug}/reviews", params={"page": 2}).json()
    assert empty["items"] == [] and empty["total"] == 2


def test_publisher_replies_are_part_of_the_review(
    client: TestClient, catalog: dict[str, str]
) -> None:
    reader = make_member()
    review_id = _write_review(reader.email, catalog["summary"], 3, "Decent summaries")
    with session_scope() as db:
        detail = solutions.get_solution(db, None, catalog["summary"])
    owner = actor_for(sign_in(_owner_email(detail.owner_id)))
    with session_scope() as db:
        reviews.do_reply(db, owner, review_id, "Thanks, longer summaries are coming.")
    [review] = client.get(f"/api/v1/solutions/{catalog['summary']}/reviews").json()["items"]
    assert review["reply"]["body"] == "Thanks, longer summaries are coming."
    detail_body = client.get(f"/api/v1/solutions/{catalog['summary']}").json()
    assert detail_body["rating_distribution"] == [0, 0, 1, 0, 0]
    assert detail_body["rating_count"] == 1


def _owner_email(user_id: int) -> str:
    with session_scope() as db:
        user = db.get(User, user_id)
        assert user is not None
        return user.email


# ---- Categories ----


def test_categories_with_published_counts(client: TestClient, catalog: dict[str, str]) -> None:
    response = client.get("/api/v1/categories")
    assert response.status_code == 200
    items = response.json()["items"]
    assert len(items) == 12
    counts = {c["slug"]: c["count"] for c in items}
    assert counts["computer-vision"] == 1 and counts["text-generation"] == 1  # draft not counted
    assert response.headers["cache-control"] == "public, max-age=300"


# ---- Bad input and errors ----


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/solutions?page=0",
        "/api/v1/solutions?page=501",
        "/api/v1/solutions?page=abc",
        "/api/v1/solutions?per_page=51",
        "/api/v1/solutions?min_rating=5",
        "/api/v1/solutions?min_rating=-1",
        "/api/v1/solutions?sort=bogus",
        "/api/v1/solutions?pricing=cheap",
        "/api/v1/solutions?tags=a,b,c,d,e,f",
        "/api/v1/solutions?q=" + "a" * 201,
        "/api/v1/solutions?category=" + "c" * 61,
        "/api/v1/solutions/receipt-reader/reviews?page=0",
        "/api/v1/solutions/receipt-reader/reviews?page=10001",
        "/api/v1/solutions/receipt-reader/reviews?sort=bogus",
    ],
)
def test_bad_parameters_are_422_problems_never_500(
    client: TestClient, catalog: dict[str, str], path: str
) -> None:
    response = client.get(path)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["status"] == 422 and problem["type"] == "about:blank"
    assert problem["detail"]


def test_odd_but_valid_queries_do_not_fail(client: TestClient, catalog: dict[str, str]) -> None:
    for q in ['"', "*", "OR AND NOT", "NEAR(a b)", "'; DROP TABLE solution; --", "ocr*", "é ß 😀"]:
        response = client.get("/api/v1/solutions", params={"q": q})
        assert response.status_code == 200, (q, response.text)
    assert client.get("/api/v1/solutions", params={"q": "a" * 200}).status_code == 200


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (NotFound("gone"), 404),
        (ValidationFailed("bad", field="page"), 422),
        (PermissionDenied("no"), 403),
        (NotAuthenticated("who?"), 401),
        (Conflict("again"), 409),
        (DomainError("plain"), 400),
    ],
)
def test_domain_errors_map_to_http_statuses(error: DomainError, status: int) -> None:
    response = domain_problem(error)
    assert response.status_code == status
    assert response.media_type == PROBLEM
    assert b'"detail":"' + error.message.encode() in response.body


def test_throttled_says_when_to_retry() -> None:
    response = domain_problem(Throttled("Slow down.", retry_after=42))
    assert response.status_code == 429
    assert response.headers["retry-after"] == "42"


# ---- Caching ----


def test_etag_answers_304_until_the_data_changes(
    client: TestClient, catalog: dict[str, str]
) -> None:
    paths = [
        "/api/v1/solutions?q=receipt",
        f"/api/v1/solutions/{catalog['ocr']}",
        f"/api/v1/solutions/{catalog['ocr']}/reviews",
        "/api/v1/categories",
    ]
    tags = {}
    for path in paths:
        first = client.get(path)
        etag = first.headers["etag"]
        assert etag.startswith('W/"')
        tags[path] = etag
        again = client.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b""
        assert again.headers["etag"] == etag and "cache-control" in again.headers
        strong = etag.removeprefix("W/")
        assert client.get(path, headers={"If-None-Match": f'"nope", {strong}'}).status_code == 304
        assert client.get(path, headers={"If-None-Match": '"nope"'}).status_code == 200
    reader = make_member()
    _write_review(reader.email, catalog["ocr"], 5, "Changed my mind")
    for path in paths[:3]:
        changed = client.get(path, headers={"If-None-Match": tags[path]})
        assert changed.status_code == 200, path
        assert changed.headers["etag"] != tags[path]


def test_response_cache_serves_repeats_until_it_expires(
    client: TestClient, catalog: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    reader = actor_for(sign_in(make_member().email))
    monkeypatch.setattr(solution_routes.response_cache, "seconds", 1.0)
    monkeypatch.setattr(solution_routes.response_cache, "stale_seconds", 0)
    path = f"/api/v1/solutions/{catalog['ocr']}"
    first = client.get(path)
    listing = client.get("/api/v1/solutions", params={"q": "receipt"})
    with session_scope() as db:
        review = {"rating": 1, "title": "Broke", "body": "It broke on my receipts."}
        reviews.do_write_review(db, reader, catalog["ocr"], review)
    assert client.get(path).content == first.content  # served from the cache
    # The same search spelled differently shares the entry (canonical parameters).
    again = client.get("/api/v1/solutions?q=%20receipt%20&pricing=&page=1")
    assert again.content == listing.content and again.headers["etag"] == listing.headers["etag"]
    time.sleep(1.1)
    fresh = client.get(path)
    assert fresh.json()["rating_count"] == 1 and fresh.headers["etag"] != first.headers["etag"]


def test_stale_bodies_are_served_while_one_refresh_runs(
    catalog: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    reader = actor_for(sign_in(make_member().email))
    cache = solution_routes.response_cache
    cache.clear()
    monkeypatch.setattr(cache, "seconds", 1.0)
    monkeypatch.setattr(cache, "stale_seconds", 30)
    builds: list[str] = []
    real_search = solution_routes.search

    def counted_search(*args, **kwargs):
        builds.append("search")
        time.sleep(0.2)  # slow enough for the concurrent requests below to overlap it
        return real_search(*args, **kwargs)

    monkeypatch.setattr(solution_routes, "search", counted_search)
    path = "/api/v1/solutions?q=receipt"
    with TestClient(build_api()) as client, ThreadPoolExecutor(8) as pool:
        # Eight concurrent first requests: one search, shared by all.
        first = list(pool.map(lambda _: client.get(path), range(8)))
        assert builds == ["search"] and {r.headers["etag"] for r in first} == {
            first[0].headers["etag"]
        }
        with session_scope() as db:
            review = {"rating": 5, "title": "Great", "body": "Reads every receipt."}
            reviews.do_write_review(db, reader, catalog["ocr"], review)
        time.sleep(1.1)  # now stale
        stale = client.get(path)
        assert stale.content == first[0].content  # served at once, refresh started
        deadline = time.monotonic() + 5
        while client.get(path).content == first[0].content:
            assert time.monotonic() < deadline, "the background refresh never landed"
            time.sleep(0.05)
    assert builds == ["search", "search"]
    assert client.get(path).json()["items"][0]["rating_count"] == 1


def test_facets_can_be_skipped(client: TestClient, catalog: dict[str, str]) -> None:
    body = client.get("/api/v1/solutions", params={"q": "summary", "facets": "false"}).json()
    assert body["facets"] == {} and body["total"] == 2


# ---- Contract ----


def test_openapi_document_describes_the_read_api(client: TestClient) -> None:
    document = client.get("/api/openapi.json").json()
    paths = document["paths"]
    for path in (
        "/api/v1/solutions",
        "/api/v1/solutions/{slug}",
        "/api/v1/solutions/{slug}/reviews",
        "/api/v1/categories",
    ):
        assert "get" in paths[path], path
    search = paths["/api/v1/solutions"]["get"]
    assert {p["name"] for p in search["parameters"]} >= {
        "q",
        "category",
        "pricing",
        "tags",
        "min_rating",
        "verified",
        "sort",
        "page",
        "per_page",
    }
    ok = search["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok["$ref"].endswith("/SearchResults")
    assert PROBLEM in search["responses"]["422"]["content"]
    assert PROBLEM in paths["/api/v1/solutions/{slug}"]["get"]["responses"]["404"]["content"]
    schemas = document["components"]["schemas"]
    assert {"SearchResults", "SolutionOut", "ReviewPage", "CategoryList"} <= set(schemas)
    not_found = paths["/api/v1/solutions/{slug}"]["get"]["responses"]["404"]["content"]
    assert list(not_found) == [PROBLEM]
    assert not_found[PROBLEM]["schema"]["$ref"].endswith("/Problem")
    assert schemas["Problem"]["title"] == "Problem"
    # Every operation documents its refusals as problem details, FastAPI's own 422 shape is gone.
    assert "HTTPValidationError" not in schemas
    for operations in paths.values():
        for operation in operations.values():
            assert list(operation["responses"]["4XX"]["content"]) == [PROBLEM]


def test_database_work_runs_off_the_event_loop(
    client: TestClient, catalog: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    on_loop: list[bool] = []
    real_read = solution_routes.catalog_read

    def watched_read(read, user_id=None):
        try:
            asyncio.get_running_loop()
            on_loop.append(True)
        except RuntimeError:
            on_loop.append(False)
        return real_read(read, user_id)

    monkeypatch.setattr(solution_routes, "catalog_read", watched_read)
    for path in (
        "/api/v1/solutions?q=receipt",
        f"/api/v1/solutions/{catalog['ocr']}",
        f"/api/v1/solutions/{catalog['ocr']}/reviews",
        "/api/v1/categories",
        "/api/v1/solutions/nope",
    ):
        client.get(path)
    assert on_loop == [False] * 5
    ours = [r for r in solution_routes.router.routes if isinstance(r, APIRoute)]
    assert len(ours) == 4
