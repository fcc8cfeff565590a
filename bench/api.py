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
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
GRANIAN = str(Path(sys.executable).with_name("granian"))
PORTS = range(3200, 3300)
TARGET_RPS = 1000.0
TARGET_P95_MS = 50.0
TARGET_BARE_RATIO = 0.3  # the cached app against the bare app, one worker
TARGET_DISTINCT_RPS = 600.0  # searches never asked before, one worker, demo catalog
TARGET_DISTINCT_LARGE_RPS = 170.0  # the same over 100,000 solutions (10,000 a minute)
LARGE_CATALOG = 100_000
TARGET_DISTINCT_P95_MS = 200.0
SERVERS = ("bare", "app", "uncached", "distinct")

# What visitors type into the search box (and the browse page), with facets on as always.
QUERIES: list[dict[str, str]] = [
    {"q": "transcription"},
    {"q": "support"},
    {"q": "fraud detection"},
    {"q": "video"},
    {"q": "summaries"},
    {"q": "code review"},
    {"q": "translation", "pricing": "freemium"},
    {"q": "ocr"},
    {"q": "forecast", "sort": "rating"},
    {"q": "assistant", "category": "chat-assistants"},
    {"q": "images"},
    {},
]

# Words people search the demo catalog for, paired in both orders for distinct searches.
DISTINCT_WORDS = [
    "translation",
    "pdf",
    "invoice",
    "receipt",
    "speech",
    "meeting",
    "summary",
    "chat",
    "support",
    "fraud",
    "forecast",
    "video",
    "image",
    "code",
    "review",
    "legal",
    "contract",
    "medical",
    "sales",
    "email",
    "search",
    "ocr",
    "voice",
    "music",
    "report",
    "document",
    "marketing",
    "security",
    "data",
    "analytics",
    "tutor",
    "writing",
    "design",
    "recruiting",
    "finance",
    "retail",
    "customer",
    "assistant",
    "agent",
    "detection",
]
SORTS = ("relevance", "rating", "reviews", "trending", "newest")

BARE_APP = '''
"""A bare Starlette endpoint answering each captured path with the app's own body."""
import json
import os
from pathlib import Path

from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

BODIES = json.loads(Path(os.environ["BENCH_BODIES"]).read_text())


async def solutions(request):
    body = BODIES.get(request.url.query, BODIES[""])
    return Response(body, media_type="application/json")


async def categories(request):
    return Response(b"{}", media_type="application/json")


app = Starlette(routes=[Route("/api/v1/solutions", solutions), Route("/api/v1/categories", categories)])
'''

UNCACHED_APP = '''
"""The real API with its response cache and request coalescing off: every request searches."""
from aixplore.api.app import build_api
from aixplore.api.routes import solutions


class NoSharing(dict):
    def __setitem__(self, key, value):
        pass


solutions.response_cache.seconds = 0
solutions._inflight = NoSharing()
__all__ = ["build_api"]
'''

WRK_SCRIPT = """
local paths = {%s}
local n = 0
local threads = 0
setup = function(thread)
  thread:set("offset", threads * 1000003)
  threads = threads + 1
end
init = function(args)
  n = offset or 0
end
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n %% #paths) + 1])
end
done = function(summary, latency, requests)
  io.write(string.format("BENCH p50_us=%%d p95_us=%%d p99_us=%%d requests=%%d non2xx=%%d errors=%%d\\n",
    latency:percentile(50), latency:percentile(95), latency:percentile(99), summary.requests,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout))
end
"""


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, to judge how quiet the machine was."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def free_port() -> int:
    """A loopback port from 3200-3299 that nothing listens on now."""
    for port in PORTS:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    msg = "no free port in 3200-3299"
    raise RuntimeError(msg)


def stop(proc: subprocess.Popen, grace: float = 8.0) -> None:
    """Stop a process group this benchmark started: SIGTERM, then SIGKILL."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(grace)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(2)


def group_cpu_seconds(group: int) -> float:
    """CPU seconds (user + system) the live processes of process group ``group`` have used:
    the server's own cost, whatever else shares the machine's cores."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rpartition(")")[2].split()
            if int(fields[2]) == group:  # pgrp; utime and stime follow at 11 and 12
                total += int(fields[11]) + int(fields[12])
    return total / tick


@contextlib.contextmanager
def serve(
    name: str, target: str, workers: int, env: dict[str, str], workdir: Path, *, factory: bool
) -> Iterator[tuple[str, int]]:
    """granian on 127.0.0.1 until the block ends; yields the base URL once it answers, and
    the server's process group."""
    port = free_port()
    argv = [GRANIAN, "--interface", "asgi", "--host", "127.0.0.1", "--port", str(port)]
    argv += ["--workers", str(workers), "--no-ws", "--log-level", "warning"]
    argv += ["--factory", target] if factory else [target]
    log = workdir / f"{name}-{workers}w.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            argv,
            cwd=workdir,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(f"{url}/api/v1/categories", timeout=2) as response,
            ):
                if response.status == 200:
                    break
            if proc.poll() is not None or time.monotonic() > deadline:
                tail = log.read_text(errors="replace")[-3000:]
                msg = f"{name} did not come up (exit {proc.poll()}):\n{tail}"
                raise RuntimeError(msg)
            time.sleep(0.2)
        yield url, proc.pid
    finally:
        stop(proc)


def prepare(workdir: Path, count: int) -> dict[str, str]:
    """A migrated, seeded SQLite database; returns the servers' environment."""
    env = dict(os.environ)
    env.update(
        AIXPLORE_DATABASE_URL=f"sqlite:///{workdir / 'bench.db'}",
        AIXPLORE_DATA_DIR=str(workdir / "data"),
        AIXPLORE_LOG_LEVEL="WARNING",
        AIXPLORE_LOG_JSON="false",
        PYTHONPATH=str(REPO),
        PYTHONDONTWRITEBYTECODE="1",
        # One load generator on one address: limits high enough never to refuse it, so every
        # request still pays for its rate-limit check but none is answered 429.
        AIXPLORE_API_ANONYMOUS_LIMIT="100000000/minute",
        AIXPLORE_API_READ_LIMIT="100000000/minute",
        AIXPLORE_API_IP_LIMIT="100000000/minute",
    )
    script = (
        "from aixplore.cli import migrate; migrate()\n"
        "from aixplore.core.db import session_scope\n"
        "from aixplore.demo import seed_demo_catalog, seed_large_catalog\n"
        "with session_scope() as db: print('demo catalog:', seed_demo_catalog(db))\n"
        f"if {count}: print(seed_large_catalog(session_scope, {count}))\n"
    )
    done = subprocess.run(
        [PYTHON, "-c", script], env=env, cwd=workdir, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        msg = f"seeding failed:\n{done.stdout[-2000:]}{done.stderr[-3000:]}"
        raise RuntimeError(msg)
    print("  " + done.stdout.strip().replace("\n", "\n  "))
    return env


def paths() -> list[str]:
    """The request paths of the mix."""
    return [f"/api/v1/solutions?{urlencode(q)}" if q else "/api/v1/solutions" for q in QUERIES]


def distinct_paths() -> list[str]:
    """Searches no two of which are alike: two words in either order, with each sort."""
    return [
        "/api/v1/solutions?" + urlencode({"q": f"{a} {b}", "sort": sort})
        for sort in SORTS
        for a in DISTINCT_WORDS
        for b in DISTINCT_WORDS
        if a != b
    ]


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


def run_wrk(
    url: str, seconds: float, connections: int, workdir: Path, mix: list[str]
) -> dict[str, float]:
    """One wrk run over ``mix``; requests/s and latency percentiles."""
    script = workdir / "mix.lua"
    script.write_text(WRK_SCRIPT % ", ".join(json.dumps(p) for p in mix))
    argv = ["wrk", "-t2", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "10s"]
    argv += ["-s", str(script), url]
    done = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=seconds + 30)
    if done.returncode != 0 or "BENCH" not in done.stdout:
        msg = f"wrk failed ({done.returncode}): {done.stdout[-1500:]}{done.stderr[-1500:]}"
        raise RuntimeError(msg)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", done.stdout).group(1))  # type: ignore[union-attr]
    fields = dict(re.findall(r"(\w+)=(\d+)", done.stdout.split("BENCH", 1)[1]))
    return {
        "rps": rps,
        "p50_ms": int(fields["p50_us"]) / 1000,
        "p95_ms": int(fields["p95_us"]) / 1000,
        "p99_ms": int(fields["p99_us"]) / 1000,
        "requests": int(fields["requests"]),
        "non2xx": int(fields["non2xx"]),
        "errors": int(fields["errors"]),
    }


async def _httpx_load(
    url: str, seconds: float, connections: int, mix: list[str], offset: int = 0
) -> dict[str, float]:
    import httpx

    latencies: list[float] = []
    bad = failed = 0
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=10) as client:

        async def worker(n: int) -> None:
            nonlocal bad, failed
            i = offset + n  # connection n asks n, n + connections, ...: no path twice in a row
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                try:
                    response = await client.get(mix[i % len(mix)])
                except httpx.TimeoutException:
                    failed += 1  # as wrk counts them: an error, not a latency
                else:
                    latencies.append((time.perf_counter() - started) * 1000)
                    bad += response.status_code != 200
                i += connections

        started = time.perf_counter()
        await asyncio.gather(*(worker(n) for n in range(connections)))
        elapsed = time.perf_counter() - started
    ordered = sorted(latencies) or [float("nan")]
    return {
        "rps": len(latencies) / elapsed,
        "p50_ms": statistics.median(ordered),
        "p95_ms": ordered[int(0.95 * (len(ordered) - 1))],
        "p99_ms": ordered[int(0.99 * (len(ordered) - 1))],
        "requests": len(latencies),
        "non2xx": bad,
        "errors": failed,
    }


def load(
    url: str,
    seconds: float,
    connections: int,
    workdir: Path,
    mix: list[str],
    group: int,
    warmup: float = 1.0,
) -> dict[str, float]:
    """Warm up for ``warmup`` seconds on the usual mix, then measure ``mix`` for ``seconds``,
    with the server's CPU milliseconds per request."""
    wrk = shutil.which("wrk")
    if wrk:
        run_wrk(url, warmup, connections, workdir, paths())
    else:
        asyncio.run(_httpx_load(url, warmup, connections, paths()))
    cpu = group_cpu_seconds(group)
    if wrk:
        found = run_wrk(url, seconds, connections, workdir, mix)
    else:
        found = asyncio.run(_httpx_load(url, seconds, connections, mix))
    found["cpu_ms"] = (group_cpu_seconds(group) - cpu) * 1000 / max(1, found["requests"])
    return found


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
