"""A GraphQL operation's cost is charged to the caller's read rate limit."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from aixplore.api.app import build_api
from aixplore.api.gql.limits import charged_requests
from aixplore.core.settings import get_settings
from tests.api_support import bearer, member_with_key

PAGE = """{ solutions(first: 50) { edges { node { id slug name tags
  publisher { handle displayName } rating { average count } } } } }"""


def test_a_costly_query_uses_more_of_the_limit_than_a_cheap_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(get_settings(), "api_anonymous_limit", "12/minute")
    api = TestClient(build_api())
    cheap = api.post("/api/graphql", json={"query": "{ viewer { handle } }"})
    assert cheap.status_code == 200 and cheap.headers["X-RateLimit-Remaining"] == "11"
    assert cheap.json()["extensions"]["rateLimit"] == {"charged": 1, "remaining": 11}
    costly = api.post("/api/graphql", json={"query": PAGE})
    body = costly.json()
    charged = charged_requests(body["extensions"]["cost"])
    assert charged >= 5 and body["extensions"]["rateLimit"]["charged"] == charged
    assert costly.headers["X-RateLimit-Remaining"] == str(11 - charged)
    # The next page does not fit in what is left: 429, Retry-After and a GraphQL error.
    refused = api.post("/api/graphql", json={"query": PAGE})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    error = refused.json()["errors"][0]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert f"costs {charged} requests" in error["message"]
    assert refused.json().get("data") is None
    # REST reads share the budget (what the refused query could not spend is still there).
    assert api.get("/api/v1/categories").status_code == 200


def test_a_keys_queries_are_charged_to_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(get_settings(), "api_read_limit", "8/minute")
    _email, key = member_with_key(["solutions:read"])
    api = TestClient(build_api())
    first = api.post("/api/graphql", json={"query": PAGE}, headers=bearer(key))
    charged = first.json()["extensions"]["rateLimit"]["charged"]
    assert first.headers["X-RateLimit-Remaining"] == str(8 - charged)
    # Anonymous callers from the same address have their own budget.
    assert api.post("/api/graphql", json={"query": PAGE}).status_code == 200
    assert api.post("/api/graphql", json={"query": PAGE}, headers=bearer(key)).status_code == 429
