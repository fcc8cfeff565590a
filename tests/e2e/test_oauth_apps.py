"""Third-party apps in Chromium: register one, authorize it on the consent screen, call the API
with its token, revoke it in settings and see the call refused; the handlers as the wrong user."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from aixplore.core.db import read_scope, session_scope
from aixplore.domain.membership.models import Organization
from aixplore.domain.oauth import apps
from aixplore.domain.oauth.models import OAuthApp, OAuthGrant
from aixplore.web.oauth.state import AuthorizedAppsState, OAuthAppsState
from aixplore.web.orgs.apps_state import OrgAppsState
from aixplore.web.orgs.state import OrgState
from tests.e2e.helpers import axe_violations, horizontal_overflow, run_async, sign_in_through_ui
from tests.factories import actor_for, join_org, make_member, make_org, sign_in
from tests.oauth_support import App, authorize_params, pkce, query_of
from tests.support.reflex_client import ReflexClient

pytestmark = pytest.mark.e2e


def _both_widths(page: Page, shoot, name: str) -> None:
    assert axe_violations(page) == []
    shoot(page, name)
    page.set_viewport_size({"width": 375, "height": 800})
    assert horizontal_overflow(page) <= 0
    assert axe_violations(page) == []
    shoot(page, name)
    page.set_viewport_size({"width": 1280, "height": 800})


def test_authorize_an_app_call_the_api_and_revoke_it(page: Page, base_url: str, shoot) -> None:
    member = make_member(name="Ada Lovelace")
    callback = f"{base_url}/settings/authorized-apps"
    sign_in_through_ui(page, base_url, member.email)
    page.goto(f"{base_url}/settings/apps")
    page.get_by_label("Name").fill("Photo Sync")
    page.get_by_label("Redirect URIs").fill(callback)
    page.get_by_label("Type").select_option("public")
    page.get_by_role("button", name="Register app").click()
    expect(page.get_by_text("App registered.")).to_be_visible()
    client_id = page.locator("#new-client-id").inner_text()
    assert client_id.startswith("axpc_")
    _both_widths(page, shoot, "oauth-apps")

    verifier, challenge = pkce()
    params = authorize_params(App(client_id, "", callback), challenge)
    page.goto(f"{base_url}/api/oauth/authorize?{httpx.QueryParams(params)}")
    expect(page.get_by_role("heading", name="Authorize Photo Sync", level=1)).to_be_visible()
    expect(page.get_by_text("See your orders")).to_be_visible()
    _both_widths(page, shoot, "oauth-consent")
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(lambda url: url.startswith(f"{callback}?"))
    answer = query_of(page.url)
    assert answer["state"] == "xyz-state"

    api = httpx.Client(base_url=base_url, timeout=30)
    tokens = api.post(
        "/api/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": answer["code"],
            "redirect_uri": callback,
            "code_verifier": verifier,
            "client_id": client_id,
        },
    )
    assert tokens.status_code == 200, tokens.text
    bearer = {"Authorization": f"Bearer {tokens.json()['access_token']}"}
    assert api.get("/api/v1/orders", headers=bearer).status_code == 200
    assert api.get("/.well-known/jwks.json").json()["keys"]

    page.goto(f"{base_url}/settings/authorized-apps")
    expect(
        page.get_by_text("See, create and change your solutions; See your orders")
    ).to_be_visible()
    _both_widths(page, shoot, "oauth-authorized-apps")
    page.get_by_role("button", name="Revoke access of Photo Sync").click()
    expect(page.get_by_text("Access revoked.")).to_be_visible()
    expect(page.get_by_text("You have not authorized any app.")).to_be_visible()
    refused = api.get("/api/v1/orders", headers=bearer)
    assert refused.status_code == 401 and "revoked" in refused.json()["detail"]


def test_app_and_grant_handlers_refuse_the_wrong_user(app_url: str) -> None:
    owner, intruder = make_member(), make_member()
    with session_scope() as db:
        victim, _secret = apps.do_register_app(
            db,
            actor_for(sign_in(owner.email)),
            {"name": "Owner App", "redirect_uris": ["https://app.example.com/cb"]},
        )
    org_id = make_org(owner.email)
    join_org(org_id, owner.email, intruder.email)
    with session_scope() as db:
        grant = OAuthGrant(app_id=victim.id, user_id=owner.id, scopes="orders:read")
        db.add(grant)
        db.flush()
        grant_id = grant.id

    async def attack() -> dict:
        seen: dict = {}
        cookies = {"aixplore_session": sign_in(intruder.email)}
        async with ReflexClient(app_url, cookies=cookies) as tab:
            await tab.hydrate("/settings/apps")
            seen["list"] = tab.state(OAuthAppsState)
            seen["delete"] = await tab.call(OAuthAppsState.delete, app_id=victim.id)
            seen["secret"] = await tab.call(OAuthAppsState.new_app_secret, app_id=victim.id)
            seen["bad_id"] = await tab.call(OAuthAppsState.delete, app_id="1; drop")
            seen["bad_form"] = await tab.call(OAuthAppsState.register, form_data="x")
            seen["revoke"] = await tab.call(AuthorizedAppsState.revoke, grant_id=grant_id)
        org_page, org_params = f"/orgs/{org_id}", {"org_id": str(org_id)}
        settings = {"name": "Acme Inc", "reauth_hours": "0"}  # the apps box left unchecked
        async with ReflexClient(app_url, cookies=cookies) as tab:
            await tab.hydrate(org_page, params=org_params)
            seen["member_policy"] = await tab.call(OrgState.save_settings, form_data=settings)
        owner_cookies = {"aixplore_session": sign_in(owner.email)}
        async with ReflexClient(app_url, cookies=owner_cookies) as tab:
            await tab.hydrate(org_page, params=org_params)
            seen["owner_policy"] = await tab.call(OrgState.save_settings, form_data=settings)
        async with ReflexClient(app_url) as tab:
            await tab.hydrate("/")
            seen["anon"] = await tab.call(AuthorizedAppsState.revoke, grant_id=grant_id)
        return seen

    seen = run_async(attack())
    assert seen["list"]["apps"] == []
    assert ("error", "Unknown app.") in seen["delete"].toasts
    assert ("error", "Unknown app.") in seen["secret"].toasts
    assert ("error", "Unknown app.") in seen["bad_id"].toasts
    assert seen["bad_form"].toasts and seen["bad_form"].toasts[0][0] == "error"
    assert ("error", "Unknown authorization.") in seen["revoke"].toasts
    assert any(path.startswith("/login") for path in seen["anon"].redirects)
    assert ("error", "Only organization admins can do that.") in seen["member_policy"].toasts
    assert ("success", "Settings saved.") in seen["owner_policy"].toasts
    with read_scope() as db:
        assert db.exec(select(OAuthApp)).one().name == "Owner App"
        assert db.get(OAuthGrant, grant_id).revoked_at is None  # type: ignore[union-attr]
        assert db.get(Organization, org_id).third_party_apps_allowed is False  # type: ignore[union-attr]


def test_org_admins_register_the_orgs_apps_and_no_one_elses(
    page: Page, base_url: str, app_url: str, shoot
) -> None:
    owner, member, other_admin = make_member(), make_member(), make_member()
    org_id = make_org(owner.email)
    join_org(org_id, owner.email, member.email)
    other_org = make_org(other_admin.email, slug="globex", name="Globex")
    sign_in_through_ui(page, base_url, owner.email)
    page.goto(f"{base_url}/orgs/{org_id}")
    page.get_by_label("Name", exact=True).last.fill("Acme Sync")
    page.get_by_label("Redirect URIs").fill("https://sync.acme.example/cb")
    page.get_by_role("button", name="Register app").click()
    expect(page.get_by_text("App registered for the organization.")).to_be_visible()
    expect(page.get_by_text("Copy the app's secret now")).to_be_visible()
    _both_widths(page, shoot, "org-apps")
    with read_scope() as db:
        app = db.exec(select(OAuthApp).where(OAuthApp.org_id == org_id)).one()
        assert app.name == "Acme Sync" and app.confidential
        app_id = app.id

    async def attack() -> dict:
        seen: dict = {}
        form = {"app_name": "Sneaky", "redirect_uris": "https://evil.example/cb", "kind": "public"}
        acme, acme_params = f"/orgs/{org_id}", {"org_id": str(org_id)}
        # An admin of Globex, on Acme's page (a route any client may claim): refused.
        cookies = {"aixplore_session": sign_in(other_admin.email)}
        async with ReflexClient(app_url, cookies=cookies) as tab:
            await tab.hydrate(acme, params=acme_params)
            seen["stranger_list"] = tab.state(OrgAppsState)["apps"]
            seen["register"] = await tab.call(OrgAppsState.register, form_data=form)
            seen["delete"] = await tab.call(OrgAppsState.delete, app_id=app_id)
            seen["secret"] = await tab.call(OrgAppsState.new_app_secret, app_id=app_id)
        # Globex's admin on Globex's page still cannot touch Acme's app.
        async with ReflexClient(app_url, cookies=cookies) as tab:
            await tab.hydrate(f"/orgs/{other_org}", params={"org_id": str(other_org)})
            seen["own_page_delete"] = await tab.call(OrgAppsState.delete, app_id=app_id)
        # A plain member of Acme: neither the list nor a registration.
        member_cookies = {"aixplore_session": sign_in(member.email)}
        async with ReflexClient(app_url, cookies=member_cookies) as tab:
            await tab.hydrate(acme, params=acme_params)
            seen["member_list"] = tab.state(OrgAppsState)["apps"]
            seen["member_register"] = await tab.call(OrgAppsState.register, form_data=form)
        return seen

    seen = run_async(attack())
    assert seen["stranger_list"] == [] and seen["member_list"] == []
    assert ("error", "No such organization.") in seen["register"].toasts
    assert ("error", "Unknown app.") in seen["delete"].toasts
    assert ("error", "Unknown app.") in seen["secret"].toasts
    assert ("error", "Unknown app.") in seen["own_page_delete"].toasts
    assert ("error", "Only organization admins can do that.") in seen["member_register"].toasts
    with read_scope() as db:
        assert [a.name for a in db.exec(select(OAuthApp)).all()] == ["Acme Sync"]
