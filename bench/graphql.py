"""GraphQL against REST: a page of 50 solutions with publishers, ratings and tags.

    .venv/bin/python bench/graphql.py [--n 300]

One process pinned to one CPU, on a throwaway SQLite database (migrated here) with 60
published solutions from five publishers. Each round asks, through the in-process API app
(TestClient), for the same first 50 search results:

- ``rest``: ``GET /api/v1/solutions?per_page=50&facets=false`` with the per-process response
  cache off (else REST would answer from memory and the comparison would say nothing);
- ``graphql``: ``POST /api/graphql`` with ``solutions(first: 50)`` and each node's slug, name,
  tags, ``publisher { handle displayName }`` and ``rating { average count }``;
- ``graphql_core``: the same with graphql-core's own per-field execution (the schema's
  ``PlainExecution`` switched off for that call): the baseline of ``aixplore/api/gql/fast.py``.

The three run interleaved, round by round, so background load hits them alike; after the
warm-up the process's garbage collector is set up as a backend worker's is
(``core/heap.settle``). Prints p50/p95,
requests per second and the SQL statements per request (counted with a SQLAlchemy listener),
and GraphQL's p95 over REST's (target: 1.3 or less). Figures also go to
``bench/results/graphql.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from common import latency_stats as stats
from common import load_average, scratch_database, seed_publishers

REPO = Path(__file__).resolve().parents[1]
# This file's own folder must not shadow the ``graphql`` package (graphql-core) it measures.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(REPO))
scratch_database("aixplore-bench-graphql-")
os.environ.update(  # the benchmark measures the reads, not the rate limiter's refusals
    AIXPLORE_API_ANONYMOUS_LIMIT="1000000/minute",
    AIXPLORE_API_READ_LIMIT="1000000/minute",
    AIXPLORE_API_IP_LIMIT="1000000/minute",
)

PAGE = """{ solutions(first: 50) { edges { node { slug name tags
  publisher { handle displayName } rating { average count } } } } }"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=300)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    print(f"load average at start: {load_average()}")

    from fastapi.testclient import TestClient
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from aixplore.api.app import build_api
    from aixplore.api.routes import solutions as solution_routes
    from aixplore.cli import migrate
    from aixplore.core import heap

    migrate()
    seed_publishers()
    solution_routes.response_cache.seconds = 0
    api = TestClient(build_api())
    statements = [0]

    def count(*_args: Any) -> None:
        statements[0] += 1

    event.listen(Engine, "before_cursor_execute", count)

    def rest() -> int:
        reply = api.get("/api/v1/solutions", params={"per_page": 50, "facets": "false"})
        assert reply.status_code == 200 and len(reply.json()["items"]) == 50, reply.text
        return 50

    def graphql() -> int:
        reply = api.post("/api/graphql", json={"query": PAGE})
        body = reply.json()
        assert reply.status_code == 200 and "errors" not in body, reply.text
        assert len(body["data"]["solutions"]["edges"]) == 50
        return 50

    from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

    from aixplore.api.gql.schema import schema

    fast = schema.execution_context_class

    def graphql_core() -> int:
        schema.execution_context_class = StrawberryGraphQLCoreExecutionContext
        try:
            return graphql()
        finally:
            schema.execution_context_class = fast

    subjects = {"rest": rest, "graphql": graphql, "graphql_core": graphql_core}
    samples: dict[str, list[float]] = {name: [] for name in subjects}
    queries: dict[str, list[int]] = {name: [] for name in subjects}
    for call in subjects.values():  # warm the search's caches alike
        for _ in range(5):
            call()
    # As a backend worker does once it has loaded the app (web/app.py): collect, freeze what
    # lives now, and collect the youngest generation less often (core/heap.py). Without it
    # this process would measure the interpreter's defaults, which no worker runs with.
    heap.settle()
    for _ in range(args.n):
        for name, call in subjects.items():
            before = statements[0]
            started = time.perf_counter()
            call()
            samples[name].append(time.perf_counter() - started)
            queries[name].append(statements[0] - before)
    event.remove(Engine, "before_cursor_execute", count)

    results: dict[str, Any] = {}
    for name in subjects:
        figures = stats(samples[name])
        figures["sql_per_request"] = max(queries[name])
        results[name] = figures
        print(
            f"{name:8s} p50 {figures['p50_ms']:6.2f} ms  p95 {figures['p95_ms']:6.2f} ms  "
            f"{figures['per_s']:6.1f} req/s  SQL statements per request: "
            f"{min(queries[name])}-{max(queries[name])}"
        )
    ratio = results["graphql"]["p95_ms"] / results["rest"]["p95_ms"]
    results["p95_ratio"] = ratio
    before = results["graphql_core"]["p95_ms"] / results["rest"]["p95_ms"]
    results["p95_ratio_graphql_core"] = before
    print(f"graphql p95 / rest p95: {ratio:.2f} (target 1.30 or less)")
    print(f"graphql_core p95 / rest p95: {before:.2f} (per-field execution, the baseline)")
    print(f"load average at end: {load_average()}")
    out = REPO / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "graphql.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
