"""/admin is for platform admins: the page, and its handlers called straight through the socket."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from aixplore.core.db import session_scope
from aixplore.domain.accounts import services as accounts
from aixplore.domain.audit.services import record
from tests.e2e.helpers import axe_violations, horizontal_overflow, sign_in_through_ui
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
    page.goto(f"{base_url}/admin/orders")
    expect(page.get_by_text("This area is for platform admins.")).to_be_visible()
    expect(page.get_by_role("button", name="Filter")).to_have_count(0)


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


def test_admin_pages_have_their_navigation_and_the_log_names_its_actors(
    page: Page, base_url: str, shoot
) -> None:
    admin = make_admin()
    make_member(email="other-admin-row@example.com")
    with session_scope() as db:
        record(db, admin.id, "e2e.named_actor", "solution:42", detail={"reason": "spam wave"})
    sign_in_through_ui(page, base_url, admin.email)
    page.goto(f"{base_url}/admin")
    nav = page.get_by_role("navigation", name="Admin")
    for link in ("Users", "Orders", "Moderation", "Analytics", "Audit log"):
        expect(nav.get_by_role("link", name=link)).to_be_visible()
    expect(nav.get_by_role("link", name="Users")).to_have_attribute("aria-current", "page")
    nav.get_by_role("link", name="Orders").click()
    expect(page.get_by_role("heading", name="Orders", exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="Orders")).to_have_attribute("aria-current", "page")
    assert axe_violations(page) == []
    shoot(page, "admin-orders")
    page.goto(f"{base_url}/admin")

    # Your own row offers no suspension or demotion; another member's does.
    page.get_by_label("Search users").fill(admin.email)
    page.get_by_role("button", name="Search").click()
    own = page.get_by_role("row").filter(has_text=admin.email)
    expect(own.get_by_text("You", exact=True)).to_be_visible()
    expect(own.get_by_role("button", name="Verify publisher")).to_be_visible()
    expect(own.get_by_role("button", name="Suspend")).to_have_count(0)
    expect(own.get_by_role("button", name="Make member")).to_have_count(0)
    page.get_by_label("Search users").fill("other-admin-row@")
    page.get_by_role("button", name="Search").click()
    other = page.get_by_role("row").filter(has_text="other-admin-row@example.com")
    expect(other.get_by_role("button", name="Suspend")).to_be_visible()
    shoot(page, "admin-users")

    nav.get_by_role("link", name="Audit log").click()
    page.get_by_label("Action starts with").fill("e2e.named")
    page.get_by_role("button", name="Filter").click()
    entry = page.get_by_role("row").filter(has_text="e2e.named_actor")
    actor = entry.get_by_role("cell").filter(has_text="Test Admin")
    expect(actor).to_have_text(f"Test Admin#{admin.id}")
    expect(entry.get_by_text("reason: spam wave")).to_be_visible()
    assert axe_violations(page) == []
    shoot(page, "audit-log-names")
    page.set_viewport_size({"width": 375, "height": 800})
    expect(entry.get_by_text("reason: spam wave")).to_be_visible()
    assert horizontal_overflow(page) <= 0
    # On a phone's card the actor's cell holds both its lines (none spills over the next).
    cell, number = actor.bounding_box(), actor.get_by_text(f"#{admin.id}").bounding_box()
    assert cell and number and number["y"] + number["height"] <= cell["y"] + cell["height"]
    shoot(page, "audit-log-names")
    page.goto(f"{base_url}/admin/analytics")
    expect(page.get_by_role("heading", name="Platform analytics")).to_be_visible()
    shoot(page, "platform-analytics")
    page.goto(f"{base_url}/settings/security")
    expect(page.get_by_role("navigation", name="Settings")).to_be_visible()
    shoot(page, "settings-security")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.reload()
    expect(page.get_by_role("navigation", name="Settings")).to_be_visible()
    shoot(page, "settings-security")
    page.goto(f"{base_url}/admin/analytics")
    # One line per series, drawn at once (no draw-in animation to wait for).
    expect(page.locator(".recharts-line-curve")).to_have_count(4)
    shoot(page, "platform-analytics")
