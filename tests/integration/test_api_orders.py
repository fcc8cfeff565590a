"""API v1 orders: only the key owner's own orders, by cursor, with history, masks and ETags."""

from __future__ import annotations

from aixplore.core.crypto import encrypt
from aixplore.core.db import session_scope
from aixplore.domain.orders import services as orders
from aixplore.domain.orders.models import Order
from tests.api_support import bearer, client, make_key, member_with_key
from tests.factories import actor_for, join_org, make_member, make_org, sign_in


def _drafts(email: str, n: int) -> list[int]:
    actor = actor_for(sign_in(email))
    with session_scope() as db:
        return [orders.do_create_draft(db, actor).id or 0 for _ in range(n)]


def test_the_owner_pages_through_their_own_orders_newest_first() -> None:
    email, key = member_with_key(["orders:read"])
    mine = _drafts(email, 3)
    _drafts(make_member().email, 2)
    api = client()
    first = api.get("/api/v1/orders", params={"limit": 2}, headers=bearer(key))
    assert first.status_code == 200
    body = first.json()
    assert [o["id"] for o in body["items"]] == mine[::-1][:2]
    rest = api.get(
        "/api/v1/orders", params={"limit": 2, "cursor": body["next_cursor"]}, headers=bearer(key)
    ).json()
    assert [o["id"] for o in rest["items"]] == [mine[0]] and rest["next_cursor"] is None


def test_one_order_has_its_history_masks_secrets_and_answers_304_when_unchanged() -> None:
    email, key = member_with_key(["orders:read"])
    (order_id,) = _drafts(email, 1)
    with session_scope() as db:
        order = db.get(Order, order_id)
        assert order is not None
        order.env_vars = [
            {"name": "API_TOKEN", "secret": True, "value_encrypted": encrypt("s3cret-value")},
            {"name": "MODE", "secret": False, "value": "demo"},
        ]
        db.add(order)
    api = client()
    answer = api.get(f"/api/v1/orders/{order_id}", headers=bearer(key))
    assert answer.status_code == 200, answer.text
    detail = answer.json()
    assert detail["status"] == "draft" and detail["history"] == []
    assert detail["env_vars"] == [
        {"name": "API_TOKEN", "secret": True, "value": orders.SECRET_MASK},
        {"name": "MODE", "secret": False, "value": "demo"},
    ]
    assert "s3cret-value" not in answer.text and "value_encrypted" not in answer.text
    again = api.get(
        f"/api/v1/orders/{order_id}",
        headers={**bearer(key), "If-None-Match": answer.headers["ETag"]},
    )
    assert again.status_code == 304


def test_other_peoples_orders_scopes_org_keys_and_bad_cursors_are_refused() -> None:
    email, key = member_with_key(["orders:read"])
    (theirs,) = _drafts(make_member().email, 1)
    api = client()
    missing = api.get(f"/api/v1/orders/{theirs}", headers=bearer(key))
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    no_scope = make_key(email, ["solutions:read"])
    assert api.get("/api/v1/orders", headers=bearer(no_scope)).status_code == 403
    assert api.get("/api/v1/orders").status_code == 401
    bad = api.get("/api/v1/orders", params={"cursor": "not-a-cursor"}, headers=bearer(key))
    assert bad.status_code == 400
    # An organization's key never reads its creator's personal orders.
    owner = make_member()
    org_id = make_org(owner.email)
    join_org(org_id, owner.email, email, "admin")
    _drafts(owner.email, 1)
    from tests.integration.test_org_api_keys import _org_key

    org_key = _org_key(owner.email, org_id, ["solutions:read"])
    assert api.get("/api/v1/orders", headers=bearer(org_key)).status_code == 403
