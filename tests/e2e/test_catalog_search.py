"""Catalog search in Chromium: a typo, a phrase, "did you mean", an empty result."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.helpers import axe_violations, horizontal_overflow
from tests.factories import make_member, make_solution

pytestmark = pytest.mark.e2e

# Words no other test's solutions hold, so the shared catalog of the run cannot disturb them.
WORD = "quillwort"


def _solutions() -> None:
    owner = make_member(name="Fern Survey Works").email
    make_solution(owner, name="Quillwort Atlas", tagline="Quillwort field maps", tags=[WORD])
    make_solution(owner, name="Quillwort Pages", tagline="Quillwort herbarium scans")
    make_solution(owner, name="Moorland Sedge", tagline="Sedge survey sheets")
    make_solution(owner, name="Quilwort Notes", tagline="Quilwort notes, spelt the old way")


def _card(page: Page, name: str):
    return page.get_by_role("heading", name=name, exact=True)


def _check(page: Page, shoot, name: str) -> None:
    page.wait_for_load_state("networkidle")
    assert horizontal_overflow(page) <= 0, name
    assert axe_violations(page) == [], name
    shoot(page, name)


def test_catalog_search_forgives_typos_and_phrases(browser: Browser, base_url: str, shoot) -> None:
    _solutions()
    # The catalog answers at the address the app links to, without a redirect first.
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    assert page.request.get(f"{base_url}/solutions", max_redirects=0).status == 200
    for viewport in ({"width": 1280, "height": 800}, {"width": 375, "height": 800}):
        page.set_viewport_size(viewport)
        # Two letters swapped: nothing holds the word, so its correction is searched.
        page.goto(f"{base_url}/solutions?q=quillwrot")
        expect(page.get_by_text(f"showing results for “{WORD}”")).to_be_visible()
        expect(_card(page, "Quillwort Atlas")).to_be_visible()
        expect(_card(page, "Quillwort Pages")).to_be_visible()
        _check(page, shoot, "catalog-typo")
        # Nothing at all: the page says so and offers no paging.
        page.goto(f"{base_url}/solutions?q=zzqxwvvk")
        expect(page.get_by_text("No solution matches. Try fewer words")).to_be_visible()
        expect(page.get_by_text("Page 1 of")).to_have_count(0)
        expect(page.get_by_role("button", name="Previous")).to_have_count(0)
        _check(page, shoot, "catalog-empty")
    # A phrase no solution holds every word of: the closest matches, and the page says so.
    page.goto(f"{base_url}/solutions?q=the+quillwort+maps+for+a+sedge+survey")
    expect(page.get_by_text("No solution matches every word of")).to_be_visible()
    expect(_card(page, "Quillwort Atlas")).to_be_visible()
    expect(_card(page, "Moorland Sedge")).to_be_visible()
    # A word one solution holds: its results, and a query that finds more.
    page.goto(f"{base_url}/solutions?q=quilwort")
    expect(_card(page, "Quilwort Notes")).to_be_visible()
    page.get_by_role("link", name=WORD, exact=True).click()
    expect(page).to_have_url(f"{base_url}/solutions?q={WORD}")
    expect(_card(page, "Quillwort Pages")).to_be_visible()
    page.close()
