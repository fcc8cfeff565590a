"""GraphQL at /api/graphql: solutions as a connection, node ids, viewer, transport and callers."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from fastapi.testclient import TestClient

from aixplore.api.app import build_api
from tests.api_support import bearer, member_with_key
from tests.factories import make_small_catalog

PAGE = """query($first: Int, $after: String) {
  solutions(first: $first, after: $after) {
    totalCount
    edges { cursor node { id slug name tags publisher { handle displayName }
                          rating { average count } } }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  }
}"""


@pytest.fixture
def api() -> TestClient:
    return TestClient(build_api())


def gql(api: TestClient, query: str, variables: Any = None, **kw: Any) -> dict[str, Any]:
    """POST one operation; the answer's JSON (GraphQL errors come with status 200)."""
    reply = api.post("/api/graphql", json={"query": query, "variables": variables}, **kw)
    assert reply.status_code in (200, 400), reply.text
    return reply.json()


def test_solutions_page_through_a_connection_with_publishers_and_ratings(api: TestClient) -> None:
    make_small_catalog("Ocelot Labs")
    first = gql(api, PAGE, {"first": 2})
    assert "errors" not in first, first
    page = first["data"]["solutions"]
    assert page["totalCount"] == 3  # the draft stays out, as in REST
    assert len(page["edges"]) == 2 and page["pageInfo"]["hasNextPage"]
    node = page["edges"][0]["node"]
    assert node["publisher"]["displayName"] == "Ocelot Labs"
    assert node["publisher"]["handle"]
    assert set(node["rating"]) == {"average", "count"}
    assert first["extensions"]["cost"] > 0
    rest = api.get("/api/v1/solutions", params={"per_page": 2}).json()
    assert [e["node"]["slug"] for e in page["edges"]] == [i["slug"] for i in rest["items"]]
    after = page["pageInfo"]["endCursor"]
    second = gql(api, PAGE, {"first": 2, "after": after})["data"]["solutions"]
    assert len(second["edges"]) == 1
    assert second["pageInfo"] == {
        "hasNextPage": False,
        "hasPreviousPage": True,
        "endCursor": second["edges"][0]["cursor"],
    }


def test_solution_by_slug_and_by_global_node_id(api: TestClient) -> None:
    made = make_small_catalog()
    slug = made["ocr"]
    one = gql(api, "query($s: String!) { solution(slug: $s) { id slug tags } }", {"s": slug})
    node_id = one["data"]["solution"]["id"]
    assert base64.b64decode(node_id).decode().startswith("Solution:")
    again = gql(
        api, "query($id: ID!) { node(id: $id) { id ... on Solution { slug } } }", {"id": node_id}
    )
    assert again["data"]["node"] == {"id": node_id, "slug": slug}
    draft = gql(api, "query($s: String!) { solution(slug: $s) { slug } }", {"s": made["draft"]})
    assert draft["data"]["solution"] is None  # drafts are no more visible than over REST


def test_viewer_is_the_keys_owner_and_null_when_anonymous(api: TestClient) -> None:
    _email, key = member_with_key(["solutions:read"])
    mine = gql(api, "{ viewer { handle displayName } }", headers=bearer(key))
    assert mine["data"]["viewer"]["handle"]
    assert gql(api, "{ viewer { handle } }")["data"]["viewer"] is None


def test_a_bad_key_is_refused_as_rest_refuses_it(api: TestClient) -> None:
    reply = api.post(
        "/api/graphql", json={"query": "{ viewer { handle } }"}, headers=bearer("axp_forged")
    )
    assert reply.status_code == 401
    assert reply.headers["content-type"].startswith("application/problem+json")


def test_get_queries_and_graphiql_are_off_and_the_route_is_not_in_openapi(api: TestClient) -> None:
    over_get = api.get("/api/graphql", params={"query": "{ viewer { handle } }"})
    assert over_get.status_code in (400, 404, 405) and "data" not in over_get.text
    page = api.get("/api/graphql", headers={"accept": "text/html"})
    assert page.status_code in (400, 404, 405) and "<html" not in page.text.lower()
    assert "/api/graphql" not in api.get("/api/openapi.json").json()["paths"]
