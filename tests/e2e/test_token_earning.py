"""A new member confirms their email, finds the welcome grant on /token and a next step."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import axe_violations, horizontal_overflow, sign_in_through_ui, wait_for_link
from tests.e2e.test_3d import FREEZE, _wait_hook
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e


def test_a_new_member_earns_the_welcome_grant_and_the_coin_reads_on_both_faces(
    page: Page, base_url: str, shoot
) -> None:
    email = "wendy.welcome@example.com"
    page.goto(f"{base_url}/signup")
    page.get_by_label("Display name").fill("Wendy Welcome")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("status")).to_contain_text("confirmation link")
    page.goto(f"{base_url}/verify?token={wait_for_link(email, '/verify')}")
    expect(page.get_by_role("status")).to_contain_text("confirmed")

    page.add_init_script(FREEZE)
    sign_in_through_ui(page, base_url, email)
    page.goto(f"{base_url}/token")
    _wait_hook(page, "token", "s.ready && s.balance === 100")
    expect(page.get_by_role("cell", name="Welcome", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="+100", exact=True)).to_be_visible()
    expect(page.get_by_text("Earned", exact=True)).to_be_visible()
    # Welcomed, nothing used to review, no card payments here: the next step is a review.
    step = page.get_by_role("heading", name="Next step").locator("..")
    expect(step).to_contain_text("each review earns 20 ECE")
    expect(step.get_by_role("link", name="Find a solution")).to_be_visible()
    expect(page.get_by_text("Buying tokens by card is not available")).to_be_visible()
    assert axe_violations(page) == []
    shoot(page, "token-welcome")

    coin = page.get_by_role("button", name="ECE token: 100 tokens, bronze tier")
    coin.click()  # flipped: the back face is up and its text reads the right way round
    _wait_hook(page, "token", "s.flipped && s.faceUp === 'back' && s.faceReads === 'upright'")
    coin.focus()
    page.keyboard.press("Enter")
    _wait_hook(page, "token", "!s.flipped && s.faceUp === 'front'")
    for _ in range(10):  # turned by hand to about half a turn: the back face, not mirrored
        page.keyboard.press("ArrowRight")
    _wait_hook(page, "token", "s.faceUp === 'back' && s.faceReads === 'upright'")

    page.set_viewport_size({"width": 375, "height": 800})
    # The whole rim stays inside the narrow canvas (1 is its edge).
    state = _wait_hook(page, "token", "s.rimExtent > 0 && s.rimExtent < 1")
    assert state["faceReads"] == "upright"
    assert horizontal_overflow(page) == 0
    shoot(page, "token-welcome")
