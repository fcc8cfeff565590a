"""The shell on desktop and phone: navigation, no horizontal scroll, axe-clean, 404."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.helpers import axe_violations, horizontal_overflow, sign_in_through_ui
from tests.factories import make_admin

pytestmark = pytest.mark.e2e

PUBLIC_PAGES = [
    "/",
    "/about",
    "/terms",
    "/privacy",
    "/contact",
    "/login",
    "/signup",
    "/forgot-password",
    "/reset-password?token=nope-nope-nope-nope",
    "/verify?token=nope-nope-nope-nope",
    # The browser logs the 404 status it is answered with.
    pytest.param("/no-such-page", marks=pytest.mark.allow_console(r"status of 404")),
]
PRIVATE_PAGES = ["/profile", "/settings/security", "/admin"]
PHONE = {"width": 375, "height": 740}


def _name(path: str) -> str:
    return path.strip("/").split("?")[0].replace("/", "-") or "home"


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_fit_a_phone_and_pass_axe(
    browser: Browser, base_url: str, path: str, shoot
) -> None:
    for viewport in (PHONE, {"width": 1280, "height": 800}):
        page = browser.new_page(viewport=viewport)
        page.goto(f"{base_url}{path}")
        page.wait_for_load_state("networkidle")
        expect(page.locator("main")).to_be_visible()
        assert horizontal_overflow(page) <= 0, f"{path} scrolls sideways at {viewport['width']} px"
        assert axe_violations(page) == []
        shoot(page, _name(path))
        page.close()


def test_signed_in_pages_fit_a_phone_and_pass_axe(browser: Browser, base_url: str, shoot) -> None:
    admin = make_admin()
    for viewport in (PHONE, {"width": 1280, "height": 800}):
        page = browser.new_page(viewport=viewport)
        sign_in_through_ui(page, base_url, admin.email)
        for path in PRIVATE_PAGES:
            page.goto(f"{base_url}{path}")
            page.wait_for_load_state("networkidle")
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            assert horizontal_overflow(page) <= 0, (
                f"{path} scrolls sideways at {viewport['width']} px"
            )
            assert axe_violations(page) == []
            shoot(page, _name(path))
        page.close()


def test_phone_navigation_uses_a_drawer(browser: Browser, base_url: str, shoot) -> None:
    page = browser.new_page(viewport=PHONE)
    page.goto(base_url)
    page.get_by_role("button", name="Open menu").click()
    drawer = page.get_by_role("dialog")
    expect(drawer.get_by_role("link", name="About")).to_be_visible()
    page.wait_for_timeout(600)  # let the slide-in animation finish before the picture
    shoot(page, "drawer")
    drawer.get_by_role("link", name="About").click()
    expect(page.get_by_role("heading", name="About AiXplore")).to_be_visible()
    page.close()


def test_the_footer_leads_to_terms_privacy_and_contact(page: Page, base_url: str) -> None:
    page.goto(base_url)
    footer = page.get_by_role("contentinfo")
    for name, heading in (
        ("Terms", "Terms of use"),
        ("Privacy", "Privacy policy"),
        ("Contact", "Contact"),
    ):
        footer.get_by_role("link", name=name, exact=True).click()
        expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
    # The address is the server's contact_email setting (its default here).
    expect(page.get_by_role("link", name="support@aixplore.local")).to_have_attribute(
        "href", "mailto:support@aixplore.local"
    )


@pytest.mark.allow_console(r"status of 404")
def test_unknown_routes_get_the_404_page(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/no/such/page")
    expect(page.get_by_role("heading", name="This page does not exist")).to_be_visible()


def test_dark_mode_toggle(page: Page, base_url: str) -> None:
    page.goto(base_url)
    page.wait_for_load_state("networkidle")
    before = page.evaluate("document.documentElement.className")
    page.get_by_role("button", name="Switch between light and dark mode").first.click()
    expect(page.locator("html")).not_to_have_class(before)
