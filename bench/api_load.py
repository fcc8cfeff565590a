"""The REST API benchmark's load: the search mix, the distinct searches, and the clients
driving them (``wrk`` when installed, an asyncio httpx client otherwise)."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import statistics
import subprocess
import time
from pathlib import Path
from urllib.parse import urlencode

from api_servers import group_cpu_seconds

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
