"""REST API benchmark: ``GET /api/v1/solutions?q=...`` throughput and p95 under concurrent load.

``.venv/bin/python bench/api.py`` (about 1-2 minutes on 2 cores):

1. migrates a fresh SQLite database in a temporary folder and loads the demo catalog
   (``seed_demo_catalog``: about 220 published solutions with reviews), plus ``--count``
   generated solutions when asked;
2. serves, one at a time with granian on 127.0.0.1 (ports 3200-3299), with 1 and 2 workers:
   - ``app``: the real API (``aixplore.api.app:build_api``), search with facets, as deployed
     (repeated searches are answered from its few-seconds response cache);
   - ``uncached``: the same with the response cache and request coalescing off, so every
     request runs ``search()``;
   - ``bare``: a bare Starlette endpoint answering the same paths with the same JSON bodies,
     captured from the app beforehand: the ceiling of the server and the load generator;
   - ``distinct``: the real API as deployed, every request a search not asked before in the
     run (two words of :data:`DISTINCT_WORDS` and a sort: 7,800 of them), so no cache helps;
3. drives each for ``--seconds`` (after ``--warmup`` seconds, 1 by default) with ``--connections`` concurrent
   keep-alive clients cycling through a mix of search URLs, using ``wrk`` when it is installed
   (``apt-get install wrk``) or an asyncio httpx client otherwise, and prints requests/s,
   p50/p95/p99, errors, ratios app/bare and 2 workers/1 worker, against the targets
   (>= 1,000 req/s and p95 < 50 ms; issue 22: the cached app >= 0.3x the bare app, and
   distinct searches >= 600 req/s on the demo catalog or >= 170 req/s with ``--count 100000``,
   p95 < 200 ms, one worker).

``--count 100000`` adds a generated catalog of that many solutions (bulk inserts, about 25 s
on SQLite); ``--servers bare app distinct`` leaves out the ``uncached`` run.

The load generator runs on the same machine and takes CPU from the servers (compare the bare
figures). So each run also reads the server's own CPU time (its process group's, from /proc)
and prints CPU milliseconds per request and what one core of its own would serve: a figure
that other work sharing the cores does not move much. Every server it starts is stopped at the end, also on failure or Ctrl-C. Figures
also go to ``bench/results/api-*.json``.

The parts: ``api_servers.py`` (the database and the servers) and ``api_load.py`` (the mix
and the load generators); here, the run and its report.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from api_load import QUERIES, distinct_paths, load, paths
from api_servers import BARE_APP, REPO, UNCACHED_APP, prepare, serve

TARGET_RPS = 1000.0
TARGET_P95_MS = 50.0
TARGET_BARE_RATIO = 0.3  # the cached app against the bare app, one worker
TARGET_DISTINCT_RPS = 600.0  # searches never asked before, one worker, demo catalog
TARGET_DISTINCT_LARGE_RPS = 170.0  # the same over 100,000 solutions (10,000 a minute)
LARGE_CATALOG = 100_000
TARGET_DISTINCT_P95_MS = 200.0
SERVERS = ("bare", "app", "uncached", "distinct")


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, to judge how quiet the machine was."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def capture_bodies(url: str, workdir: Path) -> Path:
    """The app's JSON body for every path of the mix, for the bare endpoint to replay."""
    bodies = {}
    for path in paths():
        with urllib.request.urlopen(url + path, timeout=30) as response:
            bodies[path.partition("?")[2]] = response.read().decode()
    file = workdir / "bodies.json"
    file.write_text(json.dumps(bodies))
    sizes = [len(b) for b in bodies.values()]
    print(f"  captured {len(bodies)} bodies, {min(sizes):,}-{max(sizes):,} bytes")
    return file


def targets(results: dict[str, dict[str, float]], workers: int, count: int) -> list[str]:
    """Issue 22's targets, one worker: the cached app against the bare app of the same run,
    and distinct searches (600 req/s on the demo catalog, 170 with 100,000 solutions more)."""
    lines = []
    suffix = f"{workers} worker{'s' if workers > 1 else ''}"
    app, bare = results.get(f"app {workers}w"), results.get(f"bare {workers}w")
    if app and bare:
        ratio = app["rps"] / bare["rps"]
        met = ratio >= TARGET_BARE_RATIO
        lines.append(
            f"  issue 22, {suffix}: cached app / bare app: {ratio:.3f}x (target >= "
            f"{TARGET_BARE_RATIO}x): {'met' if met else 'NOT met'}"
        )
    distinct = results.get(f"distinct {workers}w")
    if distinct:
        wanted = TARGET_DISTINCT_LARGE_RPS if count >= LARGE_CATALOG else TARGET_DISTINCT_RPS
        met = distinct["rps"] >= wanted and distinct["p95_ms"] < TARGET_DISTINCT_P95_MS
        share = f", {distinct['rps'] / bare['rps']:.4f}x the bare app" if bare else ""
        lines.append(
            f"  issue 22, {suffix}: distinct searches ({count:,} generated solutions): "
            f"{distinct['rps']:,.0f} req/s, p95 {distinct['p95_ms']:.0f} ms{share} (target >= "
            f"{wanted:,.0f} req/s, p95 < {TARGET_DISTINCT_P95_MS:.0f} ms): "
            f"{'met' if met else 'NOT met'}"
        )
        per_core = 1000 / max(distinct["cpu_ms"], 1e-3)
        lines.append(
            f"  issue 22, {suffix}: distinct searches cost the server {distinct['cpu_ms']:.2f} "
            f"CPU ms each: {per_core:,.0f} req/s on one core of its own "
            f"({'at or above' if per_core >= wanted else 'below'} the {wanted:,.0f} req/s target)"
        )
    return lines


def main() -> None:
    """Seed, serve, load and print."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--count", type=int, default=0, help="generated solutions to add")
    parser.add_argument("--servers", nargs="+", choices=SERVERS, default=list(SERVERS))
    parser.add_argument(
        "--warmup",
        type=float,
        default=1.0,
        help="seconds of the usual mix first (a large catalog's per-worker columns and words "
        "take several seconds to build in the background)",
    )
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    tool = "wrk" if shutil.which("wrk") else "httpx (install wrk for lower client overhead)"
    print(f"load average at start: {load_average()} ({os.cpu_count()} cpus); client: {tool}")
    workdir = Path(tempfile.mkdtemp(prefix="aixplore-bench-api-"))
    results: dict[str, dict[str, float]] = {}
    try:
        print("preparing a SQLite database with the demo catalog")
        env = prepare(workdir, args.count)
        app = "aixplore.api.app:build_api"
        with serve("app", app, 1, env, workdir, factory=True) as (url, _group):
            bodies = capture_bodies(url, workdir)
        (workdir / "bare_app.py").write_text(BARE_APP)
        (workdir / "uncached_app.py").write_text(UNCACHED_APP)
        bare_env = {**env, "BENCH_BODIES": str(bodies), "PYTHONPATH": str(workdir)}
        uncached_env = {**env, "PYTHONPATH": f"{workdir}{os.pathsep}{REPO}"}
        for workers in args.workers:
            for name, target, server_env, factory, mix in (
                ("bare", "bare_app:app", bare_env, False, paths()),
                ("app", app, env, True, paths()),
                ("uncached", "uncached_app:build_api", uncached_env, True, paths()),
                ("distinct", app, env, True, distinct_paths()),
            ):
                if name not in args.servers:
                    continue
                key = f"{name} {workers}w"
                with serve(name, target, workers, server_env, workdir, factory=factory) as (
                    url,
                    group,
                ):
                    print(f"  {key}: {args.connections} connections, {args.seconds:g} s ...")
                    results[key] = load(
                        url, args.seconds, args.connections, workdir, mix, group, args.warmup
                    )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    print(
        f"\nGET /api/v1/solutions?q=... ({len(QUERIES)} searches in rotation, facets on; "
        f"distinct: {len(distinct_paths()):,} searches, none twice)"
    )
    print(
        f"  {'server':<10} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}"
        f" {'server CPU ms/req':>18} {'req/s per core':>15}"
    )
    for key, r in results.items():
        errors = int(r["non2xx"] + r["errors"])
        print(
            f"  {key:<10} {r['rps']:>9,.0f} {r['p50_ms']:>8.1f} {r['p95_ms']:>8.1f} "
            f"{r['p99_ms']:>8.1f} {errors:>7} {r['cpu_ms']:>18.2f} "
            f"{1000 / max(r['cpu_ms'], 1e-3):>15,.0f}"
        )
    for workers in args.workers:
        bare_r = results.get(f"bare {workers}w")
        for name in ("app", "uncached"):
            r = results.get(f"{name} {workers}w")
            if r is None or bare_r is None:
                continue
            met = r["rps"] >= TARGET_RPS and r["p95_ms"] < TARGET_P95_MS
            print(
                f"  {name} {workers}w vs bare {workers}w: throughput {r['rps'] / bare_r['rps']:.3f}x,"
                f" p95 {r['p95_ms'] / bare_r['p95_ms']:.1f}x; targets (>= {TARGET_RPS:,.0f} "
                f"req/s, p95 < {TARGET_P95_MS:.0f} ms): {'met' if met else 'NOT met'}"
            )
    for line in targets(results, min(args.workers), args.count):
        print(line)
    if len(args.workers) > 1:
        low, high = min(args.workers), max(args.workers)
        ratios = ", ".join(
            f"{name} {results[f'{name} {high}w']['rps'] / results[f'{name} {low}w']['rps']:.2f}x"
            for name in args.servers
            if f"{name} {high}w" in results and f"{name} {low}w" in results
        )
        print(f"  {high} workers / {low} worker throughput: {ratios}")
    print(f"load average at end: {load_average()}")
    results_dir = REPO / "bench" / "results"
    results_dir.mkdir(exist_ok=True)
    path = results_dir / f"api-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps({"connections": args.connections, "results": results}))
    print(f"saved {path.relative_to(REPO)}")


if __name__ == "__main__":
    main()
