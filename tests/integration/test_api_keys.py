"""API keys over HTTP: scopes, expiry, revocation (at once, in every worker), rate limits."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import select

from aixplore.core.db import read_scope, session_scope
from aixplore.core.errors import PermissionDenied, ValidationFailed
from aixplore.core.settings import get_settings
from aixplore.core.time import utcnow
from aixplore.domain.accounts import admin as account_admin
from aixplore.domain.apikeys import services as apikeys
from aixplore.domain.apikeys.models import ApiKey
from aixplore.domain.audit.models import AuditEntry
from tests.api_support import SOLUTION, bearer, client, make_key, member_with_key
from tests.factories import actor_for, make_admin, make_member, sign_in

PROBLEM = "application/problem+json"


def _create(api, key: str, **change: object):
    return api.post("/api/v1/solutions", json={**SOLUTION, **change}, headers=bearer(key))


def test_a_key_creates_a_listing_and_records_its_use() -> None:
    _email, key = member_with_key(["solutions:write"])
    response = _create(client(), key)
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "draft"
    assert response.headers["location"] == f"/api/v1/solutions/{response.json()['slug']}"
    with read_scope() as db:
        row = db.exec(select(ApiKey)).one()
        assert row.last_used_at is not None and row.last_used_ip == "testclient"
        assert row.key_hash != key and key.startswith(row.prefix + "_")


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({}, "needs an API key"),
        ({"Authorization": "Basic abc"}, "Bearer"),
        ({"Authorization": "Bearer nonsense"}, "malformed"),
        ({"Authorization": "Bearer axp_ABCDEFGH_" + "x" * 43}, "not valid"),
    ],
)
def test_missing_or_bad_keys_get_401_with_the_reason(headers: dict[str, str], reason: str) -> None:
    response = client().post("/api/v1/solutions", json=SOLUTION, headers=headers)
    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert reason in response.json()["detail"]


def test_a_key_without_the_scope_gets_403() -> None:
    _email, key = member_with_key(["solutions:read", "reviews:write"])
    response = _create(client(), key)
    assert response.status_code == 403
    assert "solutions:write" in response.json()["detail"]


def test_admin_level_includes_write() -> None:
    _email, key = member_with_key(["solutions:admin"])
    assert _create(client(), key).status_code == 201


def test_revocation_is_effective_at_once_in_every_worker() -> None:
    email, key = member_with_key(["solutions:write"])
    worker_a, worker_b = client(), client()  # two app instances, as two processes would have
    assert _create(worker_a, key, name="First One").status_code == 201
    assert _create(worker_b, key, name="Second One").status_code == 201
    actor = actor_for(sign_in(email))
    with session_scope() as db:
        key_id = apikeys.list_my_keys(db, actor)[0].id
        apikeys.do_revoke_key(db, actor, key_id)
    for worker in (worker_a, worker_b):
        response = _create(worker, key, name="Third One")
        assert response.status_code == 401 and "revoked" in response.json()["detail"]
    with read_scope() as db:
        actions = [e.action for e in db.exec(select(AuditEntry)).all()]
    assert actions.count("api_key.created") == 1 and actions.count("api_key.revoked") == 1


def test_an_expired_key_gets_401() -> None:
    _email, key = member_with_key(["solutions:write"])
    with session_scope() as db:
        db.execute(update(ApiKey).values(expires_at=utcnow() - timedelta(seconds=1)))
    response = _create(client(), key)
    assert response.status_code == 401 and "expired" in response.json()["detail"]


def test_a_suspended_owner_s_key_stops_working() -> None:
    member = make_member()
    key = make_key(member.email, ["solutions:write"])
    admin = actor_for(sign_in(make_admin().email))
    with session_scope() as db:
        account_admin.do_set_suspended(db, admin, member.id, True)
    response = _create(client(), key)
    assert response.status_code == 401 and "suspended" in response.json()["detail"]


def test_a_key_acts_only_as_its_owner() -> None:
    _owner_email, owner_key = member_with_key(["solutions:write"])
    slug = _create(client(), owner_key).json()["slug"]
    _other, other_key = member_with_key(["solutions:write"])
    response = client().put(
        f"/api/v1/solutions/{slug}",
        json={**SOLUTION, "name": "Hijacked"},
        headers=bearer(other_key),
    )
    assert response.status_code in {403, 404}
    assert response.headers["content-type"] == PROBLEM


def test_key_creation_is_validated() -> None:
    member = make_member()
    actor = actor_for(sign_in(member.email))
    bad = [
        {"name": "k", "scopes": ["solutions:delete"], "expires_in_days": 30},
        {"name": "k", "scopes": [], "expires_in_days": 30},
        {"name": "k", "scopes": ["solutions:read"], "expires_in_days": 100_000},
        {"name": "", "scopes": ["solutions:read"], "expires_in_days": 30},
        {"name": "k", "scopes": ["solutions:read"], "expires_in_days": "30"},
        "not a dict",
    ]
    for data in bad:
        with session_scope() as db, pytest.raises(ValidationFailed):
            apikeys.do_create_key(db, actor, data)
    with session_scope() as db, pytest.raises(PermissionDenied):
        apikeys.do_create_key(
            db, actor, {"name": "k", "scopes": ["audit:read"], "expires_in_days": 3}
        )


def test_nobody_revokes_someone_else_s_key() -> None:
    owner = make_member()
    make_key(owner.email, ["solutions:read"])
    intruder = actor_for(sign_in(make_member().email))
    with read_scope() as db:
        key_id = db.exec(select(ApiKey.id)).one()
    with session_scope() as db, pytest.raises(Exception) as refused:
        apikeys.do_revoke_key(db, intruder, key_id)
    assert type(refused.value).__name__ == "NotFound"


def test_the_raw_key_is_never_listed() -> None:
    member = make_member()
    raw = make_key(member.email, ["events:read"])
    actor = actor_for(sign_in(member.email))
    with read_scope() as db:
        listed = apikeys.list_my_keys(db, actor)
    assert raw not in listed[0].model_dump_json() and listed[0].prefix in raw


# ---- Rate limits ----


def test_write_limit_per_key_with_headers_and_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(get_settings(), "api_write_limit", "3/minute")
    _email, key = member_with_key(["solutions:write"])
    api = client()
    for i in range(3):
        response = _create(api, key, name=f"Limited {i}")
        assert response.status_code == 201
        assert response.headers["x-ratelimit-limit"] == "3"
        assert response.headers["x-ratelimit-remaining"] == str(2 - i)
        assert 0 <= int(response.headers["x-ratelimit-reset"]) <= 60
    refused = _create(api, key, name="Limited 4")
    assert refused.status_code == 429
    assert refused.headers["content-type"] == PROBLEM
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.headers["x-ratelimit-remaining"] == "0"
    # Another user's key has its own window.
    _other, other_key = member_with_key(["solutions:write"])
    assert _create(api, other_key, name="Other user").status_code == 201


def test_a_user_s_keys_share_the_per_user_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(get_settings(), "api_user_limit", "2/minute")
    email, key_one = member_with_key(["solutions:write"])
    key_two = make_key(email, ["solutions:write"], name="second")
    api = client()
    assert _create(api, key_one, name="One A").status_code == 201
    assert _create(api, key_two, name="Two A").status_code == 201
    assert _create(api, key_two, name="Two B").status_code == 429


def test_anonymous_reads_are_limited_per_ip(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(get_settings(), "api_anonymous_limit", "2/minute")
    api = client()
    first = api.get("/api/v1/categories")
    assert first.status_code == 200 and first.headers["x-ratelimit-limit"] == "2"
    assert api.get("/api/v1/categories").status_code == 200
    refused = api.get("/api/v1/categories")
    assert refused.status_code == 429 and "retry-after" in refused.headers


def test_limits_are_exact_under_concurrent_requests_across_workers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two app instances (Redis-backed when configured: one shared, atomic window)."""
    from concurrent.futures import ThreadPoolExecutor

    monkeypatch.setattr(get_settings(), "api_read_limit", "10/minute")
    _email, key = member_with_key(["webhooks:read"])
    workers = [client(), client()]

    def call(i: int) -> int:
        return workers[i % 2].get("/api/v1/webhooks", headers=bearer(key)).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(call, range(30)))
    assert codes.count(200) == 10 and codes.count(429) == 20, codes
