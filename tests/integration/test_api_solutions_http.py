"""REST read API over HTTP: bad input and errors as problems, ETags and the response cache,
the OpenAPI contract, database work off the event loop."""

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
from aixplore.domain.reviews import services as reviews
from tests.factories import actor_for, make_member, sign_in
from tests.support.solutions_api import write_review

PROBLEM = "application/problem+json"


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
    read_api: TestClient, small_catalog: dict[str, str], path: str
) -> None:
    response = read_api.get(path)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["status"] == 422 and problem["type"] == "about:blank"
    assert problem["detail"]


def test_odd_but_valid_queries_do_not_fail(
    read_api: TestClient, small_catalog: dict[str, str]
) -> None:
    for q in ['"', "*", "OR AND NOT", "NEAR(a b)", "'; DROP TABLE solution; --", "ocr*", "é ß 😀"]:
        response = read_api.get("/api/v1/solutions", params={"q": q})
        assert response.status_code == 200, (q, response.text)
    assert read_api.get("/api/v1/solutions", params={"q": "a" * 200}).status_code == 200


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
    read_api: TestClient, small_catalog: dict[str, str]
) -> None:
    paths = [
        "/api/v1/solutions?q=receipt",
        f"/api/v1/solutions/{small_catalog['ocr']}",
        f"/api/v1/solutions/{small_catalog['ocr']}/reviews",
        "/api/v1/categories",
    ]
    tags = {}
    for path in paths:
        first = read_api.get(path)
        etag = first.headers["etag"]
        assert etag.startswith('W/"')
        tags[path] = etag
        again = read_api.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b""
        assert again.headers["etag"] == etag and "cache-control" in again.headers
        strong = etag.removeprefix("W/")
        assert read_api.get(path, headers={"If-None-Match": f'"nope", {strong}'}).status_code == 304
        assert read_api.get(path, headers={"If-None-Match": '"nope"'}).status_code == 200
    reader = make_member()
    write_review(reader.email, small_catalog["ocr"], 5, "Changed my mind")
    for path in paths[:3]:
        changed = read_api.get(path, headers={"If-None-Match": tags[path]})
        assert changed.status_code == 200, path
        assert changed.headers["etag"] != tags[path]


def test_response_cache_serves_repeats_until_it_expires(
    read_api: TestClient, small_catalog: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    reader = actor_for(sign_in(make_member().email))
    monkeypatch.setattr(solution_routes.response_cache, "seconds", 1.0)
    monkeypatch.setattr(solution_routes.response_cache, "stale_seconds", 0)
    path = f"/api/v1/solutions/{small_catalog['ocr']}"
    first = read_api.get(path)
    listing = read_api.get("/api/v1/solutions", params={"q": "receipt"})
    with session_scope() as db:
        review = {"rating": 1, "title": "Broke", "body": "It broke on my receipts."}
        reviews.do_write_review(db, reader, small_catalog["ocr"], review)
    assert read_api.get(path).content == first.content  # served from the cache
    # The same search spelled differently shares the entry (canonical parameters).
    again = read_api.get("/api/v1/solutions?q=%20receipt%20&pricing=&page=1")
    assert again.content == listing.content and again.headers["etag"] == listing.headers["etag"]
    time.sleep(1.1)
    fresh = read_api.get(path)
    assert fresh.json()["rating_count"] == 1 and fresh.headers["etag"] != first.headers["etag"]


def test_stale_bodies_are_served_while_one_refresh_runs(
    small_catalog: dict[str, str], monkeypatch: pytest.MonkeyPatch
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
            reviews.do_write_review(db, reader, small_catalog["ocr"], review)
        time.sleep(1.1)  # now stale
        stale = client.get(path)
        assert stale.content == first[0].content  # served at once, refresh started
        deadline = time.monotonic() + 5
        while client.get(path).content == first[0].content:
            assert time.monotonic() < deadline, "the background refresh never landed"
            time.sleep(0.05)
    assert builds == ["search", "search"]
    assert client.get(path).json()["items"][0]["rating_count"] == 1


def test_facets_can_be_skipped(read_api: TestClient, small_catalog: dict[str, str]) -> None:
    body = read_api.get("/api/v1/solutions", params={"q": "summary", "facets": "false"}).json()
    assert body["facets"] == {} and body["total"] == 2


# ---- Contract ----


def test_openapi_document_describes_the_read_api(read_api: TestClient) -> None:
    document = read_api.get("/api/openapi.json").json()
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
    read_api: TestClient, small_catalog: dict[str, str], monkeypatch: pytest.MonkeyPatch
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
        f"/api/v1/solutions/{small_catalog['ocr']}",
        f"/api/v1/solutions/{small_catalog['ocr']}/reviews",
        "/api/v1/categories",
        "/api/v1/solutions/nope",
    ):
        read_api.get(path)
    assert on_loop == [False] * 5
    ours = [r for r in solution_routes.router.routes if isinstance(r, APIRoute)]
    assert len(ours) == 4
