"""The gallery room in Chromium (software WebGL): walk with the keyboard, open a card, share;
display cases and a trader card; zones drawn only through their doorways (portal culling)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from aixplore.core.db import session_scope
from aixplore.domain.social.handles import ensure_profile
from aixplore.domain.solutions.models import Solution
from aixplore.domain.trading.board_models import LeaderboardRow
from tests.e2e.helpers import axe_violations, horizontal_overflow, sign_in_through_ui
from tests.factories import make_member, make_solution

# The front end alone (WebGL in software, the same build on both passes): once, on SQLite.
pytestmark = [pytest.mark.e2e, pytest.mark.frontend]


def _wait_room(page: Page, condition: str) -> dict:
    page.wait_for_function(
        "(() => { const s = window.__aixplore3d && window.__aixplore3d.scenes.room;"
        f" return !!s && ({condition}); }})()",
        timeout=30000,
    )
    return page.evaluate("window.__aixplore3d.scenes.room")


def _fill_walls(owner_id: int, slug: str, count: int) -> None:
    """``count`` more published solutions of ``owner_id``, copied from one in one transaction
    (two zones of walls need over 42 cards; the services would take seconds)."""
    with session_scope() as db:
        base = db.exec(select(Solution).where(Solution.slug == slug)).one()
        data = base.model_dump(exclude={"id"})
        for i in range(count):
            db.add(Solution(**{**data, "slug": f"{slug}-{i}", "name": f"Wall Extra {i:02d}"}))
        # A verified record: the owner's trader card hangs in the room too.
        db.add(
            LeaderboardRow(
                period="all",
                trader_id=owner_id,
                rank=1,
                total_return=0.1,
                sharpe=1.2,
                sharpe_low=0.4,
                max_drawdown=-0.05,
                win_rate=0.6,
                risk=3,
                record_days=90,
                decided=20,
            )
        )


def test_the_gallery_walks_with_the_keyboard_opens_a_card_and_is_shared_by_link(
    page: Page, base_url: str, shoot
) -> None:
    owner = make_member(name="Gwen Gallery")
    for name in ("Wall One", "Wall Two", "Wall Three", "Wall Four"):
        slug = make_solution(owner.email, name=name).slug
    _fill_walls(owner.id, slug, 46)
    with session_scope() as db:
        handle = ensure_profile(db, owner.id).handle
    sign_in_through_ui(page, base_url, owner.email)
    page.goto(f"{base_url}/gallery")
    # 50 solution cards and the owner's trader card: four rare-first cards in cases, two zones.
    state = _wait_room(page, "s.ready && s.count === 51 && s.featured > 0")
    assert (state["zones"], state["cases"], state["zonesDrawn"]) == (2, 4, 1)
    expect(page.get_by_role("link", name=f"/gallery/{handle}")).to_be_visible()
    room = page.get_by_role("application", name=re.compile("Your card gallery: 51 cards"))
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

    # Turned around: the next zone shows through its doorway, its far wall is not drawn...
    for _ in range(12):
        page.keyboard.press("ArrowLeft")
    seen = _wait_room(page, "s.yaw > 3.14 && s.zonesDrawn === 2")
    shoot(page, "gallery-doorway")
    # ...though the frustum alone (the portal test switched off) would draw it.
    page.evaluate("window.__aixplore3dNoPortals = true")
    page.keyboard.press("e")
    page.keyboard.press("q")
    everything = _wait_room(page, f"s.yaw > 3.14 && s.drawCalls > {seen['drawCalls']}")
    assert everything["triangles"] > seen["triangles"]

    # The showroom's Traders filter shows the owner's card, its rarity from the record.
    page.goto(f"{base_url}/cards?kind=traders")
    trader = page.get_by_role("link", name="Trader card of Gwen Gallery, Common")
    expect(trader).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^Traders"))).to_have_attribute(
        "aria-current", "page"
    )
    shoot(page, "cards-traders")
    assert axe_violations(page) == []

    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{base_url}/gallery/{handle}")
    _wait_room(page, "s.ready && s.count === 51")
    expect(page.get_by_role("button", name="Step forward")).to_be_visible()
    assert horizontal_overflow(page) == 0
    shoot(page, "gallery")
    page.goto(f"{base_url}/cards?kind=traders")
    expect(trader).to_be_visible()
    assert horizontal_overflow(page) == 0
    shoot(page, "cards-traders")
