"""Automatic persisted queries: by SHA-256, PersistedQueryNotFound first, then the hash alone."""

from __future__ import annotations

import hashlib
from typing import Any

from fastapi.testclient import TestClient

from aixplore.api.app import build_api
from aixplore.api.gql import persisted
from tests.factories import make_small_catalog

QUERY = "query Names($first: Int!) { solutions(first: $first) { edges { node { slug } } } }"


def _send(api: TestClient, digest: str, query: str | None = None, version: int = 1) -> Any:
    body: dict[str, Any] = {
        "variables": {"first": 2},
        "extensions": {"persistedQuery": {"version": version, "sha256Hash": digest}},
    }
    if query is not None:
        body["query"] = query
    reply = api.post("/api/graphql", json=body)
    assert reply.status_code == 200, reply.text
    return reply.json()


def test_a_query_is_run_by_its_hash_once_the_server_knows_it() -> None:
    persisted.forget_all()
    make_small_catalog()
    api = TestClient(build_api())
    digest = hashlib.sha256(QUERY.encode()).hexdigest()
    unknown = _send(api, digest)
    assert unknown["data"] is None
    assert unknown["errors"][0]["message"] == "PersistedQueryNotFound"
    assert unknown["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    sent = _send(api, digest, QUERY)
    assert len(sent["data"]["solutions"]["edges"]) == 2
    by_hash = _send(api, digest)
    assert by_hash["data"] == sent["data"] and by_hash["extensions"]["cost"] > 0


def test_a_wrong_hash_an_invalid_query_and_other_versions_are_refused() -> None:
    persisted.forget_all()
    api = TestClient(build_api())
    other = hashlib.sha256(b"something else").hexdigest()
    mismatch = _send(api, other, QUERY)
    assert mismatch["errors"][0]["message"] == "provided sha does not match query"
    assert _send(api, other)["errors"][0]["message"] == "PersistedQueryNotFound"
    invalid = "{ solutions { nope } }"
    digest = hashlib.sha256(invalid.encode()).hexdigest()
    assert "nope" in _send(api, digest, invalid)["errors"][0]["message"]
    assert _send(api, digest)["errors"][0]["message"] == "PersistedQueryNotFound"  # not kept
    assert "version" in _send(api, other, version=2)["errors"][0]["message"]
    assert "hexadecimal" in _send(api, "ABC")["errors"][0]["message"]
