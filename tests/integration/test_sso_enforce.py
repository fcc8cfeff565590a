"""Enforce SSO admits only sessions (and API keys) opened through the org's own connections.

Vault enforces single sign-on through its own IdP; Acme is another organization with its own.
A member of both used to be signed in through Acme's IdP and then act in Vault with full
member rights; a personal API key made before Vault turned enforcement on kept working.
"""

from __future__ import annotations

import pytest

from aixplore.core.db import session_scope
from aixplore.core.time import utcnow
from aixplore.domain.apikeys import org_keys
from aixplore.domain.apikeys import services as apikeys
from aixplore.domain.orgs import invitations, oidc, sso, sso_links
from aixplore.domain.orgs import services as orgs
from aixplore.domain.orgs.models import Organization, OrgDomain
from aixplore.domain.orgs.sso_models import SsoConnection
from aixplore.domain.orgs.sso_policy import SsoRequired
from tests.api_support import bearer, client
from tests.factories import actor_for, make_member, outbox_link, sign_in

PROBLEM = "application/problem+json"


def _org(slug: str, domain: str):
    owner = make_member(email=f"owner@{slug}-corp.com")
    actor = actor_for(sign_in(owner.email))
    with session_scope() as db:
        org = orgs.do_create_org(db, actor, {"name": slug.title(), "slug": slug})
        db.add(
            OrgDomain(org_id=org.id, domain=domain, verification_token="t", verified_at=utcnow())
        )
    with session_scope() as db:
        conn = oidc.do_configure(
            db,
            actor,
            org.id,
            {
                "discovery_url": f"https://idp.{domain}/.well-known/openid-configuration",
                "client_id": f"aixplore-{slug}",
            },
        )
    return org, actor, conn.id


def _join(org_id: int, owner_actor, email: str, role: str = "member") -> None:
    with session_scope() as db:
        invitations.do_invite(db, owner_actor, org_id, {"email": email, "role": role})
    with session_scope() as db:
        link = outbox_link(db, email, "/orgs/invitation")
    with session_scope() as db:
        invitations.do_accept_invitation(db, actor_for(sign_in(email)), link)


def _enforce(org_id: int) -> None:
    with session_scope() as db:
        db.get(Organization, org_id).enforce_sso = True


def _sso_session(conn_id: int, email: str, subject: str | None = None) -> str:
    with session_scope() as db:
        conn = db.get(SsoConnection, conn_id)
        return sso.complete_sign_in(db, conn, email=email, name="", groups=[], subject=subject)


def _vault_session(conn_id: int, user_id: int, email: str) -> str:
    """A session through Vault's IdP for a worker whose address is not Vault's: they linked
    the identity (the link page's work, done here through the same service)."""
    with session_scope() as db:
        conn = db.get(SsoConnection, conn_id)
        sso_links.save_link(db, conn, user_id, conn.discovery_url, f"sub-{user_id}")
    return _sso_session(conn_id, email, subject=f"sub-{user_id}")


@pytest.fixture
def two_orgs():
    """Vault (enforcing, domain vault.com) and Acme (acme.com); worker@acme.com in both."""
    vault, vault_owner, vault_conn = _org("vault", "vault.com")
    acme, _acme_owner, acme_conn = _org("acme", "acme.com")
    worker = make_member(email="worker@acme.com")
    _join(vault.id, vault_owner, worker.email, role="admin")
    return vault, vault_owner, vault_conn, acme, acme_conn, worker


def test_a_session_through_another_orgs_idp_gets_nothing_in_an_enforcing_org(two_orgs) -> None:
    vault, vault_owner, vault_conn, acme, acme_conn, worker = two_orgs
    _enforce(vault.id)
    through_acme = actor_for(_sso_session(acme_conn, worker.email))
    with session_scope() as db:
        assert orgs.get_org(db, through_acme, acme.id).slug == "acme"
        with pytest.raises(SsoRequired, match="Vault requires single sign-on: sign in through"):
            orgs.get_org(db, through_acme, vault.id)
        with pytest.raises(SsoRequired):
            orgs.list_members(db, through_acme, vault.id)
        with pytest.raises(SsoRequired):
            org_keys.list_org_keys(db, through_acme, vault.id)
    # Through Vault's own connection (the worker linked that identity): admitted.
    through_vault = actor_for(_vault_session(vault_conn, worker.id, worker.email))
    with session_scope() as db:
        assert orgs.get_org(db, through_vault, vault.id).slug == "vault"
        # The owner's password session stays a way in.
        assert orgs.get_org(db, vault_owner, vault.id).slug == "vault"


def test_an_org_key_made_before_enforcement_is_refused_with_the_reason(two_orgs) -> None:
    vault, _vault_owner, _vault_conn, _acme, _acme_conn, worker = two_orgs
    with session_scope() as db:
        _key, raw = org_keys.do_create_org_key(
            db,
            actor_for(sign_in(worker.email)),
            vault.id,
            {"name": "ci", "scopes": ["webhooks:read"], "expires_in_days": 30},
        )
    api = client()
    assert api.get("/api/v1/webhooks", headers=bearer(raw)).status_code == 200
    _enforce(vault.id)
    refused = api.get("/api/v1/webhooks", headers=bearer(raw))
    assert refused.status_code == 403 and refused.headers["content-type"] == PROBLEM
    body = refused.json()
    assert body["code"] == "sso_required" and "Vault requires single sign-on" in body["detail"]
    with session_scope() as db:
        (shown,) = org_keys.list_org_keys(db, _vault_owner, vault.id)
        assert "requires single sign-on" in shown.suspended


def test_personal_keys_not_made_through_the_orgs_sso_are_suspended(two_orgs) -> None:
    vault, vault_owner, vault_conn, _acme, acme_conn, worker = two_orgs
    scopes = {"name": "mine", "scopes": ["orders:read"], "expires_in_days": 30}

    def key_of(actor) -> str:
        with session_scope() as db:
            return apikeys.do_create_key(db, actor, scopes)[1]

    before = key_of(actor_for(sign_in(worker.email)))
    owners = key_of(vault_owner)
    api = client()
    assert api.get("/api/v1/orders", headers=bearer(before)).status_code == 200
    _enforce(vault.id)
    through_acme = key_of(actor_for(_sso_session(acme_conn, worker.email)))
    for raw in (before, through_acme):
        refused = api.get("/api/v1/orders", headers=bearer(raw))
        assert refused.status_code == 403, refused.text
        assert refused.headers["content-type"] == PROBLEM
        assert refused.json()["code"] == "sso_required"
        assert "not created in a session signed in through Vault" in refused.json()["detail"]
    assert api.get("/api/v1/orders", headers=bearer(owners)).status_code == 200
    through_vault = key_of(actor_for(_vault_session(vault_conn, worker.id, worker.email)))
    assert api.get("/api/v1/orders", headers=bearer(through_vault)).status_code == 200
    with session_scope() as db:
        shown = apikeys.list_my_keys(db, actor_for(sign_in(vault_owner.email)))
        assert [k.suspended for k in shown] == [""]
    worker_session = actor_for(_sso_session(acme_conn, worker.email))
    with session_scope() as db:
        listed = apikeys.list_my_keys(db, worker_session)
    assert [bool(k.suspended) for k in listed] == [False, True, True]  # newest first
