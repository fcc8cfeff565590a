"""3D scenes in headless Chromium: poster, first frame, fps, CPU per frame, idle frames, heap, code.

``.venv/bin/python bench/three.py`` (about 5-8 minutes: two production builds) builds and
serves a copy of this repository (demo data plus ``seed-large``, the demo member's gallery
filled to about 200 cards by bookmarks) and a blank Reflex app, then measures, for the token
scene (``/token``) and the gallery room (``/gallery``, 200 cards), signed in as the demo member:

- time to poster: navigation start to the first animation frame with the poster image decoded;
- time to first 3D frame: navigation start to the scene's first rendered frame;
- fps over ``--seconds`` (default 5) with frames forced continuous and adaptive quality on
  (drei PerformanceMonitor lowering the DPR), at the viewport given (default 1280x800);
- CPU per frame while animating: the CPU time of every Chromium process (renderer, GPU process
  with SwiftShader, browser; from /proc) divided by the frames drawn, the stand-in for battery
  drain; beside it the renderer's task time (CDP ``TaskDuration``: wall-clock time of its
  tasks, so on a loaded machine it counts the time they waited for a core as well);
- idle: frames per second and browser CPU ms per second over ``--idle-seconds`` (default 4),
  starting 6 s after the first frame (the token's spin has stopped), twice: as the code is
  ("after") and with ``window.__aixplore3dLegacy`` set, the behaviour before frugal rendering
  ("before": continuous frames while the token spins, no pause off screen), in the same run;
- JS heap (``performance.memory.usedJSHeapSize``) after the measurement;
- the 3D code: JavaScript fetched by the 3D page but not by ``/about``, gzipped (level 9);
- initial JS of ``/about`` (a page without 3D) against the blank app's ``/``.

For the gallery room, also: the room turned to face down the gallery (through the first
doorway, ``window.__aixplore3dStartYaw``) with the portal test on and off
(``window.__aixplore3dNoPortals``: frustum culling only) in the same run: draw calls, triangles,
fps. With ``--baseline REF`` (e.g. the previous commit) it builds that commit too and measures
its room the same way, after the working tree's, beside it in the report.

Runs ``--runs`` (default 3) cold loads per scene (browser cache cleared) and prints medians.
``--gpu`` launches Chromium with hardware acceleration flags (for a machine with a GPU).
Results go to stdout and to ``bench/results/three-*.json``.
"""

from __future__ import annotations

import argparse
import gzip
import os
import statistics
import sys
from pathlib import Path

from playwright.sync_api import Browser, Page, Response, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Workspace, free_port, load_average, run, save_results

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
    "room_heap_mb": 200,
    "room_first_frame_ms": 1500,
    "room_fps_soft": 30,
    "room_chunk_kb": 350,
}
SCENES = (("/token", "token"), ("/gallery", "room"))
# Bookmarks for the demo member so their gallery holds about 200 cards.
SEED_GALLERY = """
from sqlmodel import select
from aixplore.core.db import session_scope
from aixplore.domain import tables  # noqa: F401
from aixplore.domain.accounts.models import User
from aixplore.domain.discovery.models import Bookmark
from aixplore.domain.solutions.models import Solution, SolutionStatus
with session_scope() as db:
    user = db.exec(select(User).where(User.email == "member@demo.aixplore.dev")).one()
    have = set(db.exec(select(Bookmark.solution_id).where(Bookmark.user_id == user.id)).all())
    ids = db.exec(select(Solution.id).where(Solution.status == SolutionStatus.PUBLISHED)
                  .order_by(Solution.id).limit(200)).all()
    for sid in ids:
        if sid not in have:
            db.add(Bookmark(user_id=user.id, solution_id=sid))
"""

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
    context = browser.new_context(viewport=viewport)
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
    context = browser.new_context(viewport=viewport)
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


# The room turned round to face down the gallery, with and without the portal test.
TURNED = "window.__aixplore3dStartYaw = Math.PI;"
ROOM_VIEWS = {
    "portals": TURNED,
    "no_portals": TURNED + "window.__aixplore3dNoPortals = true;",
}
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


def seed_gallery(app: Path, env: dict) -> None:
    """The large catalogue and the demo member's 200-card gallery."""
    run([sys.executable, "-m", "aixplore.cli", "seed-large", "--count", "400"], cwd=app, env=env)
    run([sys.executable, "-c", SEED_GALLERY], cwd=app, env=env)


def median(rows: list[dict], key: str) -> float | None:
    """The median of a key over runs (None values skipped)."""
    values = [r[key] for r in rows if r.get(key) is not None]
    return statistics.median(values) if values else None


def main() -> None:
    """Build, serve, measure, report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--idle-seconds", type=float, default=4.0)
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=800)
    parser.add_argument("--gpu", action="store_true", help="hardware-accelerated Chromium flags")
    parser.add_argument("--ref", help="measure this commit instead of the working tree")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--baseline", help="also build this commit and measure its room beside")
    args = parser.parse_args()
    print(f"load average at start: {load_average()}")
    viewport = {"width": args.width, "height": args.height}
    results: dict = {"viewport": viewport, "gpu_flags": args.gpu, "baseline": args.baseline}
    with sync_playwright() as pw, Workspace(keep=args.keep) as ws:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, args=ARGS + (GPU_ARGS if args.gpu else [])
        )
        ws.callback(browser.close)
        app = ws.copy_app(args.ref)
        seed_gallery(app, ws.app_env(app, 0))
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
            for path, scene in SCENES:
                results[scene] = measure_rows(browser, base, path, scene, args)
                for mode, legacy in (("before", True), ("after", False)):
                    results[scene][f"idle_{mode}"] = measure_idle(
                        browser, base, path, scene, args.idle_seconds, viewport, legacy
                    )
            for view, init in ROOM_VIEWS.items():
                results[f"room_{view}"] = measure_rows(
                    browser, base, "/gallery", "room", args, init
                )
            results["load_mid"] = load_average()
        if args.baseline:
            old = ws.copy_app(args.baseline, name="baseline")
            seed_gallery(old, ws.app_env(old, 0))
            old_port = free_port()
            env = ws.app_env(old, old_port, GRANIAN_WORKERS="1")
            with ws.reflex("aixplore-3d-baseline", old, env, old_port, backend_only=False) as url:
                results["room_baseline"] = measure_rows(browser, url, "/gallery", "room", args)
                results["room_baseline_turned"] = measure_rows(
                    browser, url, "/gallery", "room", args, TURNED
                )
    report(results)
    out = save_results("three", results)
    print(f"\nresults: {out}; load average at end: {load_average()}")


def room_line(name: str, s: dict) -> str:
    """One row of the room comparison."""
    last = s["runs"][-1]
    return (
        f"  {name:<24} 1st frame {s['first_frame_ms'] or float('nan'):6.0f} ms, "
        f"{s['fps']:5.1f} fps, {s['cpu_ms_per_frame']:6.1f} cpu ms/f, "
        f"heap {s['heap_mb'] or float('nan'):5.1f} MB, draw calls {s['draw_calls']}, "
        f"triangles {s['triangles']}, zones drawn {last.get('zones_drawn')}"
    )


def report(r: dict) -> None:
    """Print the figures, the before/after idle figures and the targets."""
    print(
        f"\nrenderer: {r['renderer']}; viewport {r['viewport']['width']}x{r['viewport']['height']}"
    )
    print(
        f"{'scene':<6} {'poster ms':>9} {'1st frame':>9} {'fps':>6} {'task ms/f':>9}"
        f" {'cpu ms/f':>8} {'heap MB':>8}  last run (task ms/f: renderer wall time)"
    )
    for _, scene in SCENES:
        s = r[scene]
        last = s["runs"][-1]
        print(
            f"{scene:<6} {s['poster_ms'] or float('nan'):9.0f} {s['first_frame_ms']:9.0f} "
            f"{s['fps']:6.1f} {s['main_ms_per_frame']:9.1f} {s['cpu_ms_per_frame']:8.1f} "
            f"{s['heap_mb'] or float('nan'):8.1f}  level {last['level']}, dpr {last['dpr_end']}, "
            f"draw calls {last['draw_calls']}, items {last['count']}"
        )
    print("idle (left alone, before frugal rendering -> now):")
    for _, scene in SCENES:
        b, a = r[scene]["idle_before"], r[scene]["idle_after"]
        print(
            f"  {scene:<6} {b['idle_fps']:.1f} -> {a['idle_fps']:.1f} fps; browser CPU "
            f"{b['idle_cpu_ms_per_s']:.0f} -> {a['idle_cpu_ms_per_s']:.0f} ms/s; renderer tasks "
            f"{b['idle_main_ms_per_s']:.0f} -> {a['idle_main_ms_per_s']:.0f} ms/s "
            f"(loop {b['frameloop']} -> {a['frameloop']}, level {b['level']} -> {a['level']})"
        )
    c = r["code"]
    print(
        f"3D code gz: token page {c['3d_js_kb_token']:.1f} KB, gallery room {c['3d_js_kb_room']:.1f} KB"
        f" (targets <= {TARGETS['chunk_kb']} / {TARGETS['room_chunk_kb']} KB); the first toss"
        f" fetches {c.get('toss_js_kb') or float('nan'):.1f} KB more (physics, WebAssembly inside)"
    )
    print(
        f"initial JS gz: /about {c['about_js_kb']:.1f} KB, blank app {c['blank_js_kb']:.1f} KB,"
        f" ratio {c['about_js_kb'] / c['blank_js_kb']:.2f}x; /about loads 3D code: {c['about_loads_3d']}"
    )
    print("gallery room, 200 cards (median of runs; the baseline is built from --baseline):")
    rows = [
        ("now, facing featured", "room"),
        ("now, turned, portals", "room_portals"),
        ("now, turned, no portals", "room_no_portals"),
        ("baseline, facing featured", "room_baseline"),
        ("baseline, turned", "room_baseline_turned"),
    ]
    for name, key in rows:
        if key in r:
            print(room_line(name, r[key]))
    for _, scene in SCENES:
        s = r[scene]
        room = scene == "room"
        checks = [
            ("poster", (s["poster_ms"] or 1e9) < TARGETS["poster_ms"]),
            (
                "first frame",
                s["first_frame_ms"] < TARGETS["room_first_frame_ms" if room else "first_frame_ms"],
            ),
            ("fps", s["fps"] >= TARGETS["room_fps_soft" if room else "fps_soft"]),
            ("heap", (s["heap_mb"] or 0) < TARGETS["room_heap_mb" if room else "heap_mb"]),
            ("idle 0 fps", s["idle_after"]["idle_fps"] == 0),
        ]
        print(f"{scene}: " + ", ".join(f"{n} {'ok' if ok else 'MISSED'}" for n, ok in checks))


if __name__ == "__main__":
    main()
