"""Lighthouse on AiXplore's public pages beside a blank Reflex page, mobile and desktop.

``flock /tmp/reflex-build.lock .venv/bin/python bench/lighthouse.py`` (about 10 minutes on
2 cores: two production builds, then one Lighthouse run per page and preset) builds and
serves a blank Reflex app (``reflex init --template blank``) and a copy of this repository
(migrated, demo-seeded SQLite) with ``reflex run --env prod``, as ``bench/page.py`` does, and
runs Lighthouse 12.2.3 (``bench/lighthouse/``, installed with ``npm ci`` when missing) with
Debian's Chromium (``CHROME_PATH=/usr/bin/chromium``) against ``/``, ``/solutions``, one
solution page, ``/events``, ``/login`` and the blank app's ``/``, with the mobile preset
(Lighthouse's default: simulated slow 4G and a 4x slower CPU) and the desktop preset.

It prints, per page and preset, the medians of ``--runs`` runs: the performance score, total
blocking time, cumulative layout shift, largest contentful paint, and the accessibility and
SEO scores, the blank page's beside them, then each target met or not: mobile performance
>= 90 and no lower than the blank page's minus 3, TBT < 200 ms, CLS < 0.05, accessibility
100, SEO 100. The audits that cost points are listed under the table. Figures go to stdout
and, as JSON, to ``bench/results/``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import BENCH, Workspace, base_env, free_port, load_average, save_results

TOOL = BENCH / "lighthouse"
LIGHTHOUSE = TOOL / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-dev-shm-usage --disable-background-networking "
    "--disable-component-update"
)
PRESETS = ("mobile", "desktop")
# The solution page's path is found at run time (the first solution of the demo catalog).
AIXPLORE_PAGES = ("/", "/solutions", "solution", "/events", "/login")
SCORED = ("performance", "accessibility", "seo")
# Targets: mobile performance, then for every page and preset.
MOBILE_PERFORMANCE, BLANK_MARGIN = 90, 3
TBT_MS, CLS, ACCESSIBILITY, SEO = 200, 0.05, 100, 100


def ensure_lighthouse() -> None:
    """Install the pinned Lighthouse from package-lock.json unless it is there already."""
    if not LIGHTHOUSE.exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=TOOL, check=True)


def lighthouse(url: str, preset: str, out: Path) -> dict:
    """One Lighthouse run; the figures this benchmark reports, and the audits that cost points."""
    argv = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={out}",
        f"--only-categories={','.join(SCORED)}",
        f"--chrome-flags={CHROME_FLAGS}",
        "--max-wait-for-load=60000",
    ]
    if preset == "desktop":
        argv.append("--preset=desktop")
    subprocess.run(argv, check=True, env=base_env(CHROME_PATH=CHROMIUM), timeout=300)
    report = json.loads(out.read_text())
    audits = report["audits"]
    scores = {name: _score(report["categories"][name]) for name in SCORED}
    failing = sorted(
        {
            ref["id"]
            for name in SCORED
            for ref in report["categories"][name]["auditRefs"]
            if ref["weight"] > 0 and (audits[ref["id"]].get("score") or 0) < 1
            if audits[ref["id"]].get("scoreDisplayMode") in ("binary", "numeric")
        }
    )
    return {
        **scores,
        "tbt_ms": audits["total-blocking-time"]["numericValue"],
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "lcp_ms": audits["largest-contentful-paint"]["numericValue"],
        "failing": failing,
        "runtime_error": report.get("runtimeError", {}).get("code"),
    }


def _score(category: dict) -> float:
    return round((category["score"] or 0) * 100)


def measure(url: str, preset: str, runs: int, folder: Path) -> dict:
    """``runs`` Lighthouse runs of one page and preset; medians, and every run."""
    all_runs = [
        lighthouse(url, preset, folder / f"lh-{time.monotonic_ns()}.json") for _ in range(runs)
    ]
    figures = {
        key: statistics.median(run[key] for run in all_runs)
        for key in ("performance", "accessibility", "seo", "tbt_ms", "cls", "lcp_ms")
    }
    failing = sorted({audit for run in all_runs for audit in run["failing"]})
    return {**figures, "failing": failing, "runs": all_runs}


def solution_path(url: str) -> str:
    """The address of the first solution the catalog's API lists."""
    with urllib.request.urlopen(f"{url}/api/v1/solutions?per_page=1", timeout=30) as response:
        slug = json.load(response)["items"][0]["slug"]
    return f"/solutions/{slug}"


def warm_up(url: str) -> None:
    """Fetch a page once so the first Lighthouse run does not time a cold server."""
    with urllib.request.urlopen(url, timeout=60) as response:
        response.read()


def run_all(runs: int, presets: list[str], keep: bool, ref: str | None) -> dict[str, dict]:
    """Build and serve each app in turn and run Lighthouse on its pages."""
    results: dict[str, dict] = {}
    with Workspace(keep=keep) as ws:
        print(f"workspace {ws.root}", file=sys.stderr, flush=True)
        apps = {
            "blank": (ws.blank_app(), ws.blank_env),
            "aixplore": (ws.copy_app(ref), ws.app_env),
        }
        for name, (app_dir, make_env) in apps.items():
            port = free_port()
            print(f"  building and serving {name} on port {port}", file=sys.stderr, flush=True)
            env = make_env(app_dir, port, GRANIAN_WORKERS="1")
            with ws.reflex(f"{name}-lh", app_dir, env, port, backend_only=False) as url:
                pages = ["/"] if name == "blank" else list(AIXPLORE_PAGES)
                pages = [solution_path(url) if p == "solution" else p for p in pages]
                for path in pages:
                    warm_up(url + path)
                    for preset in presets:
                        label = f"{name} {path}"
                        print(f"  lighthouse {label} {preset}", file=sys.stderr, flush=True)
                        results.setdefault(label, {})[preset] = measure(
                            url + path, preset, runs, ws.root
                        )
    return results


def verdicts(results: dict[str, dict]) -> list[str]:
    """Each target, met or not, per page and preset."""
    lines = []
    blank = results.get("blank /", {}).get("mobile", {}).get("performance")
    for label, by_preset in results.items():
        if label.startswith("blank"):
            continue
        for preset, r in by_preset.items():
            missed = []
            too_low = r["performance"] < MOBILE_PERFORMANCE or (
                blank is not None and r["performance"] < blank - BLANK_MARGIN
            )
            if preset == "mobile" and too_low:
                missed.append(f"performance {r['performance']:.0f}")
            if r["tbt_ms"] >= TBT_MS:
                missed.append(f"TBT {r['tbt_ms']:.0f} ms")
            if r["cls"] >= CLS:
                missed.append(f"CLS {r['cls']:.3f}")
            if r["accessibility"] < ACCESSIBILITY:
                missed.append(f"accessibility {r['accessibility']:.0f}")
            if r["seo"] < SEO:
                missed.append(f"SEO {r['seo']:.0f}")
            verdict = "all targets met" if not missed else "NOT met: " + ", ".join(missed)
            lines.append(f"{label} {preset}: {verdict}")
    return lines


def report(results: dict[str, dict], runs: int) -> None:
    """Print the table, the verdicts and the audits that cost points."""
    print(f"\nLighthouse 12.2.3, Chromium {CHROMIUM}, median of {runs} run(s) per page and preset")
    print(
        f"{'page':<44} {'preset':<8} {'perf':>5} {'TBT ms':>7} {'CLS':>6} {'LCP ms':>7} "
        f"{'a11y':>5} {'SEO':>4}"
    )
    for label, by_preset in results.items():
        for preset, r in by_preset.items():
            print(
                f"{label:<44} {preset:<8} {r['performance']:5.0f} {r['tbt_ms']:7.0f} "
                f"{r['cls']:6.3f} {r['lcp_ms']:7.0f} {r['accessibility']:5.0f} {r['seo']:4.0f}"
            )
    print(
        f"\nTargets: mobile performance >= {MOBILE_PERFORMANCE} and >= blank - {BLANK_MARGIN}; "
        f"TBT < {TBT_MS} ms; CLS < {CLS}; accessibility {ACCESSIBILITY}; SEO {SEO}"
    )
    for line in verdicts(results):
        print(line)
    print("\nAudits that cost points:")
    for label, by_preset in results.items():
        for preset, r in by_preset.items():
            if r["failing"]:
                print(f"{label} {preset}: {', '.join(r['failing'])}")


def main() -> None:
    """Parse the arguments, run, report, save."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--runs", type=int, default=1, help="Lighthouse runs per page and preset")
    parser.add_argument("--preset", choices=PRESETS, action="append", help="default: both")
    parser.add_argument("--ref", help="measure this commit instead of the working tree")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder and logs")
    args = parser.parse_args()
    started = time.monotonic()
    ensure_lighthouse()
    print(f"load average at start: {load_average()}")
    results = run_all(args.runs, args.preset or list(PRESETS), args.keep, args.ref)
    report(results, args.runs)
    out = save_results("lighthouse", results)
    print(
        f"\nresults: {out}; total {time.monotonic() - started:.0f} s; load average at end: "
        f"{load_average()}"
    )


if __name__ == "__main__":
    main()
