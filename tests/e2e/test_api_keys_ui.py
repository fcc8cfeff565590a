"""Create an API key on the site, call the API with it, revoke it, see 401; the audit page."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.api_support import SOLUTION
from tests.e2e.helpers import axe_violations, horizontal_overflow, sign_in_through_ui
from tests.factories import make_admin, make_member

pytestmark = pytest.mark.e2e


def test_create_use_and_revoke_a_key(page: Page, base_url: str, shoot) -> None:
    member = make_member(name="Kira Keys")
    sign_in_through_ui(page, base_url, member.email)
    page.goto(f"{base_url}/settings/api-keys")
    expect(page.get_by_text("No keys yet.")).to_be_visible()
    page.get_by_label("Name").fill("Deploy script")
    page.get_by_label("Solutions").select_option("write")
    page.get_by_role("button", name="Create key").click()
    shown = page.locator("#new-api-key")
    expect(shown).to_contain_text("axp_")
    raw = shown.inner_text().strip()
    expect(page.get_by_text("Deploy script")).to_be_visible()
    assert axe_violations(page) == []
    shoot(page, "api-keys")

    headers = {"Authorization": f"Bearer {raw}"}
    made = httpx.post(f"{base_url}/api/v1/solutions", json=SOLUTION, headers=headers, timeout=10)
    assert made.status_code == 201, made.text
    assert "x-ratelimit-remaining" in made.headers

    page.reload()
    expect(page.locator("#new-api-key")).to_have_count(0)  # shown once only
    expect(page.get_by_text("from ")).to_be_visible()  # last used, with the address
    page.get_by_role("button", name="Revoke key").click()
    expect(page.get_by_text("Revoked", exact=True)).to_be_visible()
    refused = httpx.post(f"{base_url}/api/v1/solutions", json=SOLUTION, headers=headers, timeout=10)
    assert refused.status_code == 401 and "revoked" in refused.json()["detail"]

    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    expect(page.get_by_text("Deploy script")).to_be_visible()
    assert horizontal_overflow(page) <= 0
    shoot(page, "api-keys")


def test_admin_verifies_the_audit_chain(page: Page, base_url: str, shoot) -> None:
    admin = make_admin()
    sign_in_through_ui(page, base_url, admin.email)
    page.goto(f"{base_url}/admin/audit")
    expect(page.get_by_text("auth.sign_in").first).to_be_visible()
    page.get_by_role("button", name="Verify chain").click()
    expect(page.get_by_text("Audit chain intact")).to_be_visible()
    assert axe_violations(page) == []
    shoot(page, "admin-audit")
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    expect(page.get_by_role("button", name="Verify chain")).to_be_visible()
    assert horizontal_overflow(page) <= 0
    shoot(page, "admin-audit")


def test_members_get_no_audit_page(page: Page, base_url: str) -> None:
    member = make_member()
    sign_in_through_ui(page, base_url, member.email)
    page.goto(f"{base_url}/admin/audit")
    expect(page.get_by_text("This area is for platform admins.")).to_be_visible()
