"""What tracing costs a request: REST search with tracing off, then on, exporting over OTLP.

    .venv/bin/python bench/tracing.py [--n 400]

One process pinned to one CPU, on a throwaway SQLite database with 60 published solutions
(``common.seed_publishers``). Each request asks the in-process API app (TestClient) for
``GET /api/v1/solutions?q=tool&per_page=50`` with the per-process response cache off, so every
request runs the search and its SQL (about ten spans a request with tracing on). Off and on
alternate in stretches of 25 requests, so background load hits both alike: "on" is
``core/tracing.py`` configured with its batch processor and OTLP/HTTP exporter sending to a
local receiver that answers 200, in this process, so the export's CPU is counted. Prints p50,
p95 and the ratio on/off. Figures also go to ``bench/results/tracing.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from common import latency_stats, load_average, scratch_database, seed_publishers

REPO = Path(__file__).resolve().parents[1]
# This folder's graphql.py must not shadow the graphql package the API app imports.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(REPO))
scratch_database("aixplore-bench-tracing-")
os.environ.update(  # the benchmark measures the reads, not the rate limiter's refusals
    AIXPLORE_API_ANONYMOUS_LIMIT="1000000/minute",
    AIXPLORE_API_READ_LIMIT="1000000/minute",
    AIXPLORE_API_IP_LIMIT="1000000/minute",
)


BLOCK = 25  # requests per stretch of one mode; the modes alternate stretch by stretch


def _collector() -> tuple[str, list[int]]:
    """A local OTLP endpoint that reads each export and answers 200; counts the bytes."""
    received = [0]

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received[0] += len(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/v1/traces", received


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=400)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    print(f"load average at start: {load_average()}")

    from fastapi.testclient import TestClient
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    from aixplore.api.app import build_api
    from aixplore.api.routes import solutions as solution_routes
    from aixplore.cli import migrate
    from aixplore.core import tracing

    migrate()
    seed_publishers()
    solution_routes.response_cache.seconds = 0
    api = TestClient(build_api())
    endpoint, received = _collector()

    def search() -> None:
        reply = api.get("/api/v1/solutions", params={"q": "tool", "per_page": 50})
        assert reply.status_code == 200 and len(reply.json()["items"]) == 50, reply.text

    samples: dict[str, list[float]] = {"off": [], "on": []}
    for _ in range(10):  # warm the search's caches
        search()
    for _ in range(max(1, args.n // BLOCK)):
        for mode in ("off", "on"):
            if mode == "on":
                processor = BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint, timeout=5))
                tracing.configure_tracing(processor)
            for _ in range(BLOCK):
                started = time.perf_counter()
                search()
                samples[mode].append(time.perf_counter() - started)
            if mode == "on":
                tracing.shutdown_tracing()  # flushes the block's spans first

    results: dict[str, Any] = {name: latency_stats(values) for name, values in samples.items()}
    for name, figures in results.items():
        print(
            f"tracing {name:3s}  p50 {figures['p50_ms']:6.2f} ms  p95 {figures['p95_ms']:6.2f} ms"
        )
    results["p50_ratio"] = results["on"]["p50_ms"] / results["off"]["p50_ms"]
    results["p95_ratio"] = results["on"]["p95_ms"] / results["off"]["p95_ms"]
    results["otlp_bytes_per_request"] = received[0] / len(samples["on"])
    print(
        f"on / off: p50 {results['p50_ratio']:.2f}x, p95 {results['p95_ratio']:.2f}x; "
        f"{results['otlp_bytes_per_request']:.0f} bytes of OTLP per request"
    )
    print(f"load average at end: {load_average()}")
    out = REPO / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "tracing.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
