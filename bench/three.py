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

The parts: ``three_measure.py`` (what is measured in the browser) and ``three_report.py`` (the
printed report and the targets); here, the builds, the servers and the run.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Workspace, free_port, load_average, run, save_results
from three_measure import SCENES, code_sizes, measure_idle, measure_rows
from three_report import report

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-background-networking"]
GPU_ARGS = ["--ignore-gpu-blocklist", "--enable-gpu-rasterization", "--use-angle=vulkan"]
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

# The room turned round to face down the gallery, with and without the portal test.
TURNED = "window.__aixplore3dStartYaw = Math.PI;"
ROOM_VIEWS = {
    "portals": TURNED,
    "no_portals": TURNED + "window.__aixplore3dNoPortals = true;",
}


def seed_gallery(app: Path, env: dict) -> None:
    """The large catalogue and the demo member's 200-card gallery."""
    run([sys.executable, "-m", "aixplore.cli", "seed-large", "--count", "400"], cwd=app, env=env)
    run([sys.executable, "-c", SEED_GALLERY], cwd=app, env=env)


def main() -> None:
    """Build, serve, measure, report."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
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


if __name__ == "__main__":
    main()
