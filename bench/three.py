"""3D scenes in headless Chromium: poster, first frame, fps, heap and code size.

``.venv/bin/python bench/three.py`` (about 3-5 minutes: two production builds) builds and
serves a copy of this repository (demo data plus ``seed-large`` so the gallery has 500 cards)
and a blank Reflex app, then measures, for the token scene (``/token``, signed in as the demo
member) and the instanced gallery (``/cards``, 500 cards):

- time to poster: navigation start to the first animation frame with the poster image decoded;
- time to first 3D frame: navigation start to the scene's first rendered frame;
- fps over ``--seconds`` (default 5) with frames forced continuous and adaptive quality on
  (drei PerformanceMonitor lowering the DPR), at the viewport given (default 1280x800);
- JS heap (``performance.memory.usedJSHeapSize``) after the measurement;
- the 3D code: JavaScript fetched by the 3D page but not by ``/about``, gzipped (level 9);
- initial JS of ``/about`` (a page without 3D) against the blank app's ``/``.

Runs ``--runs`` (default 3) cold loads per scene (browser cache cleared) and prints medians.
``--gpu`` launches Chromium with hardware acceleration flags (for a machine with a GPU).
Results go to stdout and to ``bench/results/three-*.json``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import time
from pathlib import Path

from playwright.sync_api import Browser, Page, Response, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import BENCH, Workspace, free_port, load_average, run

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-background-networking"]
GPU_ARGS = ["--ignore-gpu-blocklist", "--enable-gpu-rasterization", "--use-angle=vulkan"]
DEMO_MEMBER = ("member@demo.aixplore.dev", "demo-member-password")
TARGETS = {
    "poster_ms": 500,
    "first_frame_ms": 3000,
    "fps_soft": 24,
    "chunk_kb": 300,
    "heap_mb": 512,
}

# Record when the poster is first decoded and on screen, from the first animation frame on.
POSTER_PROBE = """
window.__aixplore3dAnimate = true;
(function probe() {
  const img = document.querySelector('.scene3d-frame__poster, .scene3d-poster');
  if (img && img.complete && img.naturalWidth > 0) { window.__posterAt = performance.now(); return; }
  requestAnimationFrame(probe);
})();
"""


def is_script(response: Response) -> bool:
    """Whether a response is JavaScript."""
    return response.request.resource_type == "script" or "javascript" in response.headers.get(
        "content-type", ""
    )


def scripts_of(page: Page, url: str) -> dict[str, int]:
    """Load ``url`` and return each JS file fetched (until network idle) with its gz size."""
    seen: list[Response] = []
    page.on("response", lambda r: seen.append(r) if is_script(r) else None)
    page.goto(url, wait_until="networkidle", timeout=60_000)
    return {r.url.split("?")[0]: len(gzip.compress(r.body(), 9)) for r in seen if r.ok}


def sign_in(page: Page, base: str) -> None:
    """Sign in as the demo member through the form."""
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(DEMO_MEMBER[0])
    page.get_by_label("Password").fill(DEMO_MEMBER[1])
    page.locator("main").get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(f"{base}/profile", timeout=30_000)


def measure_scene(
    browser: Browser, base: str, path: str, scene: str, seconds: float, viewport: dict
) -> dict:
    """One cold load of a 3D page and its frame rate."""
    context = browser.new_context(viewport=viewport)
    try:
        page = context.new_page()
        if path == "/token":
            sign_in(page, base)
        cdp = context.new_cdp_session(page)
        cdp.send("Network.clearBrowserCache")
        page.add_init_script(POSTER_PROBE)
        page.goto(f"{base}{path}")
        hook = f"window.__aixplore3d && window.__aixplore3d.scenes['{scene}']"
        page.wait_for_function(f"!!({hook}) && !!({hook}).firstFrameAt", timeout=60_000)
        poster = page.evaluate("window.__posterAt ?? null")
        state = page.evaluate(hook)
        before = page.evaluate(f"({hook}).frames")
        page.wait_for_timeout(seconds * 1000)
        after = page.evaluate(hook)
        heap = page.evaluate("performance.memory ? performance.memory.usedJSHeapSize : null")
        return {
            "poster_ms": poster,
            "first_frame_ms": state["firstFrameAt"],
            "fps": (after["frames"] - before) / seconds,
            "dpr_end": after.get("dpr"),
            "level": after.get("level"),
            "draw_calls": after.get("drawCalls"),
            "count": after.get("count"),
            "heap_mb": heap / 2**20 if heap else None,
        }
    finally:
        context.close()


def code_sizes(browser: Browser, base: str, blank: str) -> dict:
    """Initial JS of /about and of the blank app, and the 3D code of /token and /cards."""
    out: dict = {}
    context = browser.new_context()
    try:
        page = context.new_page()
        about = scripts_of(page, f"{base}/about")
        out["about_js_kb"] = sum(about.values()) / 1024
        out["about_loads_3d"] = any("three" in u or "Scene" in u for u in about)
        page = context.new_page()
        out["blank_js_kb"] = sum(scripts_of(page, f"{blank}/").values()) / 1024
        for path in ("/cards",):
            page = context.new_page()
            files = scripts_of(page, f"{base}{path}")
            extra = {u: s for u, s in files.items() if u not in about}
            out[f"3d_js_kb{path.replace('/', '_')}"] = sum(extra.values()) / 1024
        sign_in(page, base)
        page2 = context.new_page()
        files = scripts_of(page2, f"{base}/token")
        out["3d_js_kb_token"] = sum(s for u, s in files.items() if u not in about) / 1024
    finally:
        context.close()
    return out


def median(rows: list[dict], key: str) -> float | None:
    """The median of a key over runs (None values skipped)."""
    values = [r[key] for r in rows if r.get(key) is not None]
    return statistics.median(values) if values else None


def main() -> None:
    """Build, serve, measure, report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=800)
    parser.add_argument("--gpu", action="store_true", help="hardware-accelerated Chromium flags")
    parser.add_argument("--ref", help="measure this commit instead of the working tree")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    print(f"load average at start: {load_average()}")
    viewport = {"width": args.width, "height": args.height}
    results: dict = {"viewport": viewport, "gpu_flags": args.gpu}
    with sync_playwright() as pw, Workspace(keep=args.keep) as ws:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, args=ARGS + (GPU_ARGS if args.gpu else [])
        )
        ws.callback(browser.close)
        app = ws.copy_app(args.ref)
        run(
            [sys.executable, "-m", "aixplore.cli", "seed-large", "--count", "400"],
            cwd=app,
            env=ws.app_env(app, 0),
        )
        blank = ws.blank_app()
        app_port, blank_port = free_port(), free_port()
        with (
            ws.reflex(
                "aixplore-3d",
                app,
                ws.app_env(app, app_port, GRANIAN_WORKERS="1"),
                app_port,
                backend_only=False,
            ) as base,
            ws.reflex(
                "blank-3d", blank, ws.blank_env(blank, blank_port), blank_port, backend_only=False
            ) as blank_url,
        ):
            results["renderer"] = browser.new_page().evaluate(
                "(() => { const gl = document.createElement('canvas').getContext('webgl2');"
                " const e = gl && gl.getExtension('WEBGL_debug_renderer_info');"
                " return e ? gl.getParameter(e.UNMASKED_RENDERER_WEBGL) : 'none'; })()"
            )
            results["code"] = code_sizes(browser, base, blank_url)
            for path, scene in (("/token", "token"), ("/cards", "gallery")):
                rows = [
                    measure_scene(browser, base, path, scene, args.seconds, viewport)
                    for _ in range(args.runs)
                ]
                results[scene] = {
                    "runs": rows,
                    **{
                        k: median(rows, k)
                        for k in ("poster_ms", "first_frame_ms", "fps", "heap_mb")
                    },
                }
    report(results)
    out = BENCH / "results" / f"three-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=1))
    print(f"\nresults: {out}; load average at end: {load_average()}")


def report(r: dict) -> None:
    """Print the figures, ratios and targets."""
    print(
        f"\nrenderer: {r['renderer']}; viewport {r['viewport']['width']}x{r['viewport']['height']}"
    )
    print(f"{'scene':<8} {'poster ms':>9} {'1st frame ms':>12} {'fps':>6} {'heap MB':>8}  last run")
    for scene in ("token", "gallery"):
        s = r[scene]
        last = s["runs"][-1]
        print(
            f"{scene:<8} {s['poster_ms'] or float('nan'):9.0f} {s['first_frame_ms']:12.0f} "
            f"{s['fps']:6.1f} {s['heap_mb'] or float('nan'):8.1f}  level {last['level']}, "
            f"dpr {last['dpr_end']}, draw calls {last['draw_calls']}, items {last['count']}"
        )
    c = r["code"]
    print(
        f"3D code gz: token page {c['3d_js_kb_token']:.1f} KB, gallery page {c['3d_js_kb_cards']:.1f} KB"
        f" (target <= {TARGETS['chunk_kb']} KB)"
    )
    print(
        f"initial JS gz: /about {c['about_js_kb']:.1f} KB, blank app {c['blank_js_kb']:.1f} KB,"
        f" ratio {c['about_js_kb'] / c['blank_js_kb']:.2f}x; /about loads 3D code: {c['about_loads_3d']}"
    )
    for scene in ("token", "gallery"):
        s = r[scene]
        checks = [
            ("poster", (s["poster_ms"] or 1e9) < TARGETS["poster_ms"]),
            ("first frame", s["first_frame_ms"] < TARGETS["first_frame_ms"]),
            ("fps>=24", s["fps"] >= TARGETS["fps_soft"]),
            ("heap", (s["heap_mb"] or 0) < TARGETS["heap_mb"]),
        ]
        print(f"{scene}: " + ", ".join(f"{n} {'ok' if ok else 'MISSED'}" for n, ok in checks))


if __name__ == "__main__":
    main()
