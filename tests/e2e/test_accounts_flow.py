"""A person signs up, confirms, signs in, sees the profile, signs out; resets a password."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import sign_in_through_ui, wait_for_link
from tests.factories import PASSWORD, actor_for, make_member

pytestmark = pytest.mark.e2e


def test_sign_up_verify_sign_in_profile_sign_out(page: Page, base_url: str, shoot) -> None:
    page.goto(f"{base_url}/signup")
    page.get_by_label("Display name").fill("Erin Example")
    page.get_by_label("Email").fill("erin@example.com")
    page.get_by_label("Password").fill("short")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("alert")).to_contain_text("at least 10 characters")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("status")).to_contain_text("confirmation link")
    shoot(page, "signup-done")

    token = wait_for_link("erin@example.com", "/verify")
    page.goto(f"{base_url}/verify?token={token}")
    expect(page.get_by_role("status")).to_contain_text("confirmed")

    sign_in_through_ui(page, base_url, "erin@example.com")
    expect(page.get_by_role("heading", name="Erin Example")).to_be_visible()
    shoot(page, "profile")
    # The about text, edited here, is what the publisher page shows.
    page.get_by_role("button", name="Edit profile").click()
    expect(page.get_by_text("Shown on your publisher page")).to_be_visible()
    page.get_by_label("About you").fill("I build OCR tools for small offices.")
    shoot(page, "profile-edit")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("I build OCR tools for small offices.")).to_be_visible()
    cookie = next(c["value"] for c in page.context.cookies() if c["name"] == "aixplore_session")
    assert actor_for(cookie) is not None

    page.get_by_role("button", name="Account menu").click()
    page.get_by_role("menuitem", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in").first).to_be_visible()
    assert actor_for(cookie) is None  # the old cookie is dead server-side

    # Replaying the old cookie in a fresh browser gets nothing.
    page.context.add_cookies([{"name": "aixplore_session", "value": cookie, "url": base_url}])
    page.goto(f"{base_url}/profile")
    expect(page).to_have_url(re.compile(r"/login\?next=/profile"))


def test_wrong_password_shows_a_generic_error(page: Page, base_url: str) -> None:
    member = make_member()
    page.goto(f"{base_url}/login")
    page.get_by_label("Email").fill(member.email)
    page.get_by_label("Password").fill("definitely wrong")
    page.locator("main").get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("alert")).to_have_text("Email or password is incorrect.")


def test_password_reset_from_the_mailed_link(page: Page, base_url: str, shoot) -> None:
    member = make_member(name="Riley Reset")
    page.goto(f"{base_url}/forgot-password")
    page.get_by_label("Email").fill(member.email)
    page.get_by_role("button", name="Send reset link").click()
    expect(page.get_by_role("status")).to_contain_text("reset link is on its way")
    token = wait_for_link(member.email, "/reset-password")
    page.goto(f"{base_url}/reset-password?token={token}")
    page.get_by_label("New password", exact=True).fill("my fresh passphrase 7")
    page.get_by_label("Repeat the new password").fill("my fresh passphrase 7")
    page.get_by_role("button", name="Save password").click()
    expect(page.get_by_role("status")).to_contain_text("password is changed")
    shoot(page, "reset-done")
    sign_in_through_ui(page, base_url, member.email, "my fresh passphrase 7")


def test_sessions_page_lists_and_ends_sessions(page: Page, base_url: str, shoot) -> None:
    member = make_member(name="Sam Sessions")
    sign_in_through_ui(page, base_url, member.email)
    page.goto(f"{base_url}/settings/security")
    expect(page.get_by_text("This device")).to_be_visible()
    shoot(page, "security")
    page.get_by_role("button", name="Sign out").first.click()
    expect(page).to_have_url(f"{base_url}/login")
