"""Page loads in headless Chromium: AiXplore against a blank Reflex app built in the same run.

``.venv/bin/python bench/page.py`` (about 3 minutes: two production builds) builds and serves a
copy of this repository and a blank Reflex app (``reflex init --template blank``) with
``reflex run --env prod`` on one 127.0.0.1 port each, then loads ``/`` in a fresh browser
context (cold cache) several times and reports the medians of:

- TTFB: ``responseStart`` of the navigation entry (ms after navigation start);
- FCP: the ``first-contentful-paint`` entry;
- initial JS: the JavaScript files fetched before the network went idle, each gzipped
  (level 9) and summed, so the figure does not depend on how the server compresses;
- LCP: the last ``largest-contentful-paint`` entry once the page shows its content (for the
  catalog, ``/solutions`` with the demo's 228 solutions: once the first result card is
  painted). The catalog is AiXplore's only (a blank app has none); its target is < 1.5 s.

Chromium is Debian's (``/usr/bin/chromium``) driven by Playwright's sync API. Results go to
stdout and, as JSON, to ``bench/results/``.
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import time
from pathlib import Path

from playwright.sync_api import Browser, Response, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Workspace, free_port, load_average, save_results

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
]
PAINT_TIMING = """() => new Promise((resolve) => {
  const nav = performance.getEntriesByType("navigation")[0];
  const done = (fcp) => resolve({ttfb: nav.responseStart, fcp: fcp});
  const seen = performance.getEntriesByName("first-contentful-paint")[0];
  if (seen) { done(seen.startTime); return; }
  new PerformanceObserver((list) => {
    const entry = list.getEntriesByName("first-contentful-paint")[0];
    if (entry) done(entry.startTime);
  }).observe({type: "paint", buffered: true});
  setTimeout(() => done(null), 10000);
})"""


LCP_TIMING = """() => new Promise((resolve) => {
  let last = null;
  new PerformanceObserver((list) => {
    const entries = list.getEntries();
    if (entries.length) last = entries[entries.length - 1].startTime;
  }).observe({type: "largest-contentful-paint", buffered: true});
  setTimeout(() => resolve(last), 300);
})"""
# Content that shows a page is ready, per path (None: the network going idle is enough).
READY = {"/": None, "/solutions": "a[href^='/solutions/'] h3"}


def is_script(response: Response) -> bool:
    """Whether a response is JavaScript the page loaded."""
    kind = response.request.resource_type
    content_type = response.headers.get("content-type", "")
    return kind == "script" or "javascript" in content_type


def load_once(browser: Browser, url: str, ready: str | None = None) -> dict:
    """One cold load of ``url``: TTFB, FCP, LCP, and the gzipped size of each JS file."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        scripts: list[Response] = []
        page.on("response", lambda r: scripts.append(r) if is_script(r) else None)
        page.goto(url, wait_until="networkidle", timeout=60_000)
        if ready:
            page.wait_for_selector(ready, timeout=30_000)
        timing = page.evaluate(PAINT_TIMING)
        timing["lcp"] = page.evaluate(LCP_TIMING)
        sizes = {r.url: len(gzip.compress(r.body(), 9)) for r in scripts if r.ok}
        return {**timing, "js_files": len(sizes), "js_gz_bytes": sum(sizes.values())}
    finally:
        context.close()


def measure(browser: Browser, url: str, runs: int, ready: str | None = None) -> dict:
    """One warm-up load (discarded), then ``runs`` cold loads; medians."""
    load_once(browser, url, ready)
    loads = [load_once(browser, url, ready) for _ in range(runs)]
    fcps = [x["fcp"] for x in loads if x["fcp"] is not None]
    lcps = [x["lcp"] for x in loads if x["lcp"] is not None]
    return {
        "ttfb_ms": statistics.median(x["ttfb"] for x in loads),
        "fcp_ms": statistics.median(fcps) if fcps else float("nan"),
        "lcp_ms": statistics.median(lcps) if lcps else float("nan"),
        "js_files": statistics.median(x["js_files"] for x in loads),
        "js_gz_kb": statistics.median(x["js_gz_bytes"] for x in loads) / 1024,
        "loads": loads,
    }


def run_all(runs: int, keep: bool, ref: str | None) -> dict[str, dict]:
    """Build and serve each app in turn and measure its home page."""
    results: dict[str, dict] = {}
    with sync_playwright() as pw, Workspace(keep=keep) as ws:
        print(f"workspace {ws.root}", file=sys.stderr, flush=True)
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        ws.callback(browser.close)
        apps = {
            "blank": (ws.blank_app(), ws.blank_env),
            "aixplore": (ws.copy_app(ref), ws.app_env),
        }
        for name, (app_dir, make_env) in apps.items():
            port = free_port()
            print(f"  building and serving {name} on port {port}", file=sys.stderr, flush=True)
            started = time.monotonic()
            env = make_env(app_dir, port, GRANIAN_WORKERS="1")
            with ws.reflex(f"{name}-page", app_dir, env, port, backend_only=False) as url:
                print(f"  {name} up after {time.monotonic() - started:.0f} s", file=sys.stderr)
                results[name] = measure(browser, f"{url}/", runs)
                if name == "aixplore":
                    results["aixplore /solutions"] = measure(
                        browser, f"{url}/solutions", runs, READY["/solutions"]
                    )
    return results


def report(results: dict[str, dict], runs: int) -> None:
    """Print the table and the ratios."""
    print(f"\nPages in headless Chromium (1280x800), median of {runs} cold loads")
    print(
        f"{'app and page':<20} {'TTFB ms':>8} {'FCP ms':>8} {'LCP ms':>8} {'JS files':>9} "
        f"{'JS gz KB':>9}"
    )
    for name, r in results.items():
        label = name if " " in name else f"{name} /"
        print(
            f"{label:<20} {r['ttfb_ms']:8.1f} {r['fcp_ms']:8.1f} {r['lcp_ms']:8.1f} "
            f"{r['js_files']:9.0f} {r['js_gz_kb']:9.1f}"
        )
    catalog = results["aixplore /solutions"]["lcp_ms"]
    verdict = "met" if catalog < 1500 else "NOT met"
    print(f"catalog LCP {catalog:.0f} ms (target < 1500 ms: {verdict})")
    ours, blank = results["aixplore"], results["blank"]
    print(
        f"aixplore/blank: TTFB {ours['ttfb_ms'] / blank['ttfb_ms']:.2f}x, "
        f"FCP {ours['fcp_ms'] / blank['fcp_ms']:.2f}x, "
        f"JS gz {ours['js_gz_kb'] / blank['js_gz_kb']:.2f}x"
    )


def main() -> None:
    """Parse the arguments, run, report, save."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=9, help="cold loads per app")
    parser.add_argument("--ref", help="measure this commit instead of the working tree")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder and logs")
    args = parser.parse_args()
    started = time.monotonic()
    print(f"load average at start: {load_average()}")
    results = run_all(args.runs, args.keep, args.ref)
    report(results, args.runs)
    out = save_results("page", results)
    print(
        f"\nresults: {out}; total {time.monotonic() - started:.0f} s; load average at end: "
        f"{load_average()}"
    )


if __name__ == "__main__":
    main()
