"""Single sign-on's handlers fired by name over the socket, the way a forged client would:
an admin of one org gets nothing of another, an org that enforces SSO refuses a session
opened through another org's IdP, and changing SSO asks an admin for their password.

The browser flows against the real test IdPs are in ``test_sso.py``."""

from __future__ import annotations

import pytest

from aixplore.core.db import session_scope
from aixplore.domain.orgs import services as orgs
from tests.e2e.helpers import org_with_domain
from tests.factories import actor_for, make_member, sign_in

pytestmark = pytest.mark.e2e


def test_admin_of_org_a_acting_on_org_b_over_the_socket_is_refused(app_url: str) -> None:
    """Handlers fired by name with forged route parameters (the org id comes from the URL the
    client claims to be on): an admin of A gets nothing of B, and B is unchanged."""
    from aixplore.domain.apikeys import org_keys
    from aixplore.domain.orgs import invitations
    from aixplore.domain.webhooks import services as webhooks
    from aixplore.web.admin.audit import AuditState
    from aixplore.web.apikeys.state import ApiKeysState
    from aixplore.web.orgs.sso_state import SsoAdminState
    from aixplore.web.orgs.state import OrgState
    from aixplore.web.webhooks.state import WebhooksState
    from tests.e2e.helpers import run_async
    from tests.support.reflex_client import ReflexClient

    a_owner = make_member(email="a-owner@example.com")
    b_owner = make_member(email="b-owner@example.com")
    a_actor, b_actor = actor_for(sign_in(a_owner.email)), actor_for(sign_in(b_owner.email))
    with session_scope() as db:
        orgs.do_create_org(db, a_actor, {"name": "Org A", "slug": "org-a"})
        b = orgs.do_create_org(db, b_actor, {"name": "Org B", "slug": "org-b"})
    with session_scope() as db:
        b_key, _raw = org_keys.do_create_org_key(
            db, b_actor, b.id, {"name": "B", "scopes": ["solutions:read"], "expires_in_days": 7}
        )
        b_hook, _secret = webhooks.do_create_endpoint(
            db,
            b_actor,
            {"url": "https://hooks.example.com/b", "event_types": ["ping"]},
            org_id=b.id,
        )
    token = sign_in(a_owner.email)

    org_results: list = []

    async def attack() -> list:
        async with ReflexClient(app_url, cookies={"aixplore_session": token}) as tab:
            loaded = await tab.hydrate(f"/orgs/{b.id}", params={"org_id": str(b.id)})
            results = [
                loaded,
                await tab.call(
                    OrgState.invite, form_data={"email": "spy@example.com", "role": "admin"}
                ),
                await tab.call(OrgState.remove, user_id=b_owner.id),
                await tab.call(
                    OrgState.save_settings, form_data={"name": "Pwned", "enforce_sso": "on"}
                ),
                await tab.call(OrgState.end_sessions, user_id=b_owner.id),
            ]
            sso_tab = await tab.navigate(f"/orgs/{b.id}/sso", params={"org_id": str(b.id)})
            results.append(sso_tab)
            results.append(
                await tab.call(
                    SsoAdminState.save_oidc,
                    form_data={
                        "discovery_url": "https://evil.example/.well-known/openid-configuration",
                        "client_id": "x",
                    },
                )
            )
            # The org's API keys and webhooks pages, and a personal page claiming B's id.
            forged = {"org_id": str(b.id)}
            org_results.append(await tab.navigate(f"/orgs/{b.id}/keys", params=forged))
            key_form = {"name": "spy", "scope_solutions": "read", "expires_in_days": "30"}
            org_results.append(await tab.call(ApiKeysState.create, form_data=key_form))
            org_results.append(await tab.call(ApiKeysState.revoke, key_id=b_key.id))
            org_results.append(
                await tab.call(
                    ApiKeysState.save_policy,
                    form_data={"max_days": "1", "allow_solutions": "admin"},
                )
            )
            org_results.append(await tab.navigate(f"/orgs/{b.id}/webhooks", params=forged))
            hook_form = {"url": "https://evil.example/x", "event_ping": "on"}
            org_results.append(await tab.call(WebhooksState.create, form_data=hook_form))
            org_results.append(await tab.call(WebhooksState.rotate, endpoint_id=b_hook.id))
            org_results.append(await tab.call(WebhooksState.delete, endpoint_id=b_hook.id))
            await tab.navigate("/settings/api-keys", params=forged)
            org_results.append(await tab.call(ApiKeysState.revoke, key_id=b_key.id))
            assert tab.state(ApiKeysState).get("keys", []) == []
            assert tab.state(WebhooksState).get("endpoints", []) == []
            audit_tab = await tab.navigate(f"/orgs/{b.id}/audit", params={"org_id": str(b.id)})
            assert ("error", "No such organization.") in audit_tab.toasts, audit_tab.updates
            assert tab.state(AuditState).get("entries", []) == []
            assert tab.state(OrgState).get("members", []) == []
            return results

    results = run_async(attack())
    for result in results[1:5]:
        assert ("error", "No such organization.") in result.toasts, result.updates
    assert "No such organization" in str(results[-1].changed(SsoAdminState).get("oidc_error", ""))
    assert len(org_results) == 9
    for result in org_results:
        assert ("error", "No such organization.") in result.toasts, result.updates
    with session_scope() as db:
        (key,) = org_keys.list_org_keys(db, b_actor, b.id)
        assert not key.revoked
        assert org_keys.get_key_policy(db, b_actor, b.id).own_max_days == 0
        (hook,) = webhooks.list_endpoints(db, b_actor, org_id=b.id)
        assert hook.id == b_hook.id and not hook.rotating
    with session_scope() as db:
        assert orgs.get_org(db, b_actor, b.id).name == "Org B"
        assert not orgs.get_org(db, b_actor, b.id).enforce_sso
        assert invitations.list_invitations(db, b_actor, b.id) == []
        assert [m.email for m in orgs.list_members(db, b_actor, b.id)] == [b_owner.email]


def test_enforced_org_refuses_a_session_through_another_orgs_idp_over_the_socket(
    app_url: str,
) -> None:
    """A member of Vault (which enforces SSO) signed in through Acme's IdP fires Vault's
    handlers by name: every one is refused with the reason, and Vault is unchanged."""
    from aixplore.domain.apikeys import services as apikeys
    from aixplore.domain.orgs import invitations, oidc, sso
    from aixplore.domain.orgs.models import Organization
    from aixplore.domain.orgs.sso_models import SsoConnection
    from aixplore.web.apikeys.state import ApiKeysState
    from aixplore.web.orgs.state import OrgState
    from tests.e2e.helpers import run_async
    from tests.factories import outbox_link
    from tests.support.reflex_client import ReflexClient

    acme_id, acme_owner = org_with_domain()
    vault_owner = make_member(email="owner@vault-corp.com")
    vault_actor = actor_for(sign_in(vault_owner.email))
    worker = make_member(email="worker@acme.com")
    with session_scope() as db:
        vault = orgs.do_create_org(db, vault_actor, {"name": "Vault", "slug": "vault"})
        invitations.do_invite(db, vault_actor, vault.id, {"email": worker.email, "role": "admin"})
    with session_scope() as db:
        link = outbox_link(db, worker.email, "/orgs/invitation")
    worker_actor = actor_for(sign_in(worker.email))
    with session_scope() as db:
        invitations.do_accept_invitation(db, worker_actor, link)
    with session_scope() as db:
        # A personal key made in a password session, before Vault enforces SSO.
        apikeys.do_create_key(
            db, worker_actor, {"name": "laptop", "scopes": ["orders:read"], "expires_in_days": 30}
        )
    with session_scope() as db:
        db.get_one(Organization, vault.id).enforce_sso = True
    with session_scope() as db:
        conn = oidc.do_configure(
            db,
            actor_for(sign_in(acme_owner)),
            acme_id,
            {"discovery_url": "https://idp.acme.example/.well-known/x", "client_id": "c"},
        )
    with session_scope() as db:
        through_acme = sso.complete_sign_in(
            db, db.get_one(SsoConnection, conn.id), email=worker.email, name="W", groups=[]
        )
    assert through_acme is not None

    async def attack() -> list:
        async with ReflexClient(app_url, cookies={"aixplore_session": through_acme}) as tab:
            forged = {"org_id": str(vault.id)}
            await tab.hydrate("/")
            return [
                await tab.navigate(f"/orgs/{vault.id}", params=forged),
                await tab.call(OrgState.invite, form_data={"email": "spy@example.com"}),
                await tab.call(OrgState.save_settings, form_data={"name": "Pwned"}),
                await tab.call(OrgState.end_sessions, user_id=vault_owner.id),
            ]

    async def key_list() -> list:
        async with ReflexClient(app_url, cookies={"aixplore_session": through_acme}) as tab:
            await tab.hydrate("/settings/api-keys")
            return tab.state(ApiKeysState).get("keys", [])

    (key,) = run_async(key_list())
    assert key["state"] == "suspended" and "Vault requires single sign-on" in key["blocked"]
    results = run_async(attack())
    message = "Vault requires single sign-on: sign in through Vault to open it."
    for result in results:
        assert ("error", message) in result.toasts, result.updates
    with session_scope() as db:
        assert orgs.get_org(db, vault_actor, vault.id).name == "Vault"
        assert invitations.list_invitations(db, vault_actor, vault.id) == []


def test_an_admin_changing_sso_over_the_socket_must_confirm_the_password(app_url: str) -> None:
    """A non-owner admin fires the SSO and domain handlers without confirming: refused; a
    wrong password does not count; the owner's settings are unchanged."""
    from aixplore.domain.orgs import invitations, sso
    from aixplore.domain.orgs.sso_models import SsoProtocol
    from aixplore.web.orgs.sso_state import SsoAdminState
    from aixplore.web.orgs.state import OrgState
    from tests.e2e.helpers import run_async
    from tests.factories import outbox_link
    from tests.support.reflex_client import ReflexClient

    org_id, owner = org_with_domain()
    admin = make_member(email="admin@example.com")
    with session_scope() as db:
        invitations.do_invite(
            db, actor_for(sign_in(owner)), org_id, {"email": admin.email, "role": "admin"}
        )
    with session_scope() as db:
        link = outbox_link(db, admin.email, "/orgs/invitation")
    with session_scope() as db:
        invitations.do_accept_invitation(db, actor_for(sign_in(admin.email)), link)
    token = sign_in(admin.email)
    evil = {"discovery_url": "https://idp.evil.example/.well-known/x", "client_id": "x"}

    async def attempt() -> list:
        async with ReflexClient(app_url, cookies={"aixplore_session": token}) as tab:
            params = {"org_id": str(org_id)}
            await tab.hydrate(f"/orgs/{org_id}/sso", params=params)
            assert tab.state(SsoAdminState)["needs_reauth"] is True
            saved = await tab.call(SsoAdminState.save_oidc, form_data=evil)
            wrong = await tab.call(SsoAdminState.reauthenticate, form_data={"password": "nope"})
            saved_again = await tab.call(SsoAdminState.save_oidc, form_data=evil)
            await tab.navigate(f"/orgs/{org_id}", params=params)
            claimed = await tab.call(OrgState.claim, form_data={"domain": "evil.example"})
            return [saved, wrong, saved_again, claimed]

    saved, wrong, saved_again, claimed = run_async(attempt())
    for result in (saved, saved_again):
        assert "Confirm your password" in str(result.changed(SsoAdminState).get("oidc_error"))
    assert "incorrect" in str(wrong.changed(SsoAdminState).get("reauth_error"))
    assert any("Confirm your password" in t.message for t in claimed.toasts), claimed.updates
    with session_scope() as db:
        _org, conn = sso.admin_connection(db, actor_for(sign_in(owner)), org_id, SsoProtocol.OIDC)
        assert conn.discovery_url == ""
