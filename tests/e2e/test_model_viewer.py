"""A solution's 3D model: uploaded on the listing form, shown on its page poster first.

One browser pass: a hostile file is refused with its reason, a real model is accepted, the job
compresses it, the page paints the poster, then the viewer (software WebGL), at 1280 and
375 px, axe-clean; a lost WebGL context falls back to the poster with a retry. And the
publisher's handlers fired over the socket by a stranger are refused.
"""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from aixplore.core.db import session_scope
from aixplore.domain.models3d import services as models3d
from aixplore.domain.models3d.models import SolutionModel
from aixplore.web.solutions.model_view import ModelUploadState
from tests.e2e.helpers import axe_violations, horizontal_overflow, run_async, sign_in_through_ui
from tests.factories import actor_for, make_member, make_solution, sign_in
from tests.support.glb import make_glb, png
from tests.support.reflex_client import ReflexClient

pytestmark = pytest.mark.e2e

DESCRIPTION = "A wavy blue panel on a square grid, about one metre across."
HOOK = "window.__aixplore3d && window.__aixplore3d.scenes['solution-model']"
# Record each WebGL context the page makes, so the test can lose model-viewer's own one.
RECORD_CONTEXTS = """
window.__glContexts = [];
const makeContext = HTMLCanvasElement.prototype.getContext;
HTMLCanvasElement.prototype.getContext = function (kind, ...rest) {
  const context = makeContext.call(this, kind, ...rest);
  if (context && String(kind).startsWith('webgl')) window.__glContexts.push([this, context]);
  return context;
};
"""
# model-viewer draws on its renderer's canvas: in its shadow root, or off the document.
LOSE_CONTEXT = """() => {
  window.__lostContexts = [];
  for (const [canvas, gl] of window.__glContexts) {
    const root = canvas.getRootNode();
    const ours = !canvas.isConnected || (root.host && root.host.localName === 'model-viewer');
    const lose = ours && !gl.isContextLost() && gl.getExtension('WEBGL_lose_context');
    if (lose) { lose.loseContext(); window.__lostContexts.push(lose); }
  }
  return window.__lostContexts.length;
}"""


def _status(slug: str) -> str:
    with session_scope() as db:
        row = db.exec(select(SolutionModel).where(SolutionModel.file_name == f"{slug}.glb")).first()
        return row.status if row else ""


def _wait_processed(slug: str, timeout: float = 120) -> str:
    """Wait for the app's job worker to finish the model (a condition, polled)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = _status(slug)
        if status in ("ready", "failed"):
            return status
        time.sleep(0.25)
    return _status(slug)


def _upload(page: Page, name: str, data: bytes) -> None:
    page.locator("#model input[type=file]").set_input_files(
        [{"name": name, "mimeType": "model/gltf-binary", "buffer": data}]
    )
    page.get_by_role("button", name="Upload model").click()


def _wait_phase(page: Page, condition: str, timeout: int = 60000) -> None:
    page.wait_for_function(
        f"(() => {{ const s = {HOOK}; return !!s && ({condition}); }})()", timeout=timeout
    )


def test_a_publisher_uploads_a_model_and_its_page_shows_it(
    page: Page, base_url: str, shoot
) -> None:
    owner = make_member(name="Model Maker")
    slug = make_solution(owner.email, name="Wave Panel").slug
    page.add_init_script(RECORD_CONTEXTS)
    sign_in_through_ui(page, base_url, owner.email)
    page.goto(f"{base_url}/publish/{slug}")
    page.get_by_label("What the model shows").fill(DESCRIPTION)
    hostile = make_glb(json_patch={"images": [{"uri": "https://evil.example/t.png"}]})
    _upload(page, "evil.glb", hostile)
    expect(page.get_by_role("alert").filter(has_text="refers to an outside file")).to_be_visible()
    _upload(page, f"{slug}.glb", make_glb(cells=16, images=[png((64, 64))]))
    expect(page.locator("#model-status")).to_contain_text(f"{slug}.glb · 512 triangles")
    assert _wait_processed(slug) == "ready"

    page.goto(f"{base_url}/solutions/{slug}")
    frame = page.locator(".model-viewer-box")
    expect(frame.locator("img").first).to_be_visible()  # the poster, before any 3D code
    expect(page.locator("figcaption").filter(has_text=DESCRIPTION)).to_be_visible()
    frame.scroll_into_view_if_needed()
    _wait_phase(page, "s.phase === 'ready'")
    # React sets model-viewer's declared properties (alt, src) as properties, not attributes.
    assert page.evaluate("document.querySelector('model-viewer').alt") == DESCRIPTION
    expect(page.locator("model-viewer")).to_have_attribute("camera-controls", "")
    shoot(page, "solution-model")
    assert axe_violations(page) == []

    assert page.evaluate(LOSE_CONTEXT) >= 1
    message = frame.get_by_role("status").filter(has_text="graphics context was lost")
    expect(message).to_be_visible()
    expect(frame.locator("img").first).to_be_visible()
    # As the browser does a moment later.
    page.evaluate("window.__lostContexts.forEach((lose) => lose.restoreContext())")
    page.get_by_role("button", name="Try 3D again").click()
    _wait_phase(page, "s.phase === 'ready'")

    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    page.locator(".model-viewer-box").scroll_into_view_if_needed()
    _wait_phase(page, "s.phase === 'ready'")
    # Phones get the lighter level of detail.
    src = page.evaluate("document.querySelector('model-viewer').src") or ""
    with session_scope() as db:
        row = db.exec(select(SolutionModel).where(SolutionModel.file_name == f"{slug}.glb")).one()
    assert src.endswith(row.lod1_path)
    shoot(page, "solution-model")
    assert horizontal_overflow(page) == 0
    assert axe_violations(page) == []


def test_a_stranger_firing_the_publishers_handlers_is_refused(app_url: str) -> None:
    owner = make_member()
    stranger = make_member()
    slug = make_solution(owner.email, name="Guarded Model").slug
    with session_scope() as db:
        models3d.do_attach_model(
            db,
            actor_for(sign_in(owner.email)),
            slug,
            models3d.store_model(make_glb(), f"{slug}.glb"),
            DESCRIPTION,
        )
    token = sign_in(stranger.email)

    async def attack() -> list:
        async with ReflexClient(app_url, cookies={"aixplore_session": token}) as tab:
            await tab.hydrate(f"/publish/{slug}", params={"slug": slug})
            await tab.call(ModelUploadState.set_description, value="Vandalised text for the model.")
            return [
                await tab.call(ModelUploadState.save_description),
                await tab.call(ModelUploadState.remove_model),
            ]

    for result in run_async(attack()):
        assert ("error", "Only the publisher can change this solution.") in result.toasts
    with session_scope() as db:
        row = db.exec(select(SolutionModel).where(SolutionModel.file_name == f"{slug}.glb")).one()
        assert row.description == DESCRIPTION
