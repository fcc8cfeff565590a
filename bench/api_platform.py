"""API platform overheads, each against a baseline measured in the same run (in-process).

``.venv/bin/python bench/api_platform.py [--redis]`` (about a minute):

1. ``auth``: ``GET /api/v1/categories`` through the real app (ASGI, in-process httpx, no
   network) anonymously vs. with an API key (key lookup in the database + three rate-limit
   windows): p50/p95 per request and the ratio keyed/anonymous;
2. ``limiter``: one moving-window ``hit`` on the in-process storage and, with ``--redis``,
   on a throwaway ``redis-server`` (port 3190): p50/p95 in microseconds;
3. ``writes``: ``POST /api/v1/solutions`` per second with and without ``Idempotency-Key``;
4. ``audit``: appending entries per second and verifying the chain (entries per second),
   extrapolated to 1,000,000 entries.

It uses a temporary SQLite database (nothing in the repository is touched). Figures are
printed and saved to ``bench/results/api-platform.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TMP = Path(tempfile.mkdtemp(prefix="aixplore-bench-api-"))
os.environ.update(
    {
        "AIXPLORE_ENV": "test",
        "AIXPLORE_SECRET_KEY": "bench-secret-key-0123456789-abcdefghijklmnop",
        "AIXPLORE_DATA_DIR": str(TMP / "data"),
        "AIXPLORE_DATABASE_URL": f"sqlite:///{TMP / 'bench.db'}",
        "AIXPLORE_LOG_LEVEL": "ERROR",
        "AIXPLORE_LOG_JSON": "false",
        "AIXPLORE_API_READ_LIMIT": "1000000/minute",
        "AIXPLORE_API_WRITE_LIMIT": "1000000/minute",
        "AIXPLORE_API_USER_LIMIT": "1000000/minute",
        "AIXPLORE_API_IP_LIMIT": "1000000/minute",
        "AIXPLORE_API_ANONYMOUS_LIMIT": "1000000/minute",
    }
)
sys.path.insert(0, str(REPO))


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (0-100)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q / 100))]


def timed(fn, n: int) -> list[float]:
    """Milliseconds of each of ``n`` calls (after 20 warm-up calls)."""
    for _ in range(20):
        fn()
    out = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--redis", action="store_true", help="also time the limiter on Redis")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--audit-entries", type=int, default=20000)
    args = parser.parse_args()

    from fastapi.testclient import TestClient
    from limits import parse

    from aixplore.api.app import build_api
    from aixplore.cli import migrate
    from aixplore.core.db import read_scope, session_scope
    from aixplore.core.ratelimit import _limiter
    from aixplore.domain.accounts import admin as account_admin
    from aixplore.domain.accounts import services as accounts
    from aixplore.domain.accounts.actor_cache import authenticate
    from aixplore.domain.apikeys import services as apikeys
    from aixplore.domain.audit.services import record, verify_chain

    migrate()
    results: dict[str, object] = {}
    with session_scope() as db:
        user = account_admin.do_create_verified_member(
            db, email="bench@example.com", password="bench password 123", display_name="Bench"
        )
    with session_scope() as db:
        token = accounts.do_sign_in(
            db, {"email": user.email, "password": "bench password 123"}, ip="127.0.0.1"
        )
    actor = authenticate(token)
    with session_scope() as db:
        _key, raw = apikeys.do_create_key(
            db,
            actor,
            {"name": "bench", "scopes": ["solutions:write"], "expires_in_days": 30},
        )
    api = TestClient(build_api())
    anon = timed(lambda: api.get("/api/v1/categories"), args.requests)
    keyed_headers = {"Authorization": f"Bearer {raw}"}
    keyed = timed(lambda: api.get("/api/v1/categories", headers=keyed_headers), args.requests)
    results["auth"] = {
        "anonymous_p50_ms": statistics.median(anon),
        "anonymous_p95_ms": pct(anon, 95),
        "keyed_p50_ms": statistics.median(keyed),
        "keyed_p95_ms": pct(keyed, 95),
        "ratio_p50": statistics.median(keyed) / statistics.median(anon),
        "ratio_p95": pct(keyed, 95) / pct(anon, 95),
    }

    item = parse("1000000/minute")
    limiters = {"memory": _limiter(None)}
    redis_proc = None
    if args.redis and shutil.which("redis-server"):
        redis_proc = subprocess.Popen(
            ["redis-server", "--port", "3190", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        time.sleep(0.5)
        limiters["redis"] = _limiter("redis://127.0.0.1:3190/0")
    try:
        for name, limiter in limiters.items():
            hits = timed(lambda limiter=limiter: limiter.hit(item, "bench", "k"), args.requests)
            results[f"limiter_{name}"] = {
                "p50_us": statistics.median(hits) * 1000,
                "p95_us": pct(hits, 95) * 1000,
            }
    finally:
        if redis_proc is not None:
            redis_proc.terminate()
            redis_proc.wait()

    body = {
        "name": "Bench Solution",
        "tagline": "Measured many times",
        "description": "A solution created by the benchmark to time writes.",
        "category": "text-generation",
    }
    n_writes = 40
    start = time.perf_counter()
    for i in range(n_writes):
        api.post("/api/v1/solutions", json={**body, "name": f"Plain {i}"}, headers=keyed_headers)
    plain = n_writes / (time.perf_counter() - start)
    with session_scope() as db:
        user2 = account_admin.do_create_verified_member(
            db, email="bench2@example.com", password="bench password 123", display_name="Bench2"
        )
    with session_scope() as db:
        token2 = accounts.do_sign_in(
            db, {"email": user2.email, "password": "bench password 123"}, ip="127.0.0.1"
        )
    with session_scope() as db:
        _key2, raw2 = apikeys.do_create_key(
            db,
            authenticate(token2),
            {"name": "bench", "scopes": ["solutions:write"], "expires_in_days": 30},
        )
    start = time.perf_counter()
    for i in range(n_writes):
        api.post(
            "/api/v1/solutions",
            json={**body, "name": f"Idem {i}"},
            headers={"Authorization": f"Bearer {raw2}", "Idempotency-Key": f"k-{i}"},
        )
    idem = n_writes / (time.perf_counter() - start)
    results["writes"] = {"plain_per_s": plain, "idempotent_per_s": idem, "ratio": idem / plain}

    n = args.audit_entries
    start = time.perf_counter()
    done = 0
    while done < n:
        with session_scope() as db:
            for _ in range(min(1000, n - done)):
                record(db, None, "bench.entry", target="x", detail={"n": done})
                done += 1
    append_s = time.perf_counter() - start
    start = time.perf_counter()
    with read_scope() as db:
        report = verify_chain(db)
    verify_s = time.perf_counter() - start
    assert report.ok, report
    results["audit"] = {
        "entries": report.checked,
        "append_per_s": n / append_s,
        "verify_per_s": report.checked / verify_s,
        "verify_1m_extrapolated_s": 1_000_000 / (report.checked / verify_s),
    }

    print(json.dumps(results, indent=2))
    out = REPO / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "api-platform.json").write_text(json.dumps(results, indent=2))
    shutil.rmtree(TMP, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
