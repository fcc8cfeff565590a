"""/admin is for platform admins: the page, and its handlers called straight through the socket."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from aixplore.core.db import session_scope
from aixplore.domain.accounts import services as accounts
from tests.e2e.helpers import sign_in_through_ui
from tests.factories import make_admin, make_member

pytestmark = pytest.mark.e2e


def test_member_sees_no_admin_page(page: Page, base_url: str, shoot) -> None:
    member = make_member(name="Mia Member")
    make_member(email="someone@example.com")
    sign_in_through_ui(page, base_url, member.email)
    page.goto(f"{base_url}/admin")
    expect(page.get_by_text("This area is for platform admins.")).to_be_visible()
    expect(page.get_by_text("someone@example.com")).to_have_count(0)
    shoot(page, "admin-refused")


def test_admin_suspends_a_member_whose_session_ends_at_once(
    page: Page, base_url: str, browser
) -> None:
    admin = make_admin()
    member = make_member(name="Sid Suspended", email="sid@example.com")
    member_page = browser.new_page()
    sign_in_through_ui(member_page, base_url, member.email)

    sign_in_through_ui(page, base_url, admin.email)
    page.goto(f"{base_url}/admin")
    page.get_by_label("Search users").fill("sid@")
    page.get_by_role("button", name="Search").click()
    row = page.get_by_role("row").filter(has_text="sid@example.com")
    row.get_by_role("button", name="Suspend").click()
    expect(row.get_by_text("Suspended", exact=True)).to_be_visible()
    with session_scope() as db:
        assert accounts.get_user(db, member.id).suspended_at is not None

    member_page.goto(f"{base_url}/settings/security")
    expect(member_page).to_have_url(f"{base_url}/login?next=/settings/security")
    member_page.close()
