"""Single sign-on in Chromium against the real test IdPs: an org admin configures OIDC and
tests the connection, a member signs in through the OP by email first and lands inside the
org; the same for SAML against the pysaml2 IdP; enforce SSO refuses password sign-in."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Page, expect

from aixplore.core.db import session_scope
from aixplore.core.time import utcnow
from aixplore.domain.orgs import services as orgs
from aixplore.domain.orgs.models import OrgDomain
from tests.e2e.helpers import axe_violations, horizontal_overflow, sign_in_through_ui
from tests.factories import actor_for, make_member, sign_in
from tests.support.idp.servers import (
    OIDC_CLIENT_ID,
    OIDC_CLIENT_SECRET,
    oidc_provider,
    saml_idp,
)

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def op(app_url: str):
    with oidc_provider([f"{app_url}/api/sso/oidc/callback"]) as running:
        yield running


@pytest.fixture(scope="module")
def idp(tmp_path_factory):
    with saml_idp(tmp_path_factory.mktemp("e2e-saml-idp")) as running:
        yield running


def _org_with_domain() -> tuple[int, str]:
    owner = make_member(email="owner@acme-corp.com", name="Olga Owner")
    actor = actor_for(sign_in(owner.email))
    with session_scope() as db:
        org = orgs.do_create_org(db, actor, {"name": "Acme", "slug": "acme"})
        db.add(
            OrgDomain(
                org_id=org.id, domain="acme.com", verification_token="t", verified_at=utcnow()
            )
        )
    return org.id, owner.email


def _op_login(page: Page, login: str) -> None:
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("anything")
    page.locator("button[type=submit]").click()
    page.get_by_role("button", name="Continue").click()


def test_oidc_configure_test_and_member_sign_in(
    page: Page, base_url: str, browser, op, shoot
) -> None:
    org_id, owner = _org_with_domain()
    sign_in_through_ui(page, base_url, owner)
    page.goto(f"{base_url}/orgs/{org_id}/sso")
    page.get_by_label("Discovery URL").fill(f"{op.url}/.well-known/openid-configuration")
    page.get_by_label("Client ID").fill(OIDC_CLIENT_ID)
    page.get_by_label("Client secret").fill(OIDC_CLIENT_SECRET)
    page.get_by_label("Scopes").fill("openid email profile groups")
    oidc_form = page.locator("form").filter(has=page.get_by_label("Discovery URL"))
    oidc_form.get_by_label("Enabled").check()
    page.get_by_role("button", name="Save OIDC").click()
    expect(page.get_by_text("OIDC connection saved.")).to_be_visible()
    # Test connection: a round trip through the OP that opens no session.
    oidc_form.get_by_role("button", name="Test connection").click()
    _op_login(page, "alice")
    expect(page.get_by_text("The test sign-in went through.")).to_be_visible(timeout=15000)
    expect(page.get_by_text("passed").first).to_be_visible()
    assert axe_violations(page) == []
    shoot(page, "org-sso-health")
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    expect(page.get_by_role("heading", name="Health")).to_be_visible()
    assert horizontal_overflow(page) <= 1
    shoot(page, "org-sso-health")

    # A member signs in email first and lands inside the org.
    member = browser.new_page()
    member.goto(f"{base_url}/sso")
    member.get_by_label("Work email").fill("bob@acme.com")
    member.get_by_role("button", name="Continue").click()
    _op_login(member, "bob")
    expect(member).to_have_url(f"{base_url}/", timeout=15000)
    member.goto(f"{base_url}/orgs")
    expect(member.get_by_role("link", name="Acme")).to_be_visible(timeout=10000)
    member.get_by_role("link", name="Acme").click()
    expect(member.get_by_text("bob@acme.com")).to_be_visible()
    member.goto(f"{base_url}/settings/security")
    expect(member.get_by_text("oidc:acme")).to_be_visible()


def test_saml_configure_and_member_sign_in(page: Page, base_url: str, browser, idp, shoot) -> None:
    org_id, owner = _org_with_domain()
    sign_in_through_ui(page, base_url, owner)
    page.goto(f"{base_url}/orgs/{org_id}/sso")
    saml_form = page.locator("form").filter(has=page.get_by_label("IdP metadata URL"))
    page.get_by_label("IdP metadata URL").fill(f"{idp.url}/metadata")
    saml_form.get_by_label("Enabled").check()
    page.get_by_role("button", name="Save SAML").click()
    expect(page.get_by_text("SAML connection saved.")).to_be_visible()
    from sqlmodel import select

    from aixplore.domain.orgs.sso_models import SsoConnection, SsoProtocol

    with session_scope() as db:
        conn_id = (
            db.exec(select(SsoConnection).where(SsoConnection.protocol == SsoProtocol.SAML))
            .one()
            .id
        )
    metadata = httpx.get(f"{base_url}/api/sso/saml/{conn_id}/metadata").text
    httpx.post(f"{idp.url}/register-sp", data={"metadata": metadata}).raise_for_status()
    assert axe_violations(page) == []
    shoot(page, "org-sso-settings")

    member = browser.new_page()
    member.goto(f"{base_url}/sso")
    member.get_by_label("Work email").fill("bob@acme.com")
    member.get_by_role("button", name="Continue").click()
    member.get_by_label("Login").fill("bob")
    member.get_by_label("Password").fill("password")
    member.get_by_role("button", name="Sign in").click()
    member.get_by_role("button", name="Continue").click()
    expect(member).to_have_url(f"{base_url}/", timeout=15000)
    member.goto(f"{base_url}/settings/security")
    expect(member.get_by_text("saml:acme")).to_be_visible(timeout=10000)


def test_enforced_sso_refuses_password_sign_in(page: Page, base_url: str, shoot) -> None:
    org_id, _owner = _org_with_domain()
    worker = make_member(email="worker@acme.com")
    with session_scope() as db:
        from aixplore.domain.orgs.models import Organization

        db.get(Organization, org_id).enforce_sso = True
    page.goto(f"{base_url}/login")
    page.get_by_label("Email").fill(worker.email)
    page.get_by_label("Password").fill("correct horse battery staple")
    page.locator("main").get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_text("Acme requires single sign-on")).to_be_visible()
    shoot(page, "sso-enforced-login")


def test_org_pages_members_and_invitations(page: Page, base_url: str, shoot) -> None:
    from aixplore.domain.orgs import invitations

    org_id, owner = _org_with_domain()
    member = make_member(email="sam@example.com", name="Sam Suspended")
    with session_scope() as db:
        invitations.do_invite(db, actor_for(sign_in(owner)), org_id, {"email": member.email})
    from tests.factories import outbox_link

    with session_scope() as db:
        link = outbox_link(db, member.email, "/orgs/invitation")
    member_token = sign_in(member.email)
    with session_scope() as db:
        invitations.do_accept_invitation(db, actor_for(member_token), link)
    sign_in_through_ui(page, base_url, owner)
    page.goto(f"{base_url}/orgs/{org_id}")
    row = page.get_by_role("row").filter(has_text=member.email)
    row.get_by_role("button", name="Suspend").click()
    expect(row.get_by_text("Suspended", exact=True)).to_be_visible()
    from aixplore.domain.accounts.services import get_actor_by_token

    with session_scope() as db:
        assert get_actor_by_token(db, member_token) is None  # ended at once, in the database
    page.get_by_label("Email", exact=True).fill("newbie@example.com")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("newbie@example.com · member")).to_be_visible()
    page.get_by_label("Domain", exact=True).fill("acme-labs.com")
    page.get_by_role("button", name="Claim").click()
    expect(page.get_by_text("_aixplore-verify.acme-labs.com")).to_be_visible()
    assert axe_violations(page) == []
    shoot(page, "org-members")
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    expect(page.get_by_text("newbie@example.com · member")).to_be_visible()
    assert horizontal_overflow(page) <= 1
    shoot(page, "org-members")
    page.goto(f"{base_url}/orgs")
    expect(page.get_by_role("link", name="Acme")).to_be_visible()
    shoot(page, "orgs-list")
    # The org's own audit log, for its admins.
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{base_url}/orgs/{org_id}/audit")
    expect(page.get_by_role("heading", name="Organization audit log")).to_be_visible()
    expect(page.get_by_text("org.member_suspended")).to_be_visible()
    expect(page.get_by_text("org.domain_claimed")).to_be_visible()
    expect(page.get_by_role("button", name="Verify chain")).to_have_count(0)
    assert axe_violations(page) == []
    shoot(page, "org-audit")
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    expect(page.get_by_text("org.member_suspended")).to_be_visible()
    assert horizontal_overflow(page) <= 1
    shoot(page, "org-audit")


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


def _saml_connection(base_url: str, idp, org_id: int, owner: str) -> int:
    """Configure SAML for the org through the service (as its owner) and register the SP."""
    from aixplore.domain.orgs import saml

    with session_scope() as db:
        conn_id = saml.do_configure(
            db, actor_for(sign_in(owner)), org_id, {"idp_metadata_url": f"{idp.url}/metadata"}
        ).id
    metadata = httpx.get(f"{base_url}/api/sso/saml/{conn_id}/metadata").text
    httpx.post(f"{idp.url}/register-sp", data={"metadata": metadata}).raise_for_status()
    return conn_id


@pytest.mark.allow_console(r"status of 400 .*/api/sso/saml/\d+/finish")
def test_saml_response_from_one_browser_is_refused_in_another(
    base_url: str, browser, idp, shoot
) -> None:
    """Login CSRF: a response obtained in browser A, posted from a fresh browser B, does not
    sign B in; A still finishes its own sign-in."""
    org_id, owner = _org_with_domain()
    conn_id = _saml_connection(base_url, idp, org_id, owner)
    first, second = browser.new_context(), browser.new_context()
    a, b = first.new_page(), second.new_page()
    a.goto(f"{base_url}/api/sso/saml/{conn_id}/start?return_to=/orgs")
    a.get_by_label("Login").fill("bob")
    a.get_by_label("Password").fill("password")
    a.get_by_role("button", name="Sign in").click()
    expect(a.get_by_role("button", name="Continue")).to_be_visible()
    response = a.locator("input[name=SAMLResponse]").input_value()
    action = a.locator("form").get_attribute("action")
    # B posts A's response from a page of its own (what an attacker's page would do).
    b.set_content(
        f'<form method="post" action="{action}"><input type="hidden" name="SAMLResponse" '
        f'value="{response}"><button type="submit">Go</button></form>'
    )
    b.get_by_role("button", name="Go").click()
    expect(b.get_by_role("alert")).to_contain_text("started in another browser")
    assert not [c for c in second.cookies() if c["name"] == "aixplore_session"]
    shoot(b, "sso-saml-other-browser")
    # A's own browser is not affected by B's attempt: its response is used up, so A starts
    # again and finishes in the same browser.
    a.goto(f"{base_url}/api/sso/saml/{conn_id}/start?return_to=/orgs")
    a.get_by_label("Login").fill("bob")
    a.get_by_label("Password").fill("password")
    a.get_by_role("button", name="Sign in").click()
    a.get_by_role("button", name="Continue").click()
    expect(a).to_have_url(re.compile(rf"{re.escape(base_url)}/orgs/?$"), timeout=15000)
    expect(a.get_by_role("link", name="Acme")).to_be_visible()
    first.close()
    second.close()


@pytest.mark.allow_console(r"status of 400 .*/api/sso/link")  # the wrong password first
def test_owner_links_the_idp_identity_with_the_password_and_can_remove_it(
    page: Page, base_url: str, op, shoot
) -> None:
    from aixplore.domain.orgs import oidc

    org_id, owner = _org_with_domain()
    with session_scope() as db:
        conn_id = oidc.do_configure(
            db,
            actor_for(sign_in(owner)),
            org_id,
            {
                "discovery_url": f"{op.url}/.well-known/openid-configuration",
                "client_id": OIDC_CLIENT_ID,
                "client_secret": OIDC_CLIENT_SECRET,
                "scopes": "openid email profile groups",
            },
        ).id
    page.goto(f"{base_url}/api/sso/oidc/{conn_id}/start?return_to=/settings/security")
    _op_login(page, "owner")
    expect(
        page.get_by_role("heading", name="Sign in with your AiXplore password to link")
    ).to_be_visible(timeout=15000)
    assert not [c for c in page.context.cookies() if c["name"] == "aixplore_session"]
    assert axe_violations(page) == []
    shoot(page, "sso-link-identity")
    page.get_by_label("AiXplore password").fill("not the password")
    page.get_by_role("button", name="Link and sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("incorrect")
    page.get_by_label("AiXplore password").fill("correct horse battery staple")
    page.get_by_role("button", name="Link and sign in").click()
    expect(page).to_have_url(re.compile(rf"{re.escape(base_url)}/settings/security/?$"))
    expect(page.get_by_role("heading", name="Linked sign-ins")).to_be_visible()
    expect(page.get_by_text("Acme · OIDC")).to_be_visible()
    page.get_by_role("button", name="Remove the link to Acme").click()
    # The link opened this very session: removing it signs this browser out.
    expect(page).to_have_url(re.compile(rf"{re.escape(base_url)}/login/?\?next=/settings/security"))


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

    acme_id, acme_owner = _org_with_domain()
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
        db.get(Organization, vault.id).enforce_sso = True
    with session_scope() as db:
        conn = oidc.do_configure(
            db,
            actor_for(sign_in(acme_owner)),
            acme_id,
            {"discovery_url": "https://idp.acme.example/.well-known/x", "client_id": "c"},
        )
    with session_scope() as db:
        through_acme = sso.complete_sign_in(
            db, db.get(SsoConnection, conn.id), email=worker.email, name="W", groups=[]
        )

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

    org_id, owner = _org_with_domain()
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
