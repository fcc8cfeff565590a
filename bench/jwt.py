"""OAuth access tokens against API keys: authenticating one REST request, on one core.

    .venv/bin/python bench/jwt.py [--n 3000]

Runs in one process pinned to one CPU, on a throwaway SQLite database (migrated here). A
member holds an API key and an app's access token (issued through the real code flow's
services). Each subject runs ``--n`` times, interleaved round by round so background load
hits them alike, and prints p50/p95 and requests per second:

- ``api key``: ``aixplore.api.auth._resolve`` with the key: its keyed digest and one query
  (key, user, organization, membership), as every API request with a key does;
- ``jwt (full)``: the same function with the access token: RS256 signature and claims
  (keys from the per-process cache), then one query for the grant, app and user (so a
  revoked grant is refused at once);
- ``jwt (signature+claims)``: ``tokens.verify_access_token`` alone: what a stateless check
  would cost, the floor of the full path;
- ``GET /api/v1/orders`` through the in-process API app (TestClient) with each credential:
  the whole request, rate limits and the (empty) answer included.

Figures also go to ``bench/results/jwt.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from common import latency_stats as stats
from common import scratch_database

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
scratch_database("aixplore-bench-jwt-")
# The benchmark measures authentication, not the rate limiter's refusals.
os.environ.update(
    AIXPLORE_API_READ_LIMIT="1000000/minute",
    AIXPLORE_API_USER_LIMIT="1000000/minute",
    AIXPLORE_API_IP_LIMIT="1000000/minute",
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=3000)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    from fastapi.testclient import TestClient

    from aixplore.api.app import build_api
    from aixplore.api.auth import _resolve
    from aixplore.cli import migrate
    from aixplore.core.db import read_scope, session_scope
    from aixplore.domain.accounts import admin as account_admin
    from aixplore.domain.accounts import services as accounts
    from aixplore.domain.accounts.actor_cache import authenticate
    from aixplore.domain.apikeys import services as apikeys
    from aixplore.domain.oauth import apps, authorize, grants, tokens
    from tests.oauth_support import pkce, query_of

    migrate()
    password = "bench password 123"
    with session_scope() as db:
        for email in ("dev@example.com", "member@example.com"):
            account_admin.do_create_verified_member(
                db, email=email, password=password, display_name="B"
            )

    def actor(email: str):
        with session_scope() as db:
            raw = accounts.do_sign_in(db, {"email": email, "password": password})
        return authenticate(raw)

    member, dev = actor("member@example.com"), actor("dev@example.com")
    with session_scope() as db:
        _key, api_key = apikeys.do_create_key(
            db, member, {"name": "bench", "scopes": ["orders:read"], "expires_in_days": 30}
        )
        app, _secret = apps.do_register_app(
            db,
            dev,
            {
                "name": "Bench",
                "redirect_uris": ["https://app.example.com/cb"],
                "confidential": False,
            },
        )
    verifier, challenge = pkce()
    params = {
        "response_type": "code",
        "client_id": app.client_id,
        "redirect_uri": "https://app.example.com/cb",
        "scope": "orders:read",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    with session_scope() as db:
        code = query_of(authorize.do_approve(db, member, params))["code"]
    with session_scope() as db:
        issued = grants.do_token(
            db,
            grants.ClientCredentials(app.client_id, None),
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": "https://app.example.com/cb",
                "code_verifier": verifier,
            },
        )
    access = issued["access_token"]
    client = TestClient(build_api())

    def orders(credential: str) -> None:
        response = client.get("/api/v1/orders", headers={"Authorization": f"Bearer {credential}"})
        assert response.status_code == 200, response.text

    subjects = {
        "api key": lambda: _resolve(api_key, "127.0.0.1"),
        "jwt (full)": lambda: _resolve(access, "127.0.0.1"),
        "jwt (signature+claims)": lambda: tokens.verify_access_token(read_scope, access),
        "GET /api/v1/orders, api key": lambda: orders(api_key),
        "GET /api/v1/orders, jwt": lambda: orders(access),
    }
    samples: dict[str, list[float]] = {name: [] for name in subjects}
    for fn in subjects.values():  # warm caches and connections
        for _ in range(20):
            fn()
    for _ in range(args.n):
        for name, fn in subjects.items():
            start = time.perf_counter()
            fn()
            samples[name].append(time.perf_counter() - start)
    results = {name: stats(values) for name, values in samples.items()}
    print(f"{'subject':32} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>9}")
    for name, row in results.items():
        print(f"{name:32} {row['p50_ms']:8.3f} {row['p95_ms']:8.3f} {row['per_s']:9.0f}")
    key_p95 = results["api key"]["p95_ms"]
    print(f"jwt (full) p95 / api key p95: {results['jwt (full)']['p95_ms'] / key_p95:.2f}x")
    out = REPO / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "jwt.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
