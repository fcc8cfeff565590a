"""API v1 writes: solutions, reviews, events, idempotency keys, bad input, cursors, audit, docs."""

from __future__ import annotations

import json
import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import func
from sqlmodel import select

from aixplore.core.db import read_scope
from aixplore.domain.solutions.models import Solution
from tests.api_support import SOLUTION, bearer, client, make_key, member_with_key
from tests.factories import make_admin, make_member

PROBLEM = "application/problem+json"
DAY = (date.today() + timedelta(days=10)).isoformat()


def _solutions() -> int:
    with read_scope() as db:
        return int(db.exec(select(func.count()).select_from(Solution)).one())


def test_publish_a_listing_then_read_it_publicly() -> None:
    _email, key = member_with_key(["solutions:write"])
    api = client()
    slug = api.post("/api/v1/solutions", json=SOLUTION, headers=bearer(key)).json()["slug"]
    changed = {**SOLUTION, "tagline": "Reads every invoice for you"}
    put = api.put(f"/api/v1/solutions/{slug}", json=changed, headers=bearer(key))
    assert put.status_code == 200 and put.json()["tagline"] == changed["tagline"]
    assert put.headers["etag"].startswith('W/"')
    published = api.post(
        f"/api/v1/solutions/{slug}/status", json={"status": "published"}, headers=bearer(key)
    )
    assert published.status_code == 200 and published.json()["status"] == "published"
    assert api.get(f"/api/v1/solutions/{slug}").json()["tagline"] == changed["tagline"]
    archived = api.delete(f"/api/v1/solutions/{slug}", headers=bearer(key))
    assert archived.status_code == 204
    assert api.get(f"/api/v1/solutions/{slug}").status_code == 404


def test_reviews_are_written_and_deleted_by_their_author() -> None:
    _owner, owner_key = member_with_key(["solutions:write"])
    api = client()
    slug = api.post("/api/v1/solutions", json=SOLUTION, headers=bearer(owner_key)).json()["slug"]
    api.post(
        f"/api/v1/solutions/{slug}/status", json={"status": "published"}, headers=bearer(owner_key)
    )
    _reviewer, key = member_with_key(["reviews:write"])
    review = {"rating": 4, "title": "Works well", "body": "Parsed all my invoices correctly."}
    made = api.post(f"/api/v1/solutions/{slug}/reviews", json=review, headers=bearer(key))
    assert made.status_code == 201, made.text
    review_id = made.json()["id"]
    own = api.post(f"/api/v1/solutions/{slug}/reviews", json=review, headers=bearer(owner_key))
    assert own.status_code == 403  # the owner's key lacks reviews:write
    _stranger, stranger_key = member_with_key(["reviews:write"])
    assert api.delete(f"/api/v1/reviews/{review_id}", headers=bearer(stranger_key)).status_code in {
        403,
        404,
    }
    assert api.delete(f"/api/v1/reviews/{review_id}", headers=bearer(key)).status_code == 204


@pytest.mark.parametrize(
    ("body", "status", "reason"),
    [
        (b"{not json", 400, "not valid JSON"),
        (b"[1, 2]", 400, "JSON object"),
        (b'"text"', 400, "JSON object"),
        (json.dumps({**SOLUTION, "owner_id": 1}).encode(), 422, "unexpected field"),
        (json.dumps({**SOLUTION, "name": 42}).encode(), 422, ""),
        (json.dumps({**SOLUTION, "category": "no-such-category"}).encode(), 422, ""),
        (b'{"name": "' + b"x" * 300_000 + b'"}', 413, "256 KiB"),
    ],
)
def test_bad_bodies_get_problem_details_never_500(body: bytes, status: int, reason: str) -> None:
    _email, key = member_with_key(["solutions:write"])
    response = client().post(
        "/api/v1/solutions",
        content=body,
        headers={**bearer(key), "Content-Type": "application/json"},
    )
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    assert reason in response.json()["detail"]
    assert _solutions() == 0


def test_status_endpoint_refuses_unknown_fields_and_values() -> None:
    _email, key = member_with_key(["solutions:write"])
    api = client()
    slug = api.post("/api/v1/solutions", json=SOLUTION, headers=bearer(key)).json()["slug"]
    for body in ({"status": "gone"}, {"status": "draft", "x": 1}, {}):
        response = api.post(f"/api/v1/solutions/{slug}/status", json=body, headers=bearer(key))
        assert response.status_code == 422, body


# ---- Idempotency keys ----


def test_the_same_idempotency_key_replays_the_first_answer() -> None:
    _email, key = member_with_key(["solutions:write"])
    api = client()
    headers = {**bearer(key), "Idempotency-Key": "create-invoice-parser"}
    first = api.post("/api/v1/solutions", json=SOLUTION, headers=headers)
    again = api.post("/api/v1/solutions", json=SOLUTION, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert _solutions() == 1
    different = api.post("/api/v1/solutions", json={**SOLUTION, "name": "Other"}, headers=headers)
    assert different.status_code == 422 and "different request" in different.json()["detail"]
    assert _solutions() == 1


def test_keys_belong_to_their_user() -> None:
    _a, key_a = member_with_key(["solutions:write"])
    _b, key_b = member_with_key(["solutions:write"])
    api = client()
    for key in (key_a, key_b):
        response = api.post(
            "/api/v1/solutions",
            json={**SOLUTION, "name": f"Parser {key[-4:]}"},
            headers={**bearer(key), "Idempotency-Key": "shared-key"},
        )
        assert response.status_code == 201
    assert _solutions() == 2


def test_a_failed_write_is_not_stored_and_can_be_retried() -> None:
    _email, key = member_with_key(["solutions:write"])
    api = client()
    headers = {**bearer(key), "Idempotency-Key": "retry-me"}
    bad = {**SOLUTION, "category": "no-such-category"}
    assert api.post("/api/v1/solutions", json=bad, headers=headers).status_code == 422
    assert api.post("/api/v1/solutions", json=bad, headers=headers).status_code == 422
    assert _solutions() == 0


def test_two_identical_racing_requests_act_once() -> None:
    _email, key = member_with_key(["solutions:write"])
    headers = {**bearer(key), "Idempotency-Key": "race"}
    barrier = threading.Barrier(4)
    answers: list[tuple[int, str]] = []

    def send() -> None:
        api = client()
        barrier.wait()
        response = api.post("/api/v1/solutions", json=SOLUTION, headers=headers)
        answers.append((response.status_code, response.text))

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert _solutions() == 1
    assert {status for status, _ in answers} == {201}, answers
    assert len({text for _, text in answers}) == 1


def test_an_invalid_idempotency_key_is_refused() -> None:
    _email, key = member_with_key(["solutions:write"])
    response = client().post(
        "/api/v1/solutions", json=SOLUTION, headers={**bearer(key), "Idempotency-Key": "x" * 300}
    )
    assert response.status_code == 422 and response.json()["field"] == "Idempotency-Key"


# ---- Events and cursors ----


def _event(title: str, hour: int) -> dict[str, object]:
    return {
        "title": title,
        "description": "Talks and demos.",
        "starts_at": f"{DAY}T{hour:02d}:00",
        "ends_at": f"{DAY}T{hour:02d}:45",
        "timezone": "Europe/Berlin",
        "online_url": "https://meet.example.com/x",
        "location": "",
        "capacity": 5,
    }


def test_events_are_organized_listed_by_cursor_and_cancelled() -> None:
    _email, key = member_with_key(["events:write"])
    api = client()
    ids = []
    for i, hour in enumerate((18, 10, 14)):
        made = api.post("/api/v1/events", json=_event(f"Meetup {i}", hour), headers=bearer(key))
        assert made.status_code == 201, made.text
        ids.append(made.json()["id"])
    first = api.get("/api/v1/events", params={"limit": 2}).json()
    assert [e["title"] for e in first["items"]] == ["Meetup 1", "Meetup 2"]
    second = api.get("/api/v1/events", params={"limit": 2, "cursor": first["next_cursor"]}).json()
    assert [e["title"] for e in second["items"]] == ["Meetup 0"] and second["next_cursor"] is None
    _guest, guest_key = member_with_key(["events:write"])
    going = api.post(f"/api/v1/events/{ids[0]}/rsvp", headers=bearer(guest_key))
    assert going.status_code == 200 and going.json()["my_status"] == "going"
    assert api.delete(f"/api/v1/events/{ids[0]}", headers=bearer(guest_key)).status_code == 403
    cancelled = api.delete(f"/api/v1/events/{ids[0]}", headers=bearer(key))
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"


@pytest.mark.parametrize("cursor", ["garbage", "eyJ4IjoxfQ", "e30", "!!!!", "a" * 600])
def test_invalid_cursors_get_400(cursor: str) -> None:
    response = client().get("/api/v1/events", params={"cursor": cursor})
    assert response.status_code == 400 and response.headers["content-type"] == PROBLEM


# ---- Audit over the API ----


def test_platform_admins_read_export_and_verify_the_audit_log() -> None:
    admin = make_admin()
    key = make_key(admin.email, ["audit:read"])
    api = client()
    page = api.get("/api/v1/audit", params={"limit": 1}, headers=bearer(key))
    assert page.status_code == 200
    assert page.json()["items"][0]["action"] == "api_key.created"
    older = api.get(
        "/api/v1/audit", params={"cursor": page.json()["next_cursor"]}, headers=bearer(key)
    )
    assert [e["action"] for e in older.json()["items"]] == ["auth.sign_in"]
    export = api.get("/api/v1/audit/export", params={"format": "csv"}, headers=bearer(key))
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    assert "api_key.created" in export.text
    verdict = api.post("/api/v1/audit/verify", headers=bearer(key))
    assert verdict.status_code == 200 and verdict.json()["ok"] is True


def test_a_demoted_admin_s_audit_key_is_refused() -> None:
    from aixplore.core.db import session_scope
    from aixplore.domain.accounts import admin as account_admin
    from tests.factories import actor_for, sign_in

    admin = make_admin()
    key = make_key(admin.email, ["audit:read"])
    other_admin = actor_for(sign_in(make_admin().email))
    with session_scope() as db:
        account_admin.do_change_role(db, other_admin, admin.id, "member")
    response = client().get("/api/v1/audit", headers=bearer(key))
    assert response.status_code == 403


# ---- Documents ----


def test_openapi_lists_the_writes_and_the_docs_page_is_self_contained() -> None:
    api = client()
    doc = api.get("/api/openapi.json").json()
    assert {"post", "get"} <= set(doc["paths"]["/api/v1/events"])
    create = doc["paths"]["/api/v1/solutions"]["post"]
    assert "name" in create["requestBody"]["content"]["application/json"]["schema"]["properties"]
    assert any(p["name"] == "Idempotency-Key" for p in create["parameters"])
    assert "$defs" not in json.dumps(doc)
    page = api.get("/api/docs")
    assert page.status_code == 200 and "<title>AiXplore API v1</title>" in page.text
    assert 'src="http' not in page.text and 'href="http' not in page.text


def test_member_cannot_get_more_than_their_own_rights_through_a_key() -> None:
    member = make_member()
    key = make_key(member.email, ["solutions:admin", "events:admin"])
    response = client().get("/api/v1/audit", headers=bearer(key))
    assert response.status_code == 403 and "audit:read" in response.json()["detail"]


def test_idempotency_records_expire_after_24_hours() -> None:
    from sqlalchemy import update

    from aixplore.core.db import session_scope
    from aixplore.core.time import utcnow
    from aixplore.domain.idempotency.models import IdempotencyRecord
    from aixplore.jobs.api import purge_idempotency_records

    _email, key = member_with_key(["solutions:write"])
    api = client()
    headers = {**bearer(key), "Idempotency-Key": "old"}
    assert api.post("/api/v1/solutions", json=SOLUTION, headers=headers).status_code == 201
    with session_scope() as db:
        db.execute(update(IdempotencyRecord).values(created_at=utcnow() - timedelta(hours=25)))
    # An expired key no longer replays: the request runs again (a second listing).
    again = api.post("/api/v1/solutions", json=SOLUTION, headers=headers)
    assert again.status_code == 201 and "idempotent-replayed" not in again.headers
    assert _solutions() == 2
    with session_scope() as db:
        db.execute(update(IdempotencyRecord).values(created_at=utcnow() - timedelta(hours=25)))
    assert purge_idempotency_records.call_local() == 1
