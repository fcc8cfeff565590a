"""The gallery room in Chromium (software WebGL): walk with the keyboard, open a card, share."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from aixplore.core.db import session_scope
from aixplore.domain.social.handles import ensure_profile
from tests.e2e.helpers import axe_violations, horizontal_overflow, sign_in_through_ui
from tests.factories import make_member, make_solution

pytestmark = pytest.mark.e2e


def _wait_room(page: Page, condition: str) -> dict:
    page.wait_for_function(
        "(() => { const s = window.__aixplore3d && window.__aixplore3d.scenes.room;"
        f" return !!s && ({condition}); }})()",
        timeout=30000,
    )
    return page.evaluate("window.__aixplore3d.scenes.room")


def test_the_gallery_walks_with_the_keyboard_opens_a_card_and_is_shared_by_link(
    page: Page, base_url: str, shoot
) -> None:
    owner = make_member(name="Gwen Gallery")
    for name in ("Wall One", "Wall Two", "Wall Three", "Wall Four"):
        make_solution(owner.email, name=name)
    with session_scope() as db:
        handle = ensure_profile(db, owner.id).handle
    sign_in_through_ui(page, base_url, owner.email)
    page.goto(f"{base_url}/gallery")
    state = _wait_room(page, "s.ready && s.count === 4 && s.featured > 0")
    expect(page.get_by_role("link", name=f"/gallery/{handle}")).to_be_visible()
    room = page.get_by_role("application", name=re.compile("Your card gallery: 4 cards"))
    room.focus()
    page.keyboard.press("w")
    page.keyboard.press("ArrowUp")
    moved = _wait_room(page, f"s.z < {state['z'] - 1.1}")
    page.keyboard.press("ArrowLeft")
    _wait_room(page, "s.yaw > 0.2")
    page.keyboard.press("ArrowRight")
    _wait_room(page, "s.yaw === 0")
    # Facing the featured wall: Enter brings the card ahead close, the page names it.
    page.keyboard.press("Enter")
    opened = _wait_room(page, "s.openId > 0")
    expect(page.get_by_role("link", name="Open the solution")).to_be_visible()
    assert moved["z"] < state["z"] and opened["openId"] > 0
    shoot(page, "gallery")
    assert axe_violations(page) == []
    page.keyboard.press("Escape")
    _wait_room(page, "s.openId === 0")
    expect(page.get_by_role("link", name="Open the solution")).to_have_count(0)

    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{base_url}/gallery/{handle}")
    _wait_room(page, "s.ready && s.count === 4")
    expect(page.get_by_role("button", name="Step forward")).to_be_visible()
    assert horizontal_overflow(page) == 0
    shoot(page, "gallery")
