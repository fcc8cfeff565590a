"""The ECE token and the trading cards in Chromium (software WebGL): drawing, state, fallbacks."""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from aixplore.core.db import session_scope
from aixplore.domain.wallet import services as wallet
from aixplore.domain.wallet.models import SystemAccount, TransactionKind
from tests.e2e.helpers import axe_violations, horizontal_overflow, sign_in_through_ui
from tests.factories import make_member, make_solution, set_solution_rating

# The front end alone (WebGL in software, the same build on both passes): once, on SQLite.
pytestmark = [pytest.mark.e2e, pytest.mark.frontend]

FREEZE = "window.__aixplore3dFreeze = true;"
NO_WEBGL = """
const original = HTMLCanvasElement.prototype.getContext;
HTMLCanvasElement.prototype.getContext = function (kind, ...rest) {
  if (String(kind).startsWith('webgl') || kind === 'experimental-webgl') return null;
  return original.call(this, kind, ...rest);
};
"""

CSS_BACK_FACE_READS = """() => {
  const coin = document.querySelector('[data-scene=token] .holo-coin');
  const back = coin && coin.querySelector('.holo-coin__face--back');
  if (!back || coin.getAnimations().length) return false;
  const turn = (el) => new DOMMatrix(getComputedStyle(el).transform);
  const m = turn(coin).multiply(turn(back));
  return m.m11 > 0.99 && m.m22 > 0.99 && m.m33 > 0.99;
}"""


def _hook(page: Page, scene: str) -> dict:
    return page.evaluate(f"(window.__aixplore3d && window.__aixplore3d.scenes['{scene}']) || {{}}")


def _wait_hook(page: Page, scene: str, condition: str, timeout: int = 30000) -> dict:
    page.wait_for_function(
        f"(() => {{ const s = window.__aixplore3d && window.__aixplore3d.scenes['{scene}'];"
        f" return !!s && ({condition}); }})()",
        timeout=timeout,
    )
    return _hook(page, scene)


def _colours(png: bytes) -> int:
    image = Image.open(io.BytesIO(png)).convert("RGB").resize((64, 64))
    return len(set(image.getdata()))


def _watch(page: Page, base_url: str) -> tuple[list[str], list[str]]:
    """Record requests to other hosts and console errors."""
    foreign: list[str] = []
    errors: list[str] = []
    host = urlsplit(base_url).hostname
    page.on(
        "request",
        lambda r: (
            foreign.append(r.url)
            if urlsplit(r.url).hostname not in (host, None) and not r.url.startswith("data:")
            else None
        ),
    )
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return foreign, errors


def _grant(user_id: int, amount: int, reference: str) -> None:
    with session_scope() as db:
        src = wallet.system_account(db, SystemAccount.ISSUANCE)
        dst = wallet.user_account(db, user_id)
        wallet.transfer(db, src.id, dst.id, amount, TransactionKind.GRANT, reference)  # type: ignore[arg-type]


def test_token_draws_flips_on_click_and_follows_the_balance(
    page: Page, base_url: str, shoot
) -> None:
    member = make_member(name="Tia Token")
    _grant(member.id, 1_200, "e2e-1")
    foreign, errors = _watch(page, base_url)
    page.add_init_script(FREEZE)
    sign_in_through_ui(page, base_url, member.email)
    page.goto(f"{base_url}/token")
    state = _wait_hook(page, "token", "s.ready && s.balance === 1200")
    # Poster, then a procedural coin, then the DRACO model decoded by the self-hosted decoder.
    _wait_hook(page, "token", "s.model === 'high'")
    assert state["tier"] == "silver" and state["level"] == "full"
    canvas = page.locator("[data-scene=token] canvas")
    assert _colours(canvas.screenshot()) > 20  # the coin is drawn, not a blank box
    expect(page.get_by_text("more tokens to gold")).to_be_visible()

    coin = page.get_by_role("button", name="ECE token: 1,200 tokens, silver tier")
    coin.click()
    _wait_hook(page, "token", "s.flipped === true && s.flipAngle > 3.1")
    coin.focus()
    page.keyboard.press("Enter")
    _wait_hook(page, "token", "s.flipped === false && s.flipAngle === 0")
    page.keyboard.press("ArrowRight")

    _grant(member.id, 5_000, "e2e-2")
    page.get_by_role("button", name="Refresh balance").click()
    state = _wait_hook(page, "token", "s.balance === 6200")
    assert state["tier"] == "gold"
    shoot(page, "token")
    assert foreign == []
    assert errors == []


def test_token_on_the_profile_and_on_a_phone(page: Page, base_url: str, shoot) -> None:
    member = make_member(name="Pia Phone")
    _grant(member.id, 30_000, "e2e-3")
    page.set_viewport_size({"width": 375, "height": 800})
    page.add_init_script(FREEZE)
    sign_in_through_ui(page, base_url, member.email)
    _wait_hook(page, "token", "s.ready && s.tier === 'platinum'")
    expect(page.get_by_role("link", name="Open the token page")).to_be_visible()
    assert horizontal_overflow(page) == 0
    shoot(page, "profile-token")
    page.goto(f"{base_url}/token")
    _wait_hook(page, "token", "s.ready")
    assert axe_violations(page) == []
    shoot(page, "token")


def test_without_webgl_the_css_card_shows_with_a_notice(page: Page, base_url: str, shoot) -> None:
    member = make_member()
    _grant(member.id, 640, "e2e-4")
    foreign, errors = _watch(page, base_url)
    page.add_init_script(NO_WEBGL)
    sign_in_through_ui(page, base_url, member.email)
    page.goto(f"{base_url}/token")
    expect(
        page.get_by_role("status").filter(has_text="3D graphics are not available")
    ).to_be_visible()
    coin = page.get_by_role("button", name="ECE token: 640 tokens, bronze tier. Press to flip")
    expect(coin).to_be_visible()
    assert page.locator("[data-scene=token] canvas").count() == 0
    shoot(page, "token-no-webgl")
    coin.click()  # the CSS coin still reaches state
    _wait_hook(page, "token", "true")
    expect(coin).to_have_attribute("aria-pressed", "true")
    # Flipped, its own back face turns to the viewer, the right way round (not the front's
    # text mirrored): the coin's and the face's turns compose to no turn at all.
    page.wait_for_function(CSS_BACK_FACE_READS)
    assert foreign == [] and errors == []


def test_the_quality_choice_is_visible_and_persists(page: Page, base_url: str) -> None:
    member = make_member()
    page.add_init_script(FREEZE)
    sign_in_through_ui(page, base_url, member.email)
    page.goto(f"{base_url}/token")
    _wait_hook(page, "token", "s.ready")
    page.get_by_label("3D quality").select_option("static")
    _wait_hook(page, "token", "s.level === 'static'")
    page.reload()
    state = _wait_hook(page, "token", "s.level === 'static'")
    assert state["choice"] == "static"
    assert page.locator("[data-scene=token] canvas").count() == 0
    page.get_by_label("3D quality").select_option("reduced")
    _wait_hook(page, "token", "s.level === 'reduced' && s.ready")


def test_solution_card_rarity_follows_rating_and_reviews(page: Page, base_url: str, shoot) -> None:
    owner = make_member(name="Rosa Rare")
    made = make_solution(owner.email, name="Secret Sauce")
    set_solution_rating(made.slug, 4.9, 60)
    foreign, errors = _watch(page, base_url)
    page.add_init_script(FREEZE)
    page.goto(f"{base_url}/solutions/{made.slug}")
    state = _wait_hook(page, "card", "s.ready && s.name === 'Secret Sauce'")
    assert state["foil"] == "secret"
    expect(page.get_by_text("Secret rare · from its rating")).to_be_visible()
    card = page.locator("[data-scene=card] canvas")
    assert _colours(card.screenshot()) > 20
    shoot(page, "solution-card")
    page.get_by_role("button", name="Trading card: Secret Sauce, Secret rare").click()
    _wait_hook(page, "card", "s.flipped === true")
    assert foreign == [] and errors == []


def test_a_lost_webgl_context_falls_back_with_a_notice(page: Page, base_url: str) -> None:
    member = make_member()
    _grant(member.id, 2_500, "e2e-5")
    page.add_init_script(FREEZE)
    sign_in_through_ui(page, base_url, member.email)
    page.goto(f"{base_url}/token")
    _wait_hook(page, "token", "s.ready")
    page.evaluate(
        "document.querySelector('[data-scene=token] canvas').getContext('webgl2')"
        ".getExtension('WEBGL_lose_context').loseContext()"
    )
    expect(page.get_by_role("status").filter(has_text="context was lost")).to_be_visible()
    expect(
        page.get_by_role("button", name="ECE token: 2,500 tokens, silver tier. Press to flip")
    ).to_be_visible()


def test_reduced_motion_gets_reduced_3d_without_motion(page: Page, base_url: str) -> None:
    member = make_member()
    page.emulate_media(reduced_motion="reduce")
    sign_in_through_ui(page, base_url, member.email)
    page.goto(f"{base_url}/token")
    first = _wait_hook(page, "token", "s.ready && s.level === 'reduced'")
    page.wait_for_timeout(800)
    assert _hook(page, "token")["yaw"] == first["yaw"]  # no idle spin
    page.get_by_role("button", name="ECE token: 0 tokens, bronze tier").click()
    _wait_hook(page, "token", "s.flipped === true && s.flipAngle > 3.1")  # flips at once


def test_a_corrupt_model_falls_back_with_a_notice(page: Page, base_url: str) -> None:
    member = make_member()
    _grant(member.id, 1_000, "e2e-6")
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.route("**/ece-coin-*.glb", lambda route: route.fulfill(body=b"not a model", status=200))
    page.add_init_script(FREEZE)
    sign_in_through_ui(page, base_url, member.email)
    page.goto(f"{base_url}/token")
    expect(page.get_by_role("status").filter(has_text="could not be loaded")).to_be_visible(
        timeout=30000
    )
    expect(
        page.get_by_role("button", name="ECE token: 1,000 tokens, silver tier. Press to flip")
    ).to_be_visible()
    assert errors == []  # caught by the scene's boundary, not an uncaught page error


HIDE_TAB = """() => {
  Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
  document.dispatchEvent(new Event('visibilitychange'));
}"""


def _frames_settle(page: Page, scene: str, quiet_ms: int = 700, tries: int = 20) -> int:
    """The frame count once it stops changing for ``quiet_ms`` (fails if it never does)."""
    last = _hook(page, scene).get("frames")
    for _ in range(tries):
        page.wait_for_timeout(quiet_ms)
        now = _hook(page, scene).get("frames")
        if now == last:
            return now
        last = now
    raise AssertionError(f"{scene} kept drawing frames: {last}")


def test_an_idle_token_draws_no_frames_and_a_hidden_tab_none_at_all(
    page: Page, base_url: str
) -> None:
    member = make_member()
    sign_in_through_ui(page, base_url, member.email)
    page.goto(f"{base_url}/token")
    state = _wait_hook(page, "token", "s.ready")
    # The coin spins a few seconds after it starts, then stops: no frames while idle.
    idle = _frames_settle(page, "token")
    assert idle > state["frames"] and _hook(page, "token")["frameloop"] == "demand"
    page.wait_for_timeout(1000)
    assert _hook(page, "token")["frames"] == idle
    coin = page.get_by_role("button", name="ECE token: 0 tokens, bronze tier")
    coin.focus()
    page.keyboard.press("ArrowRight")  # a touch wakes it
    _wait_hook(page, "token", f"s.frames > {idle}")
    page.evaluate(HIDE_TAB)
    _wait_hook(page, "token", "s.frameloop === 'never'")
    hidden = _frames_settle(page, "token", quiet_ms=300)
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(500)
    assert _hook(page, "token")["frames"] == hidden


def test_the_token_is_tossed_onto_a_surface_and_physics_loads_only_then(
    page: Page, base_url: str
) -> None:
    member = make_member()
    scripts: list[str] = []
    page.on("request", lambda r: scripts.append(r.url) if r.resource_type == "script" else None)
    sign_in_through_ui(page, base_url, member.email)
    page.goto(f"{base_url}/token")
    _wait_hook(page, "token", "s.ready")
    assert not [url for url in scripts if "TokenToss" in url or "rapier" in url]
    page.get_by_role("button", name="Toss the token").click()
    _wait_hook(page, "token", "s.tossing === true")
    state = _wait_hook(page, "token", "s.tossLanded === true")
    # At rest on the surface (its top at -1.1; the coin's centre 0.1 above when flat).
    assert state["atRest"] and -1.05 < state["restY"] < 0
    assert [url for url in scripts if "TokenToss" in url]
    _frames_settle(page, "token")  # at rest, no more frames
    page.get_by_role("button", name="Pick it up").click()
    expect(page.get_by_role("button", name="Toss the token")).to_be_visible()


IDLE_TWICE = """() => new Promise((done) =>
  requestIdleCallback(() => requestIdleCallback(() => done(true))))"""


def test_the_solution_card_starts_3d_only_once_it_is_on_screen(page: Page, base_url: str) -> None:
    owner = make_member(name="Lena Lazy")
    made = make_solution(owner.email, name="Lazy Card")
    scripts: list[str] = []
    page.on("request", lambda r: scripts.append(r.url) if r.resource_type == "script" else None)
    page.add_init_script(FREEZE)
    # On a phone the card is below the description and the reviews: off screen at first.
    page.set_viewport_size({"width": 375, "height": 640})
    page.goto(f"{base_url}/solutions/{made.slug}")
    expect(page.get_by_role("heading", name="Lazy Card", level=1)).to_be_visible()
    page.wait_for_load_state("networkidle")
    page.evaluate(IDLE_TWICE)
    assert _hook(page, "card").get("level") in (None, "pending")
    # three.js sits in the scene-kit chunk, which only the 3D card's own chunk imports.
    assert not [url for url in scripts if "scene-kit" in url or "CardCanvas" in url]
    expect(page.locator("[data-scene=card] img.scene3d-poster")).to_have_count(1)
    page.locator("[data-scene=card]").scroll_into_view_if_needed()
    _wait_hook(page, "card", "s.ready && s.name === 'Lazy Card'")
    assert [url for url in scripts if "CardCanvas" in url]
