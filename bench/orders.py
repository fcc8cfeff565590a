"""Order pipeline benchmark: payment to pull request against the local GitHub test server.

Runs in a scratch SQLite database and data folder (nothing in the repository is touched),
with the real ``github-mcp-server`` pointed at ``tests/support/fake_github.py``:

- baseline: one MCP session (start the server, ``get_me``), and one sandboxed validation;
- a standard order (2 entities, 8 fields, sign-in), payment to delivered, ``--repeat`` times;
- ``--concurrent`` orders at once, each run by its own worker thread (like huey's workers).

Figures are printed as medians with ratios to the baselines measured in the same run, and
saved as JSON under bench/results/. Usage: ``.venv/bin/python bench/orders.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCRATCH = Path(tempfile.mkdtemp(prefix="aixplore-bench-orders-"))
os.environ.update(
    AIXPLORE_ENV="test",
    AIXPLORE_SECRET_KEY="bench-secret-key-0123456789-abcdefghijklmnop",
    AIXPLORE_DATA_DIR=str(SCRATCH / "data"),
    AIXPLORE_DATABASE_URL=f"sqlite:///{SCRATCH / 'bench.db'}",
    AIXPLORE_LOG_LEVEL="ERROR",
)
sys.path.insert(0, str(REPO))

import anyio  # noqa: E402

from aixplore.cli import migrate  # noqa: E402
from aixplore.core.db import session_scope  # noqa: E402
from aixplore.core.settings import get_settings  # noqa: E402
from aixplore.domain.orders import github_account, payment  # noqa: E402
from aixplore.domain.orders.generate import render_project  # noqa: E402
from aixplore.domain.wallet.services import do_grant_demo_tokens  # noqa: E402
from aixplore.integrations import github_mcp  # noqa: E402
from aixplore.integrations.sandbox import validate_project  # noqa: E402
from aixplore.jobs.orders import run_pipeline  # noqa: E402
from tests.factories import actor_for, make_member, sign_in  # noqa: E402
from tests.support.fake_github import HOST, FakeGitHub  # noqa: E402
from tests.support.github_fixture import LIBRARY_FILES, TOKEN  # noqa: E402
from tests.support.orders import REQUIREMENTS, quoted_order  # noqa: E402


def _paid(actor, branch: str) -> int:
    oid = quoted_order(actor, repo="octo/library", grant=0, branch=branch)
    with session_scope() as db:
        payment.do_pay_with_wallet(db, actor, oid, True)
    return oid


def _timed(func, *args) -> float:
    start = time.perf_counter()
    result = func(*args)
    elapsed = time.perf_counter() - start
    if result not in (None, "delivered", True):
        raise RuntimeError(f"unexpected outcome {result!r}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--concurrent", type=int, default=10)
    args = parser.parse_args()
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    migrate()
    gh = FakeGitHub(SCRATCH / "github")
    (SCRATCH / "github").mkdir()
    gh.add_user("octo", TOKEN)
    gh.add_repo("octo/library", LIBRARY_FILES)
    settings = get_settings()
    settings.github_host, settings.github_proxy = f"http://{HOST}", gh.start()

    async def session_only() -> None:
        async with github_mcp.connect(TOKEN) as client:
            await client.me()

    files = render_project(1, "octo/library", REQUIREMENTS, {"root_dir": ""}, [])
    mcp = [_timed(anyio.run, session_only) for _ in range(args.repeat)]
    validate = [_timed(lambda: validate_project(files, "", 120).passed) for _ in range(args.repeat)]

    actor = actor_for(sign_in(make_member().email))
    assert actor is not None
    with session_scope() as db:
        github_account.do_save_github_connection(db, actor, "octo", TOKEN)
        do_grant_demo_tokens(db, actor.user_id, 100_000)
    single = [_timed(run_pipeline, _paid(actor, f"bench/single-{i}")) for i in range(args.repeat)]
    batch = [_paid(actor, f"bench/batch-{i}") for i in range(args.concurrent)]
    start = time.perf_counter()
    with ThreadPoolExecutor(args.concurrent) as pool:
        outcomes = list(pool.map(run_pipeline, batch))
    together = time.perf_counter() - start
    if set(outcomes) != {"delivered"}:
        raise RuntimeError(f"not all delivered: {outcomes}")
    gh.stop()

    med = {
        k: statistics.median(v)
        for k, v in {"mcp": mcp, "validate": validate, "order": single}.items()
    }
    results = {
        "mcp_session_s": med["mcp"],
        "validation_s": med["validate"],
        "order_payment_to_pr_s": med["order"],
        "order_over_mcp_session": med["order"] / med["mcp"],
        "order_over_validation": med["order"] / med["validate"],
        "concurrent_orders": args.concurrent,
        "concurrent_wall_s": together,
        "concurrent_over_one_order": together / med["order"],
        "pull_requests": len(gh.repos["octo/library"].pulls),
    }
    for key, value in results.items():
        print(f"{key:28} {value:.2f}" if isinstance(value, float) else f"{key:28} {value}")
    out = REPO / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "orders.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
