"""Organization API keys: the org's policy at creation and at every request, the creator's
standing in the org, who may manage them, and what an org key reaches through the API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import col, select

from aixplore.core.db import read_scope, session_scope
from aixplore.core.errors import (
    DomainError,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from aixplore.core.settings import get_settings
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import PlatformRole
from aixplore.domain.apikeys import org_keys
from aixplore.domain.apikeys import services as apikeys
from aixplore.domain.apikeys.models import ApiKey
from aixplore.domain.audit.models import AuditEntry
from aixplore.domain.orgs import services as orgs
from aixplore.domain.webhooks import services as webhooks
from tests.api_support import bearer, client, make_key
from tests.factories import actor_for, join_org, make_admin, make_member, make_org, sign_in

HOOK = {"url": "https://hooks.example.com/in", "event_types": ["member.joined"]}


def _actor(email: str):
    actor = actor_for(sign_in(email))
    assert actor is not None
    return actor


def _org_key(email: str, org_id: int, scopes: list[str], days: int = 30) -> str:
    actor = _actor(email)
    with session_scope() as db:
        _key, raw = org_keys.do_create_org_key(
            db, actor, org_id, {"name": "CI", "scopes": scopes, "expires_in_days": days}
        )
    return raw


def _resolve(raw: str):
    with read_scope() as db:
        return apikeys.resolve_key(db, raw)[0]


def _set_policy(email: str, org_id: int, max_days: int, scopes: list[str]):
    actor = _actor(email)
    with session_scope() as db:
        return org_keys.do_set_key_policy(
            db, actor, org_id, {"max_days": max_days, "allowed_scopes": scopes}
        )


def _actions(org_id: int) -> list[str]:
    with read_scope() as db:
        return list(db.exec(select(AuditEntry.action).where(AuditEntry.org_id == org_id)).all())


def test_the_policy_is_validated_normalized_and_audited_under_the_org() -> None:
    owner = make_member()
    org_id = make_org(owner.email)
    with read_scope() as db:
        default = org_keys.get_key_policy(db, _actor(owner.email), org_id)
    assert default.max_days == get_settings().api_key_max_days and not default.restricted
    assert "solutions:admin" in default.allowed_scopes
    assert not any(s.startswith("audit:") for s in default.allowed_scopes)
    saved = _set_policy(
        owner.email, org_id, 30, ["webhooks:read", "solutions:write", "solutions:read"]
    )
    assert saved.max_days == 30 and saved.allowed_scopes == ["solutions:write", "webhooks:read"]
    assert "org.api_key_policy_changed" in _actions(org_id)
    bad = [
        ({"max_days": 30, "allowed_scopes": ["audit:read"]}, "cannot hold audit:read"),
        ({"max_days": 30, "allowed_scopes": ["solutions:own"]}, "cannot hold"),
        ({"max_days": get_settings().api_key_max_days + 1, "allowed_scopes": []}, "at most"),
        ({"max_days": -1, "allowed_scopes": []}, ""),
        ({"max_days": True, "allowed_scopes": []}, ""),
        ({"max_days": "30", "allowed_scopes": []}, ""),
        ({"max_days": 30, "allowed_scopes": "solutions:read"}, ""),
        ({"max_days": 30}, ""),
        ({"max_days": 30, "allowed_scopes": [], "extra": 1}, "unexpected"),
    ]
    actor = _actor(owner.email)
    for data, message in bad:
        with session_scope() as db, pytest.raises(ValidationFailed, match=message or None):
            org_keys.do_set_key_policy(db, actor, org_id, data)
    with read_scope() as db:
        assert org_keys.get_key_policy(db, _actor(owner.email), org_id).max_days == 30


def test_keys_outside_the_policy_are_refused_at_creation() -> None:
    owner = make_member()
    org_id = make_org(owner.email)
    _set_policy(owner.email, org_id, 30, ["solutions:write", "webhooks:admin"])
    refused = [
        (["solutions:admin"], 7, PermissionDenied, "does not allow solutions:admin"),
        (["reviews:read"], 7, PermissionDenied, "does not allow reviews:read"),
        (["audit:read"], 7, PermissionDenied, "does not allow audit:read"),
        (["solutions:read"], 31, ValidationFailed, "at most 30 days"),
        (["nonsense"], 7, ValidationFailed, "Unknown scope"),
    ]
    for scopes, days, error, message in refused:
        with pytest.raises(error, match=message):
            _org_key(owner.email, org_id, scopes, days)
    raw = _org_key(owner.email, org_id, ["solutions:write", "webhooks:read"], 30)
    actor = _actor(owner.email)
    with read_scope() as db:
        key_owner = db.exec(select(ApiKey.org_id, ApiKey.user_id)).one()
        (listed,) = org_keys.list_org_keys(db, actor, org_id)
        assert apikeys.list_my_keys(db, actor) == []  # not a personal key
    assert tuple(key_owner) == (org_id, owner.id)
    assert listed.org_id == org_id and listed.created_by == owner.id and listed.blocked == ""
    assert listed.created_by_name == owner.display_name
    principal = _resolve(raw)
    assert principal.org_id == org_id and principal.actor.user_id == owner.id
    assert principal.scopes == {"solutions:write", "webhooks:read"}
    # The creator's personal page cannot revoke it; only the org's.
    with session_scope() as db, pytest.raises(NotFound):
        apikeys.do_revoke_key(db, actor, listed.id)
    with session_scope() as db:
        org_keys.do_revoke_org_key(db, actor, org_id, listed.id)
    with pytest.raises(NotAuthenticated, match="revoked"):
        _resolve(raw)
    assert {"api_key.created", "api_key.revoked"} <= set(_actions(org_id))


def test_a_tightened_policy_narrows_then_refuses_existing_keys() -> None:
    owner = make_member()
    org_id = make_org(owner.email)
    raw = _org_key(owner.email, org_id, ["solutions:admin", "webhooks:write"], 90)
    assert _resolve(raw).scopes == {"solutions:admin", "webhooks:write"}
    _set_policy(owner.email, org_id, 0, ["solutions:read", "reviews:admin"])
    assert _resolve(raw).scopes == {"solutions:read"}  # lowered to the ceiling, webhooks gone
    api = client()
    assert api.get("/api/v1/webhooks", headers=bearer(raw)).status_code == 403
    _set_policy(owner.email, org_id, 0, ["reviews:read"])
    with pytest.raises(NotAuthenticated, match="policy no longer allows any"):
        _resolve(raw)
    refused = api.get("/api/v1/webhooks", headers=bearer(raw))
    assert refused.status_code == 401 and "policy" in refused.json()["detail"]
    with read_scope() as db:
        (listed,) = org_keys.list_org_keys(db, _actor(owner.email), org_id)
    assert "policy" in listed.blocked
    # A shorter lifetime applies from the key's creation.
    _set_policy(owner.email, org_id, 30, [])
    assert _resolve(raw).scopes == {"solutions:admin", "webhooks:write"}
    with session_scope() as db:
        db.execute(update(ApiKey).values(created_at=utcnow() - timedelta(days=31)))
    with pytest.raises(NotAuthenticated, match="expired"):
        _resolve(raw)
    with read_scope() as db:
        (listed,) = org_keys.list_org_keys(db, _actor(owner.email), org_id)
    assert listed.expired
    _set_policy(owner.email, org_id, 0, [])
    assert _resolve(raw).org_id == org_id  # 90 days from creation, by the platform default


def test_a_key_stops_when_its_creator_is_demoted_suspended_or_removed() -> None:
    owner, maker = make_member(), make_admin()  # a platform admin, admin of the org
    org_id = make_org(owner.email)
    join_org(org_id, owner.email, maker.email, "admin")
    raw = _org_key(maker.email, org_id, ["solutions:read"])
    principal = _resolve(raw)
    assert principal.actor.user_id == maker.id
    assert principal.actor.role == PlatformRole.MEMBER  # never the creator's platform powers
    owner_actor = _actor(owner.email)
    steps = [
        lambda db: orgs.do_change_role(db, owner_actor, org_id, maker.id, "member"),
        lambda db: orgs.do_change_role(db, owner_actor, org_id, maker.id, "admin"),
        lambda db: orgs.do_suspend_member(db, owner_actor, org_id, maker.id, True),
        lambda db: orgs.do_suspend_member(db, owner_actor, org_id, maker.id, False),
        lambda db: orgs.do_remove_member(db, owner_actor, org_id, maker.id),
    ]
    for number, step in enumerate(steps):
        with session_scope() as db:
            step(db)
        if number % 2 == 0:
            with pytest.raises(NotAuthenticated, match="no longer an active admin"):
                _resolve(raw)
        else:
            assert _resolve(raw).org_id == org_id


def _every_service(actor, org_id: int, key_id: int, endpoint_id: int, delivery_id: int) -> list:
    key_form = {"name": "x", "scopes": ["solutions:read"], "expires_in_days": 7}
    return [
        lambda db: org_keys.get_key_policy(db, actor, org_id),
        lambda db: org_keys.do_set_key_policy(
            db, actor, org_id, {"max_days": 1, "allowed_scopes": []}
        ),
        lambda db: org_keys.do_create_org_key(db, actor, org_id, key_form),
        lambda db: org_keys.list_org_keys(db, actor, org_id),
        lambda db: org_keys.do_revoke_org_key(db, actor, org_id, key_id),
        lambda db: webhooks.list_endpoints(db, actor, org_id=org_id),
        lambda db: webhooks.do_create_endpoint(db, actor, HOOK, org_id=org_id),
        lambda db: webhooks.do_update_endpoint(db, actor, endpoint_id, HOOK, org_id=org_id),
        lambda db: webhooks.do_set_enabled(db, actor, endpoint_id, False, org_id=org_id),
        lambda db: webhooks.do_rotate_secret(db, actor, endpoint_id, org_id=org_id),
        lambda db: webhooks.do_send_ping(db, actor, endpoint_id, org_id=org_id),
        lambda db: webhooks.list_deliveries(db, actor, endpoint_id, org_id=org_id),
        lambda db: webhooks.do_replay(db, actor, delivery_id, org_id=org_id),
        lambda db: webhooks.do_delete_endpoint(db, actor, endpoint_id, org_id=org_id),
        # Their own (personal) calls never reach the org's endpoint either.
        lambda db: webhooks.do_delete_endpoint(db, actor, endpoint_id),
        lambda db: webhooks.do_replay(db, actor, delivery_id),
    ]


def test_members_outsiders_and_other_orgs_admins_are_refused_on_every_service() -> None:
    owner, member, outsider, other = make_member(), make_member(), make_member(), make_member()
    org_id = make_org(owner.email)
    other_org = make_org(other.email, slug="other")
    join_org(org_id, owner.email, member.email)
    raw = _org_key(owner.email, org_id, ["solutions:read"])
    owner_actor = _actor(owner.email)
    with session_scope() as db:
        endpoint, _secret = webhooks.do_create_endpoint(db, owner_actor, HOOK, org_id=org_id)
        delivery = webhooks.do_send_ping(db, owner_actor, endpoint.id, org_id=org_id)
    with read_scope() as db:
        key_id = db.exec(select(ApiKey.id)).one()
    assert key_id is not None
    for email in (member.email, outsider.email, other.email):
        actor = _actor(email)
        for call in _every_service(actor, org_id, key_id, endpoint.id, delivery.id):
            with session_scope() as db, pytest.raises((NotFound, PermissionDenied)):
                call(db)
    # The other org's admin cannot reach it through their own org either.
    other_actor = _actor(other.email)
    with session_scope() as db, pytest.raises(NotFound):
        webhooks.do_delete_endpoint(db, other_actor, endpoint.id, org_id=other_org)
    with read_scope() as db:
        listed = webhooks.list_endpoints(db, owner_actor, org_id=org_id)
        assert [(e.id, e.enabled) for e in listed] == [(endpoint.id, True)]
        assert org_keys.get_key_policy(db, owner_actor, org_id).own_max_days == 0
        assert len(org_keys.list_org_keys(db, owner_actor, org_id)) == 1
    assert _resolve(raw).org_id == org_id


def test_platform_admins_list_and_revoke_but_do_not_create_or_set_the_policy() -> None:
    owner, staff = make_member(), make_admin()
    org_id = make_org(owner.email)
    raw = _org_key(owner.email, org_id, ["solutions:read"])
    staff_actor = _actor(staff.email)
    with read_scope() as db:
        (listed,) = org_keys.list_org_keys(db, staff_actor, org_id)
        assert not org_keys.get_key_policy(db, staff_actor, org_id).can_manage
    for call in (
        lambda db: org_keys.do_create_org_key(
            db,
            staff_actor,
            org_id,
            {"name": "x", "scopes": ["solutions:read"], "expires_in_days": 7},
        ),
        lambda db: org_keys.do_set_key_policy(
            db, staff_actor, org_id, {"max_days": 1, "allowed_scopes": []}
        ),
    ):
        with session_scope() as db, pytest.raises(DomainError):
            call(db)
    with session_scope() as db:
        org_keys.do_revoke_org_key(db, staff_actor, org_id, listed.id)
    with pytest.raises(NotAuthenticated, match="revoked"):
        _resolve(raw)
    with read_scope() as db:
        entry = db.exec(
            select(AuditEntry.org_id, AuditEntry.actor_id).where(
                col(AuditEntry.action) == "api_key.revoked"
            )
        ).one()
    assert tuple(entry) == (org_id, staff.id)


def test_an_org_key_reaches_only_its_orgs_endpoints_through_the_api() -> None:
    owner, rival = make_member(), make_member()
    org_id = make_org(owner.email)
    rival_org = make_org(rival.email, slug="rival")
    actor, rival_actor = _actor(owner.email), _actor(rival.email)
    with session_scope() as db:
        personal, _s = webhooks.do_create_endpoint(db, actor, HOOK)
        owned, _s = webhooks.do_create_endpoint(db, actor, HOOK, org_id=org_id)
        foreign, _s = webhooks.do_create_endpoint(db, rival_actor, HOOK, org_id=rival_org)
    org_key = _org_key(owner.email, org_id, ["webhooks:write"])
    personal_key = make_key(owner.email, ["webhooks:write"])
    api = client()

    listed = api.get("/api/v1/webhooks", headers=bearer(org_key)).json()["items"]
    assert [e["id"] for e in listed] == [owned.id]
    made = api.post("/api/v1/webhooks", json=HOOK, headers=bearer(org_key))
    assert made.status_code == 201, made.text
    for other in (personal.id, foreign.id):
        for method, path in (
            ("DELETE", f"/api/v1/webhooks/{other}"),
            ("POST", f"/api/v1/webhooks/{other}/rotate-secret"),
            ("GET", f"/api/v1/webhooks/{other}/deliveries"),
        ):
            assert api.request(method, path, headers=bearer(org_key)).status_code == 404

    mine = api.get("/api/v1/webhooks", headers=bearer(personal_key)).json()["items"]
    assert [e["id"] for e in mine] == [personal.id]
    assert (
        api.delete(f"/api/v1/webhooks/{owned.id}", headers=bearer(personal_key)).status_code == 404
    )
    assert api.delete(f"/api/v1/webhooks/{owned.id}", headers=bearer(org_key)).status_code == 204
    with read_scope() as db:
        org_endpoints = webhooks.list_endpoints(db, actor, org_id=org_id)
        assert [e.id for e in org_endpoints] == [made.json()["endpoint"]["id"]]
        assert len(webhooks.list_endpoints(db, rival_actor, org_id=rival_org)) == 1
    assert {"webhook.created", "webhook.deleted"} <= set(_actions(org_id))
