"""The 3D benchmark's measurements in Chromium: cold loads of a scene (poster, first frame,
fps, CPU per frame, heap), idle frames and CPU, and the JavaScript each page fetches."""

from __future__ import annotations

import gzip
import os
import statistics
from pathlib import Path
from typing import cast

from playwright.sync_api import Browser, Page, Response, ViewportSize

DEMO_MEMBER = ("member@demo.aixplore.dev", "demo-member-password")
SCENES = (("/token", "token"), ("/gallery", "room"))

# Record when the poster is first decoded and on screen, from the first animation frame on.
POSTER_PROBE = """
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


def signed_in_tab(context, base: str) -> None:
    """Sign the context in, then close the tab: /profile shows a token that would draw too."""
    tab = context.new_page()
    sign_in(tab, base)
    tab.close()


def browser_cpu_seconds() -> float:
    """CPU seconds used so far by every Chromium process this benchmark started (from /proc)."""
    parents: dict[int, int] = {}
    names: dict[int, str] = {}
    times: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            head, _, rest = stat.read_text().rpartition(")")
            fields = rest.split()
            pid = int(stat.parent.name)
            parents[pid], names[pid] = int(fields[1]), head.partition("(")[2]
            times[pid] = int(fields[11]) + int(fields[12])
        except (OSError, ValueError, IndexError):
            continue
    ours = {os.getpid()}
    grew = True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in ours} - ours
        grew, ours = bool(more), ours | more
    ticks = sum(times[pid] for pid in ours if "chrom" in names.get(pid, ""))
    return ticks / os.sysconf("SC_CLK_TCK")


def task_seconds(cdp) -> float:
    """The renderer main thread's task time so far (CDP Performance.getMetrics)."""
    metrics = cdp.send("Performance.getMetrics")["metrics"]
    return next(m["value"] for m in metrics if m["name"] == "TaskDuration")


def open_scene(context, base: str, path: str, scene: str, init: str):
    """A new page with ``init`` run first, loaded cold at ``path`` until the first 3D frame."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.clearBrowserCache")
    cdp.send("Performance.enable")
    page.add_init_script(init + POSTER_PROBE)
    page.goto(f"{base}{path}")
    hook = f"window.__aixplore3d && window.__aixplore3d.scenes['{scene}']"
    page.wait_for_function(f"!!({hook}) && !!({hook}).firstFrameAt", timeout=90_000)
    return page, cdp, hook


def measure_scene(
    browser: Browser,
    base: str,
    path: str,
    scene: str,
    seconds: float,
    viewport: dict,
    init: str = "",
) -> dict:
    """One cold load of a 3D page with frames forced continuous: fps and CPU per frame."""
    context = browser.new_context(viewport=cast(ViewportSize, viewport))
    try:
        signed_in_tab(context, base)
        page, cdp, hook = open_scene(
            context, base, path, scene, "window.__aixplore3dAnimate = true;" + init
        )
        poster = page.evaluate("window.__posterAt ?? null")
        state = page.evaluate(hook)
        before, task0, cpu0 = (
            page.evaluate(f"({hook}).frames"),
            task_seconds(cdp),
            browser_cpu_seconds(),
        )
        page.wait_for_timeout(seconds * 1000)
        after = page.evaluate(hook)
        frames = max(1, after["frames"] - before)
        task, cpu = task_seconds(cdp) - task0, browser_cpu_seconds() - cpu0
        heap = page.evaluate("performance.memory ? performance.memory.usedJSHeapSize : null")
        return {
            "poster_ms": poster,
            "first_frame_ms": state["firstFrameAt"],
            "fps": (after["frames"] - before) / seconds,
            "main_ms_per_frame": task * 1000 / frames,
            "cpu_ms_per_frame": cpu * 1000 / frames,
            "dpr_end": after.get("dpr"),
            "level": after.get("level"),
            "draw_calls": after.get("drawCalls"),
            "triangles": after.get("triangles"),
            "zones_drawn": after.get("zonesDrawn"),
            "count": after.get("count"),
            "heap_mb": heap / 2**20 if heap else None,
        }
    finally:
        context.close()


def measure_idle(
    browser: Browser, base: str, path: str, scene: str, seconds: float, viewport: dict, legacy: bool
) -> dict:
    """Frames and browser CPU per second of a scene left alone (``legacy``: the old loop)."""
    context = browser.new_context(viewport=cast(ViewportSize, viewport))
    try:
        signed_in_tab(context, base)
        init = "window.__aixplore3dLegacy = true;" if legacy else ""
        page, cdp, hook = open_scene(context, base, path, scene, init)
        page.wait_for_timeout(6000)  # the token spins 4 s after it starts, then stops
        frames0, task0, cpu0 = (
            page.evaluate(f"({hook}).frames"),
            task_seconds(cdp),
            browser_cpu_seconds(),
        )
        page.wait_for_timeout(seconds * 1000)
        frames = page.evaluate(f"({hook}).frames") - frames0
        task, cpu = task_seconds(cdp) - task0, browser_cpu_seconds() - cpu0
        return {
            "idle_fps": frames / seconds,
            "idle_main_ms_per_s": task * 1000 / seconds,
            "idle_cpu_ms_per_s": cpu * 1000 / seconds,
            "frameloop": page.evaluate(f"({hook}).frameloop ?? 'always'"),
            "level": page.evaluate(f"({hook}).level"),
        }
    finally:
        context.close()


def code_sizes(browser: Browser, base: str, blank: str) -> dict:
    """Initial JS of /about and of the blank app, and the 3D code of each 3D page."""
    out: dict = {}
    context = browser.new_context()
    try:
        page = context.new_page()
        about = scripts_of(page, f"{base}/about")
        out["about_js_kb"] = sum(about.values()) / 1024
        out["about_loads_3d"] = any("three" in u or "Scene" in u or "Room" in u for u in about)
        page = context.new_page()
        out["blank_js_kb"] = sum(scripts_of(page, f"{blank}/").values()) / 1024
        sign_in(page, base)
        for path, scene in SCENES:
            page = context.new_page()
            page.add_init_script("window.__aixplore3dAnimate = true;")
            # The scene's own chunks load once it starts (after the page is quiet): collect
            # every script until its first frame has been drawn and the network is idle again.
            seen: list[Response] = []
            page.on("response", lambda r, seen=seen: seen.append(r) if is_script(r) else None)
            page.goto(f"{base}{path}", timeout=60_000)
            hook = f"window.__aixplore3d && window.__aixplore3d.scenes['{scene}']"
            page.wait_for_function(f"!!({hook}) && !!({hook}).firstFrameAt", timeout=90_000)
            page.wait_for_load_state("networkidle")
            files = {r.url.split("?")[0]: len(gzip.compress(r.body(), 9)) for r in seen if r.ok}
            out[f"3d_js_kb_{scene}"] = sum(s for u, s in files.items() if u not in about) / 1024
            if scene == "token":
                out["toss_js_kb"] = toss_code_kb(page, hook)
    finally:
        context.close()
    return out


def toss_code_kb(page: Page, hook: str) -> float | None:
    """The JavaScript the first toss fetches (the physics engine), gzipped, in KB."""
    seen: list[Response] = []
    toss = page.get_by_role("button", name="Toss the token")
    if not toss.count():  # adaptive quality fell back below 3D (a loaded machine): no toss
        return None
    page.on("response", lambda r: seen.append(r) if is_script(r) else None)
    toss.click()
    page.wait_for_function(f"({hook}).tossLanded === true", timeout=90_000)
    page.wait_for_load_state("networkidle")
    return sum(len(gzip.compress(r.body(), 9)) for r in seen if r.ok) / 1024


ROW_KEYS = (
    "poster_ms",
    "first_frame_ms",
    "fps",
    "heap_mb",
    "main_ms_per_frame",
    "cpu_ms_per_frame",
    "draw_calls",
    "triangles",
)


def measure_rows(browser: Browser, base: str, path: str, scene: str, args, init: str = "") -> dict:
    """``args.runs`` cold loads of one scene and the medians of their figures."""
    viewport = {"width": args.width, "height": args.height}
    rows = [
        measure_scene(browser, base, path, scene, args.seconds, viewport, init)
        for _ in range(args.runs)
    ]
    return {"runs": rows, **{k: median(rows, k) for k in ROW_KEYS}}


def median(rows: list[dict], key: str) -> float | None:
    """The median of a key over runs (None values skipped)."""
    values = [r[key] for r in rows if r.get(key) is not None]
    return statistics.median(values) if values else None
