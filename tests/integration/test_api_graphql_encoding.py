"""GraphQL's answers as bytes (orjson, the standard library past it) and the publishers' read."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlmodel import select

from aixplore.api.app import build_api
from aixplore.api.routes.graphql import router
from aixplore.core.db import session_scope
from aixplore.domain.accounts.models import User
from aixplore.domain.social.publisher_handles import publishers_of
from aixplore.domain.solutions.models import Solution
from tests.factories import make_small_catalog


def test_answers_are_json_and_what_orjson_refuses_is_still_encoded() -> None:
    data = {"data": {"name": "Café ✓", "n": 1.5, "none": None, "list": [1, True]}}
    assert json.loads(router.encode_json(data)) == data
    big = {"data": {"n": 2**70}}  # orjson stops at 64 bits
    assert json.loads(router.encode_json(big)) == big


def test_a_page_answers_with_the_publishers_name_and_handle() -> None:
    make_small_catalog("Ocelot Labs")
    reply = TestClient(build_api()).post(
        "/api/graphql",
        json={
            "query": "{ solutions(first: 3) { edges { node { publisher { handle displayName } } } } }"
        },
    )
    assert reply.status_code == 200 and reply.headers["content-type"] == "application/json"
    nodes = [e["node"] for e in reply.json()["data"]["solutions"]["edges"]]
    assert len(nodes) == 3 and all(n["publisher"]["displayName"] == "Ocelot Labs" for n in nodes)
    assert all(n["publisher"]["handle"] for n in nodes)


def test_the_publishers_read_sees_the_sessions_own_pending_changes() -> None:
    slug = make_small_catalog("Ocelot Labs")["ocr"]
    with session_scope() as db:
        solution = db.exec(select(Solution).where(Solution.slug == slug)).one()
        owner = db.get(User, solution.owner_id)
        assert owner is not None and solution.id is not None
        owner.display_name = "Renamed Labs"
        db.add(owner)  # not flushed: the read flushes it first, as the ORM's autoflush did
        found = publishers_of(db, [solution.id])
        assert found is not None and found[solution.id][1] == "Renamed Labs"
