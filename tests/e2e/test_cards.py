"""The card showroom in Chromium: filter by rarity in the URL, open a card, tilt it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import axe_violations, horizontal_overflow
from tests.factories import make_member, make_solution, set_solution_rating

pytestmark = pytest.mark.e2e

TILT = "getComputedStyle(document.querySelector('.holo-tilt')).getPropertyValue('--ry').trim()"


def test_showroom_filters_by_rarity_and_a_card_tilts_with_the_pointer(
    page: Page, base_url: str, shoot
) -> None:
    owner = make_member(name="Sam Showroom")
    for name, rating, count in [
        ("Plain Showcase", 3.0, 1),
        ("Holo Showcase", 4.2, 8),
        ("Rainbow Showcase", 4.6, 20),
        ("Secret Showcase", 4.9, 50),
    ]:
        set_solution_rating(make_solution(owner.email, name=name).slug, rating, count)
    page.goto(f"{base_url}/cards")
    cards = page.locator(".showroom-grid .showcard")
    expect(cards).to_have_count(4)
    shoot(page, "cards")
    assert axe_violations(page) == []

    page.get_by_role("navigation", name="Rarity").get_by_role(
        "link", name=re.compile(r"^Ultra rare")
    ).click()
    expect(page).to_have_url(re.compile(r"/cards\?rarity=rainbow$"))
    expect(cards).to_have_count(1)
    assert cards.evaluate_all("els => els.map(e => e.dataset.foil)") == ["rainbow"]
    # The filtered view is a URL: reloading it shows the same cards.
    page.reload()
    expect(cards).to_have_count(1)

    # Keyboard: the card is a link.
    page.get_by_role("link", name="Rainbow Showcase, Ultra rare (rainbow), Text generation").press(
        "Enter"
    )
    expect(page).to_have_url(re.compile(r"/cards/rainbow-showcase$"))
    expect(page.get_by_role("heading", name="Rainbow Showcase", level=1)).to_be_visible()
    card = page.locator(".holo-tilt .showcard")
    expect(card).to_be_visible()
    assert page.evaluate(TILT) == "0deg"
    box = card.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] * 0.9, box["y"] + box["height"] * 0.2)
    page.wait_for_function(f"parseFloat({TILT}) > 5")  # toward the right edge
    expect(page.locator(".holo-tilt")).to_have_attribute("data-active", "true")
    shoot(page, "card")
    assert axe_violations(page) == []

    # A phone's orientation tilts it too (gamma 21 degrees: 70 % of the way to the right).
    page.mouse.move(2, 2)
    page.wait_for_function(f"parseFloat({TILT}) === 0")
    page.evaluate(
        "window.dispatchEvent(new DeviceOrientationEvent('deviceorientation',"
        " {alpha: 0, beta: 45, gamma: 21}))"
    )
    page.wait_for_function(f"{TILT} === '9.80deg'")

    # Reduced motion: the card stays flat whatever the pointer does.
    page.emulate_media(reduced_motion="reduce")
    page.mouse.move(box["x"] + box["width"] * 0.1, box["y"] + box["height"] * 0.8)
    expect(page.locator(".holo-tilt")).to_have_attribute("data-reduced", "true")
    page.wait_for_function(
        "getComputedStyle(document.querySelector('.holo-tilt .showcard')).transform === 'none'"
    )
    page.emulate_media(reduced_motion="no-preference")

    page.set_viewport_size({"width": 375, "height": 800})
    assert horizontal_overflow(page) == 0
    shoot(page, "card")
    page.goto(f"{base_url}/cards")
    expect(cards).to_have_count(4)
    assert horizontal_overflow(page) == 0
    shoot(page, "cards")
