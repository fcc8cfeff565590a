"""An organization admin sets the key policy, creates an org key on /orgs/<id>/keys, calls the
API with it, revokes it and is refused; the org's webhooks page; members see neither."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import axe_violations, horizontal_overflow, sign_in_through_ui
from tests.factories import join_org, make_member, make_org

pytestmark = pytest.mark.e2e


def test_org_admin_creates_uses_and_revokes_an_org_key(page: Page, base_url: str, shoot) -> None:
    owner = make_member(name="Orla Owner")
    org_id = make_org(owner.email, slug="keys-inc", name="Keys Inc")
    sign_in_through_ui(page, base_url, owner.email)
    page.goto(f"{base_url}/orgs/{org_id}")
    page.get_by_role("link", name="API keys").click()
    expect(page.get_by_role("heading", name="Keys Inc · API keys")).to_be_visible()
    expect(page.get_by_text("No keys yet.")).to_be_visible()

    # Policy: at most 30 days, webhooks read only.
    page.get_by_label("Longest lifetime (days)").fill("30")
    page.get_by_label("Solutions limit").select_option("none")
    page.get_by_label("Webhooks limit").select_option("read")
    page.get_by_role("button", name="Save policy").click()
    expect(page.get_by_text("Keys live at most 30 days")).to_be_visible()
    # The form offers only the lifetimes the policy allows.
    expect(page.get_by_label("Expires after").locator("option")).to_have_text(["7 days", "30 days"])

    page.get_by_label("Name", exact=True).fill("Deploy bot")
    page.get_by_label("Solutions", exact=True).select_option("none")
    page.get_by_label("Webhooks", exact=True).select_option("write")
    page.get_by_label("Expires after").select_option("30")
    page.get_by_role("button", name="Create key").click()
    expect(page.get_by_role("alert").get_by_text("does not allow webhooks:write")).to_be_visible()
    page.get_by_label("Name", exact=True).fill("Deploy bot")
    page.get_by_label("Solutions", exact=True).select_option("none")
    page.get_by_label("Webhooks", exact=True).select_option("read")
    page.get_by_label("Expires after").select_option("30")
    page.get_by_role("button", name="Create key").click()
    shown = page.locator("#new-api-key")
    expect(shown).to_contain_text("axp_")
    raw = shown.inner_text().strip()
    expect(page.get_by_text("Deploy bot")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Created \S+ by Orla Owner"))).to_be_visible()
    assert axe_violations(page) == []
    shoot(page, "org-api-keys")

    headers = {"Authorization": f"Bearer {raw}"}
    listed = httpx.get(f"{base_url}/api/v1/webhooks", headers=headers, timeout=10)
    assert listed.status_code == 200, listed.text
    assert listed.json()["items"] == []

    page.reload()
    expect(page.locator("#new-api-key")).to_have_count(0)
    page.get_by_role("button", name="Revoke key").click()
    expect(page.get_by_text("Revoked", exact=True)).to_be_visible()
    refused = httpx.get(f"{base_url}/api/v1/webhooks", headers=headers, timeout=10)
    assert refused.status_code == 401 and "revoked" in refused.json()["detail"]

    page.goto(f"{base_url}/orgs/{org_id}/audit")
    expect(page.get_by_text("api_key.revoked")).to_be_visible()
    expect(page.get_by_text("org.api_key_policy_changed")).to_be_visible()

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base_url}/orgs/{org_id}/keys")
    expect(page.get_by_text("Deploy bot")).to_be_visible()
    assert horizontal_overflow(page) <= 1
    shoot(page, "org-api-keys")


def test_org_webhooks_page_and_members_see_no_admin_pages(page: Page, base_url: str, shoot) -> None:
    owner, member = make_member(name="Wanda Owner"), make_member(name="Mo Member")
    org_id = make_org(owner.email, slug="hooks-inc", name="Hooks Inc")
    join_org(org_id, owner.email, member.email)
    sign_in_through_ui(page, base_url, owner.email)
    page.goto(f"{base_url}/orgs/{org_id}")
    page.get_by_role("link", name="Webhooks").click()
    expect(page.get_by_role("heading", name="Hooks Inc · Webhooks")).to_be_visible()
    page.get_by_label("URL").fill("https://hooks.example.com/aixplore")
    page.get_by_label("member.joined").check()
    page.get_by_role("button", name="Add endpoint").click()
    expect(page.get_by_text("Signing secret (shown once):")).to_be_visible()
    expect(page.get_by_text("https://hooks.example.com/aixplore")).to_be_visible()
    assert axe_violations(page) == []
    shoot(page, "org-webhooks")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(page.get_by_text("https://hooks.example.com/aixplore")).to_be_visible()
    assert horizontal_overflow(page) <= 1
    shoot(page, "org-webhooks")
    # The owner's personal webhooks page does not show the organization's endpoint.
    page.goto(f"{base_url}/settings/webhooks")
    expect(page.get_by_role("heading", name="Webhooks", exact=True)).to_be_visible()
    expect(page.get_by_text("https://hooks.example.com/aixplore")).to_have_count(0)

    page.context.clear_cookies()
    sign_in_through_ui(page, base_url, member.email)
    page.goto(f"{base_url}/orgs/{org_id}")
    expect(page.get_by_role("heading", name="Hooks Inc")).to_be_visible()
    expect(page.get_by_role("link", name="API keys")).to_have_count(0)
    for path in ("keys", "webhooks"):
        page.goto(f"{base_url}/orgs/{org_id}/{path}")
        expect(page.get_by_text("Only organization admins can do that.").first).to_be_visible()
        expect(page.get_by_text("https://hooks.example.com/aixplore")).to_have_count(0)
