"""The fault drill: the production setup under faults, with signed-in members writing.

    .venv/bin/python bench/faults.py                 # every fault, about 4 minutes
    .venv/bin/python bench/faults.py --only worker,redis --writers 6   # what the tests run

It starts a throwaway PostgreSQL and Redis, builds the front end, starts the app as the image
does (``python -m aixplore.serve start``, two backend workers) and a job worker
(``python -m aixplore.jobs.worker``), loads the demo catalog, signs in members whose tabs keep
writing bookmarks and reviews over the event socket (``bench/fault_load.py``), has two more
members on two backend workers write to each other in a conversation (``bench/fault_chat.py``,
with the worker and Redis faults), and injects, one after another:

- ``worker``: ``kill -9`` of one backend worker (the one a member of the conversation is on);
- ``redis``: Redis killed and started again, empty;
- ``postgres``: PostgreSQL stopped (immediate mode, as a crash) and started again;
- ``order``: ``kill -9`` of the job worker while an order waits on GitHub for its pull request;
- ``webhook``: ``kill -9`` of the job worker while a webhook receiver holds its request.

For each it prints writes attempted / confirmed / stored, what users saw instead of a success,
sign-in prompts, the longest outage of the front page and health check, and the seconds until
service (or the order, or the delivery) recovered. It exits non-zero when a confirmed write is
lost, the service is down for more than 5 s after a worker kill, a signed-in member is shown a
sign-in prompt, a message of the conversation is lost, shown twice or out of order (or stops
arriving live), an order takes over 30 s to reach its pull request, or a delivery over 60 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from fault_report import print_rows, report  # noqa: E402
from fault_servers import Postgres, Redis, free_port  # noqa: E402
from fault_steps import (  # noqa: E402
    Drill,
    Phase,
    kill_backend_worker,
    kill_mid_order,
    kill_mid_webhook,
    restart_postgres,
    restart_redis,
)

FAULTS = ("worker", "redis", "postgres", "order", "webhook")


def _environment(folder: Path, pg: Postgres, redis: Redis, port: int) -> dict[str, str]:
    """Settings for the drill process, the app and the job worker (set before any import)."""
    return {
        "AIXPLORE_ENV": "test",
        "AIXPLORE_SECRET_KEY": "fault-drill-secret-key-0123456789abcdefghijklmnop",
        "AIXPLORE_DATABASE_URL": pg.url,
        "AIXPLORE_REDIS_URL": redis.url,
        "AIXPLORE_DATA_DIR": str(folder / "data"),
        "AIXPLORE_EMBEDDED_WORKER": "false",
        "AIXPLORE_LOG_JSON": "false",
        "AIXPLORE_LOG_LEVEL": "WARNING",
        "AIXPLORE_PORT": str(port),
        "AIXPLORE_BASE_URL": f"http://localhost:{port}",
        "AIXPLORE_API_URL": f"http://localhost:{port}",
        "AIXPLORE_LOGIN_LIMIT_PER_IP": "100000/minute",
        "AIXPLORE_LOGIN_LIMIT_PER_ACCOUNT": "100000/minute",
        "AIXPLORE_WEBHOOK_ALLOW_PRIVATE_TARGETS": "true",
        "GRANIAN_WORKERS": "2",
        "PROMETHEUS_MULTIPROC_DIR": str(folder / "prometheus"),
        "TELEMETRY_ENABLED": "false",
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def _seed(env: dict[str, str]) -> None:
    for command in ("migrate", "seed-demo"):
        subprocess.run(
            [sys.executable, "-m", "aixplore.cli", command],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )


def _published_slugs() -> list[str]:
    from sqlmodel import col, select

    from aixplore.core.db import read_scope
    from aixplore.domain.solutions.models import Solution, SolutionStatus

    with read_scope() as db:
        rows = db.exec(
            select(Solution.slug)
            .where(Solution.status == SolutionStatus.PUBLISHED)
            .order_by(col(Solution.id))
        ).all()
    return list(rows)


async def _run(drill: Drill, pg: Postgres, redis: Redis, only: list[str]) -> tuple:
    from fault_chat import closing_round, place, stored_messages
    from fault_chat import verdict as chat_verdict
    from fault_load import Ledger, Writer, probe

    ledger = Ledger()
    stop = asyncio.Event()
    slugs = _published_slugs()
    # Every member works through the whole catalog, each from another starting point.
    writers = [
        Writer(drill.app.url, token, user_id, slugs[i * 7 :] + slugs[: i * 7], ledger)
        for i, (token, user_id) in enumerate(drill.tokens)
    ]
    tasks = [asyncio.create_task(w.run(stop, drill.args.pause)) for w in writers]
    tasks.append(asyncio.create_task(probe(drill.app.url, ledger, stop)))
    chatters = []
    if drill.chat:
        chatters, drill.victim = await place(
            drill.app.url, drill.app.worker_pids, drill.chat, drill.conversation
        )
        tasks += [asyncio.create_task(c.run(stop, drill.args.chat_pause)) for c in chatters]
    phases = [Phase("baseline", time.monotonic())]
    await asyncio.sleep(4)
    steps = {
        "worker": lambda p: kill_backend_worker(drill, p),
        "redis": lambda p: restart_redis(drill, p, redis),
        "postgres": lambda p: restart_postgres(drill, p, pg),
        "order": lambda p: kill_mid_order(drill, p),
        "webhook": lambda p: kill_mid_webhook(drill, p),
    }
    for name in only:
        phases[-1].end = time.monotonic()
        phase = Phase(name, time.monotonic())
        phases.append(phase)
        print(f"fault: {name}", flush=True)
        await steps[name](phase)
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    phases[-1].end = time.monotonic()  # writes in flight at the end count for the last fault
    if chatters:
        drill.chat_failures += await closing_round(chatters)
        notes, failures = chat_verdict(chatters, stored_messages(drill.conversation))
        drill.chat_notes += notes
        drill.chat_failures += failures
        for c in chatters:
            await c.tab.close()
    return ledger, phases


def main() -> int:
    """Run the drill; 0 when every promise held."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--only", default=",".join(FAULTS), help="faults, comma separated")
    parser.add_argument("--writers", type=int, default=12, help="signed-in tabs that write")
    parser.add_argument("--pause", type=float, default=1.0, help="seconds between a tab's writes")
    parser.add_argument("--no-build", action="store_true", help="reuse .web/build")
    parser.add_argument(
        "--no-chat", dest="chat", action="store_false", help="no conversation during the faults"
    )
    parser.add_argument(
        "--chat-pause", type=float, default=2.1, help="seconds between a member's messages"
    )
    parser.add_argument("--keep", action="store_true", help="keep the drill's folder and logs")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    only = [f for f in args.only.split(",") if f]
    if unknown := set(only) - set(FAULTS):
        parser.error(f"unknown faults: {sorted(unknown)}")
    folder = Path(tempfile.mkdtemp(prefix="aixplore-faults-"))
    os.chmod(folder, 0o755)
    pg, redis = Postgres(folder), Redis(folder)
    drill = None
    try:
        pg.start()
        pg.create_database()
        redis.start()
        os.environ.update(_environment(folder, pg, redis, free_port()))
        # The app's github-mcp-server reaches the local GitHub (set before any settings read).
        from tests.support.fake_github import HOST, FakeGitHub

        github = FakeGitHub(folder / "github")
        os.environ["AIXPLORE_GITHUB_PROXY"] = github.start()
        os.environ["AIXPLORE_GITHUB_HOST"] = f"http://{HOST}"
        _seed(dict(os.environ))
        started = time.monotonic()
        drill = Drill(folder, args, github)
        print(
            f"set up in {time.monotonic() - started:.0f} s; load average {os.getloadavg()[0]:.1f}"
        )
        ledger, phases = asyncio.run(_run(drill, pg, redis, only))
        rows, failures = report(ledger, phases)
        failures += [f"conversation: {f}" for f in drill.chat_failures]
        chat_notes = drill.chat_notes
    finally:
        if drill is not None:
            drill.close()
        redis.stop()
        pg.stop()
        if args.keep:
            print(f"kept: {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    print_rows(rows)
    for note in chat_notes:
        print(f"  conversation: {note}")
    if args.json:
        args.json.write_text(
            json.dumps({"rows": rows, "chat": chat_notes, "failures": failures}, indent=2)
        )
    for failure in failures:
        print(f"FAILED {failure}")
    print("drill passed" if not failures else f"drill failed: {len(failures)} problem(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
