"""GraphQL's guards: a fixed number of SQL queries per page, depth and cost limits, bad input."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.engine import Engine

from aixplore.api.app import build_api
from aixplore.core.db import session_scope
from aixplore.domain.reviews import services as reviews
from aixplore.domain.solutions import services as solutions
from tests.factories import actor_for, make_member, sign_in

PAGE = """query($first: Int!) {
  solutions(first: $first) {
    edges { cursor node { id slug name tags publisher { handle displayName }
                          rating { average count } } }
    pageInfo { hasNextPage endCursor }
  }
}"""


@pytest.fixture
def api() -> TestClient:
    return TestClient(build_api())


def ask(api: TestClient, query: str, variables: Any = None) -> dict[str, Any]:
    """POST one operation: never a 500, always a GraphQL answer."""
    reply = api.post("/api/graphql", json={"query": query, "variables": variables})
    assert reply.status_code in (200, 400), reply.text
    return reply.json()


def refused(api: TestClient, query: str, variables: Any = None) -> str:
    """The message of a refused operation (no data came back)."""
    body = ask(api, query, variables)
    assert body.get("data") is None and body["errors"], body
    return body["errors"][0]["message"]


def _publish_many(count: int) -> None:
    """``count`` published solutions from three publishers (one sign-in each)."""
    for publisher in range(3):
        actor = actor_for(sign_in(make_member(name=f"Publisher {publisher}").email))
        with session_scope() as db:
            for n in range(publisher, count, 3):
                made = solutions.do_create_solution(
                    db,
                    actor,
                    {
                        "name": f"Batch Tool {n:02d}",
                        "tagline": "One of a page of tools",
                        "description": "A tool made to fill a whole page of search results.",
                        "category": "text-generation",
                        "pricing": "free",
                        "tags": ["batch", f"t{n % 4}"],
                    },
                )
                solutions.do_set_status(db, actor, made.slug, "published")


@pytest.fixture
def statements() -> Iterator[list[str]]:
    """Every SQL statement run while the test watches."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    yield seen
    event.remove(Engine, "before_cursor_execute", record)


def test_a_page_of_50_costs_the_same_queries_as_a_page_of_5(
    api: TestClient, statements: list[str]
) -> None:
    _publish_many(50)
    counts = {}
    for first in (5, 50):
        ask(api, PAGE, {"first": first})  # the search's own caches warm up alike
        statements.clear()
        body = ask(api, PAGE, {"first": first})
        assert len(body["data"]["solutions"]["edges"]) == first
        assert all(e["node"]["publisher"]["handle"] for e in body["data"]["solutions"]["edges"])
        counts[first] = len(statements)
    assert counts[5] == counts[50], counts
    assert counts[50] <= 10, counts


def test_a_deeply_nested_query_is_refused() -> None:
    api = TestClient(build_api())
    deep = "{ solutions { edges { node { publisher { handle } } } } }"
    assert "data" in ask(api, deep)
    nested = "query { " + "solutions { edges { node { " * 3 + "slug" + " } } }" * 3 + " }"
    assert "depth" in refused(api, nested).lower()
    cyclic = "query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }"
    assert "cycle" in refused(api, cyclic).lower() or "spread" in refused(api, cyclic).lower()


def test_aliases_multiply_the_cost_and_are_refused(api: TestClient) -> None:
    one = "s{n}: solutions(first: 50) {{ edges {{ node {{ slug name }} }} }}"
    body = ask(api, "{ " + one.format(n=0) + " }")
    assert "errors" not in body and body["extensions"]["cost"] == 1 + 50 * 4
    bomb = "{ " + " ".join(one.format(n=n) for n in range(10)) + " }"
    message = refused(api, bomb)
    assert "cost" in message and "exceeds" in message
    cheap = "{ " + " ".join(f"v{n}: viewer {{ handle displayName }}" for n in range(350)) + " }"
    assert "cost" in refused(api, cheap)
    schema = "__schema { types { name fields { name type { name } } } }"
    assert "errors" not in ask(api, "{ " + schema + " }")
    introspection_bomb = "{ " + " ".join(f"s{n}: {schema}" for n in range(150)) + " }"
    assert "cost" in refused(api, introspection_bomb)


def test_first_out_of_range_is_refused_with_its_reason(api: TestClient) -> None:
    for first in (1000, 0, -5):
        message = refused(api, PAGE, {"first": first})
        assert "first must be between 1 and 50" in message, message
    assert "Int" in refused(api, PAGE, {"first": 2**40})


def test_syntax_errors_unknown_fields_and_wrong_variables_are_clear(api: TestClient) -> None:
    assert "Syntax Error" in refused(api, "{ solutions { edges ")
    assert "Cannot query field 'secret'" in refused(api, "{ solutions { secret } }")
    assert "Int" in refused(api, PAGE, {"first": "lots"})
    assert "Int" in refused(api, PAGE, {"first": None})
    assert "tokens" in refused(api, "{ " + "viewer { handle } " * 2000 + "}").lower()
    huge = ask(
        api,
        "query($q: String!) { solutions(query: $q) { edges { cursor } } }",
        {"q": "x" * 100_000},
    )
    assert huge["data"] is None and "Invalid search" in huge["errors"][0]["message"]
    bad_cursor = ask(api, '{ solutions(after: "!!") { edges { cursor } } }')
    assert "Not a valid cursor" in bad_cursor["errors"][0]["message"]


def _node(api: TestClient, node_id: str) -> dict[str, Any]:
    return ask(api, "query($id: ID!) { node(id: $id) { id } }", {"id": node_id})


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def test_forged_node_ids_are_refused_before_any_query(
    api: TestClient, statements: list[str]
) -> None:
    forged = [
        _b64("User:1"),
        _b64("Solution:-1"),
        _b64("Solution:0"),
        _b64(f"Solution:{2**31}"),
        _b64(f"Solution:{2**63}"),
        _b64("Solution:1 OR 1=1"),
        "not base64 at all!",
        "U29sdXRpb246MQ",  # "Solution:1" without its padding
        _b64("Solution:1" * 40),
    ]
    for node_id in forged:
        statements.clear()
        body = _node(api, node_id)
        assert body["data"] == {"node": None} or body["data"] is None, body
        assert "Not a valid" in body["errors"][0]["message"], body
        assert not [s for s in statements if "solution" in s.lower()], node_id
    assert _node(api, _b64(f"Solution:{2**31 - 1}"))["data"] == {"node": None}


def test_a_pages_reviews_are_read_in_one_batch(api: TestClient, statements: list[str]) -> None:
    _publish_many(20)
    first_page = ask(api, "{ solutions(first: 5) { edges { node { slug } } } }")
    slugs = [e["node"]["slug"] for e in first_page["data"]["solutions"]["edges"]]
    reviewer = actor_for(sign_in(make_member(name="Critic").email))
    with session_scope() as db:
        for slug in slugs[:3]:
            reviews.do_write_review(
                db, reviewer, slug, {"rating": 4, "title": "Solid", "body": "Does what it says."}
            )
    query = """query($first: Int!) { solutions(first: $first) { edges { node { slug
      publisher { handle } reviews(first: 2) { rating authorName } } } } }"""
    counts = {}
    for first in (5, 20):
        ask(api, query, {"first": first})
        statements.clear()
        body = ask(api, query, {"first": first})
        assert "errors" not in body, body
        found = [e["node"]["reviews"] for e in body["data"]["solutions"]["edges"]]
        assert sum(len(r) for r in found) == 3
        counts[first] = len(statements)
    assert counts[5] == counts[20], counts
