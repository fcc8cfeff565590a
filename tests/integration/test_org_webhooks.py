"""Membership events reach the organization's endpoints (and nobody's personal ones),
delivered signed to a real local receiver: joins by invitation and by SSO, leaving, roles."""

from __future__ import annotations

import json

import pytest
from sqlmodel import col, select

from aixplore.core.db import read_scope, session_scope
from aixplore.core.errors import ValidationFailed
from aixplore.domain.orgs import services as orgs
from aixplore.domain.orgs import sso
from aixplore.domain.orgs.sso_models import SsoConnection
from aixplore.domain.webhooks import services as webhooks
from aixplore.domain.webhooks.models import WebhookDelivery
from aixplore.jobs.webhooks import attempt
from tests.factories import actor_for, join_org, make_member, make_org, sign_in
from tests.integration.test_webhooks import Receiver, verify
from tests.integration.test_webhooks import receiver as receiver  # the fixture
from tests.unit.domain.orgs.test_domains import _verified_org_with_oidc
from tests.unit.domain.orgs.test_domains import dns as dns  # the fixture

MEMBER_EVENTS = ["member.joined", "member.left", "member.role_changed"]


def _endpoint(email: str, url: str, org_id: int | None) -> tuple[int, str]:
    actor = actor_for(sign_in(email))
    with session_scope() as db:
        endpoint, secret = webhooks.do_create_endpoint(
            db, actor, {"url": url, "event_types": MEMBER_EVENTS}, org_id=org_id
        )
    return endpoint.id, secret


def _queued(endpoint_id: int) -> list[tuple[int, str, dict]]:
    with read_scope() as db:
        rows = db.exec(
            select(WebhookDelivery)
            .where(WebhookDelivery.endpoint_id == endpoint_id)
            .order_by(col(WebhookDelivery.id))
        ).all()
        return [(d.id or 0, d.event_type, json.loads(d.payload)["data"]) for d in rows]


def test_member_joined_is_delivered_signed_to_the_orgs_endpoint(receiver: Receiver) -> None:
    owner, newbie, other_owner = make_member(), make_member(), make_member()
    org_id = make_org(owner.email)
    other_org = make_org(other_owner.email, slug="other")
    hook, secret = _endpoint(owner.email, receiver.url, org_id)
    personal, _s = _endpoint(owner.email, receiver.url, None)
    elsewhere, _s = _endpoint(make_member().email, receiver.url, None)
    join_org(org_id, owner.email, newbie.email, "member")
    ((delivery_id, event, data),) = _queued(hook)
    assert event == "member.joined"
    assert data == {
        "org_id": org_id,
        "user_id": newbie.id,
        "email": newbie.email,
        "role": "member",
        "source": "invite",
    }
    assert _queued(personal) == [] and _queued(elsewhere) == []
    assert attempt(delivery_id) == "delivered"
    _path, headers, body = receiver.requests[0]
    assert headers["X-AiXplore-Event"] == "member.joined"
    assert verify(secret, headers["X-AiXplore-Signature"], body)

    owner_actor = actor_for(sign_in(owner.email))
    with session_scope() as db:
        orgs.do_change_role(db, owner_actor, org_id, newbie.id, "admin")
    with session_scope() as db:
        orgs.do_remove_member(db, owner_actor, org_id, newbie.id)
    events = [(e, d) for _i, e, d in _queued(hook)[1:]]
    assert events == [
        (
            "member.role_changed",
            {"org_id": org_id, "user_id": newbie.id, "role": "admin", "previous_role": "member"},
        ),
        ("member.left", {"org_id": org_id, "user_id": newbie.id, "reason": "removed"}),
    ]
    # Joining another organization says nothing to this one.
    join_org(other_org, other_owner.email, newbie.email)
    assert len(_queued(hook)) == 3


def test_a_just_in_time_sso_join_is_sent_to_the_orgs_endpoint(receiver: Receiver, dns) -> None:
    org, _owner_actor = _verified_org_with_oidc(dns, enforce=False)
    hook, _secret = _endpoint("owner@acme.com", receiver.url, org.id)
    with session_scope() as db:
        conn = db.exec(select(SsoConnection)).one()
        sso.complete_sign_in(db, conn, email="new.hire@acme.com", name="New Hire", groups=[])
    ((delivery_id, event, data),) = _queued(hook)
    assert event == "member.joined"
    assert data["email"] == "new.hire@acme.com" and data["source"] == "sso"
    assert attempt(delivery_id) == "delivered"


def test_org_endpoints_take_only_the_orgs_event_types() -> None:
    owner = make_member()
    org_id = make_org(owner.email)
    actor = actor_for(sign_in(owner.email))
    data = {"url": "https://hooks.example.com/in", "event_types": ["solution.published"]}
    with session_scope() as db, pytest.raises(ValidationFailed, match="cannot receive"):
        webhooks.do_create_endpoint(db, actor, data, org_id=org_id)
    with session_scope() as db:
        endpoint, _s = webhooks.do_create_endpoint(
            db, actor, {**data, "event_types": ["ping"]}, org_id=org_id
        )
    with session_scope() as db, pytest.raises(ValidationFailed, match="cannot receive"):
        webhooks.do_update_endpoint(db, actor, endpoint.id, data, org_id=org_id)


def test_erasing_the_admin_who_registered_an_org_endpoint_hands_it_to_the_owner() -> None:
    from aixplore.domain.gdpr.erasure import erase_user
    from aixplore.domain.webhooks.models import WebhookEndpoint

    owner, admin = make_member(), make_member()
    org_id = make_org(owner.email)
    join_org(org_id, owner.email, admin.email, "admin")
    hook, _secret = _endpoint(admin.email, "https://hooks.example.com/org", org_id)
    mine, _secret = _endpoint(admin.email, "https://hooks.example.com/me", None)
    with session_scope() as db:
        erase_user(db, admin.id, keep_reviews=False)
    with read_scope() as db:
        kept = db.get(WebhookEndpoint, hook)
        assert kept is not None and kept.user_id == owner.id and kept.org_id == org_id
        assert db.get(WebhookEndpoint, mine) is None
