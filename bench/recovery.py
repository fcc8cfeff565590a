"""Recovery benchmark: seconds from killing a job worker to its order and webhook resuming.

Each round starts a real job worker (``python -m aixplore.jobs.worker``), gives it a paid
order (the local GitHub holds the order's pull request, so the worker waits on it with the
branch and commit pushed) and a webhook ping (the local receiver holds the request), kills
it with ``kill -9`` and starts a fresh worker at once. Timed from the kill:

- ``order resumed``: a worker holds the order again (a lease token other than the dead one's);
- ``order PR``: the order reached ``pr_opened`` (the tests' 30 s deadline);
- ``webhook resent``: the receiver got the delivery again (same ``X-AiXplore-Delivery``);
- ``webhook delivered``: the delivery is recorded as succeeded (the tests' 60 s deadline).

``--baseline REF`` runs the same rounds in the same run against the job worker of another
commit (exported with ``git archive``, run on the same database and queue), e.g. the commit
before the heartbeat leases: its rounds take about six minutes each. Engines: ``sqlite``
(SQLite and SqliteHuey, the default set-up), ``pg`` (throwaway PostgreSQL and Redis with
RedisHuey) or ``both``. Scratch folders only; every process it starts is stopped. Figures
are printed and saved as JSON under ``bench/results/``. Usage:
``.venv/bin/python bench/recovery.py --engine both --rounds 3 --baseline d8d3f1f``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
EVENTS = ("order resumed", "order PR", "webhook resent", "webhook delivered")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_postgres(argv: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *argv] if os.getuid() == 0 else argv


def _start_pg_and_redis(scratch: Path, stops: list[str]) -> dict[str, str]:
    """A throwaway PostgreSQL and Redis (as scripts/test starts them): their settings.

    The command that stops each server is added to ``stops`` as soon as it runs.
    """
    pg_bin = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
    folder = scratch / "pg"
    folder.mkdir()
    if os.getuid() == 0:
        shutil.chown(scratch, "postgres")
        shutil.chown(folder, "postgres")
    pg_port, redis_port = _free_port(), _free_port()
    quiet = {"stdout": subprocess.DEVNULL, "check": True}
    initdb = [f"{pg_bin}/initdb", "-D", str(folder), "-U", "postgres", "-A", "trust", "-E", "UTF8"]
    subprocess.run(_as_postgres([*initdb, "--no-locale", "--no-sync"]), **quiet)
    options = f"-c listen_addresses=127.0.0.1 -p {pg_port} -k {folder} -c fsync=off"
    pg_ctl = [f"{pg_bin}/pg_ctl", "-D", str(folder), "-l", f"{folder}/log", "-w"]
    subprocess.run(_as_postgres([*pg_ctl, "-o", options, "start"]), **quiet)
    stops.append(" ".join(_as_postgres([*pg_ctl[:3], "-m", "fast", "-w", "stop"])))
    psql = [f"{pg_bin}/psql", "-h", "127.0.0.1", "-p", str(pg_port), "-U", "postgres"]
    subprocess.run([*psql, "-qc", "CREATE DATABASE bench"], **quiet)
    redis = subprocess.Popen(
        [
            "redis-server",
            "--bind",
            "127.0.0.1",
            "--port",
            str(redis_port),
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
    )
    stops.append(f"kill {redis.pid}")
    return {
        "AIXPLORE_DATABASE_URL": f"postgresql+psycopg://postgres@127.0.0.1:{pg_port}/bench",
        "AIXPLORE_REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
    }


def _export(ref: str, into: Path) -> Path:
    """The source tree of commit ``ref`` (its job worker is the baseline)."""
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", "--format=tar", ref], capture_output=True, check=True
    ).stdout
    tar = into / "baseline.tar"
    tar.write_bytes(archive)
    tree = into / "baseline"
    with tarfile.open(tar) as bundle:
        bundle.extractall(tree, filter="data")
    return tree


@dataclass
class Rig:
    """What every round uses: the local GitHub, the receiver, the workers, the member."""

    gh: Any
    receiver: Any
    workers: Any
    actor: Any
    endpoint_id: int


def _one_round(rig: Rig, code: Path, n: int, limit: float) -> dict[str, float]:
    """Kill a worker holding an order and a webhook attempt; seconds from the kill to each event."""
    from aixplore.core.db import read_scope, session_scope
    from aixplore.domain.orders.models import Order, OrderStatus
    from aixplore.domain.webhooks import services as webhooks
    from aixplore.domain.webhooks.models import DeliveryStatus, WebhookDelivery
    from tests.support.github_fixture import TOKEN
    from tests.support.orders import paid_order

    gh, receiver, workers, actor = rig.gh, rig.receiver, rig.workers, rig.actor
    opening = gh.hold("POST", r"/pulls$")
    first = workers.start(code=code)
    oid = paid_order(actor, token=TOKEN, branch=f"aixplore/bench-{n}", grant=0)
    if not opening.reached.wait(300):
        raise RuntimeError("the worker never reached the pull request\n" + workers.logs())
    receiver.hold_next()
    with session_scope() as db:
        delivery_id = webhooks.do_send_ping(db, actor, rig.endpoint_id).id
    if not receiver.reached.wait(60):
        raise RuntimeError("the worker never sent the webhook\n" + workers.logs())
    sent_before = len(receiver.arrived)
    with read_scope() as db:
        order = db.get(Order, oid)
        dead_lease = order.lease_token if order else None
    killed = first.kill()
    opening.release()  # GitHub carries out the dead worker's request, as it would
    workers.start(code=code)
    seen: dict[str, float] = {}
    while len(seen) < len(EVENTS) and time.monotonic() - killed < limit:
        now = time.monotonic()
        with read_scope() as db:
            order = db.get(Order, oid)
            delivery = db.get(WebhookDelivery, delivery_id)
            assert order is not None and delivery is not None
            if order.lease_token not in (None, dead_lease) or order.status == OrderStatus.DELIVERED:
                seen.setdefault("order resumed", now - killed)
            if order.status in (OrderStatus.PR_OPENED, OrderStatus.DELIVERED):
                seen.setdefault("order PR", now - killed)
            if delivery.status == DeliveryStatus.SUCCEEDED:
                seen.setdefault("webhook delivered", now - killed)
        if len(receiver.arrived) > sent_before:
            seen.setdefault("webhook resent", receiver.arrived[sent_before] - killed)
        time.sleep(0.1)
    workers.stop_all()
    pulls = [p for p in gh.repos["octo/library"].pulls if p["head_ref"] == f"aixplore/bench-{n}"]
    if len(seen) == len(EVENTS) and len(pulls) != 1:
        raise RuntimeError(f"round {n}: {len(pulls)} pull requests")
    return seen


def _measure(engine: str, args: argparse.Namespace, scratch: Path) -> dict:
    from aixplore.cli import migrate
    from aixplore.core.db import session_scope
    from aixplore.core.settings import get_settings
    from aixplore.domain.wallet.services import do_grant_demo_tokens
    from aixplore.domain.webhooks import services as webhooks
    from aixplore.jobs import registry  # noqa: F401 - paying and pinging queue their jobs
    from aixplore.jobs.queue import huey
    from tests.factories import actor_for, make_member, sign_in
    from tests.support.fake_github import HOST, FakeGitHub
    from tests.support.github_fixture import LIBRARY_FILES, TOKEN
    from tests.support.job_worker import JobWorkers
    from tests.support.webhook_receiver import BlockingReceiver

    migrate()
    huey.flush()
    (scratch / "github").mkdir()
    gh = FakeGitHub(scratch / "github")
    gh.add_user("octo", TOKEN)
    gh.add_repo("octo/library", LIBRARY_FILES)
    settings = get_settings()
    settings.github_host, settings.github_proxy = f"http://{HOST}", gh.start()
    settings.webhook_allow_private_targets = True
    receiver = BlockingReceiver()
    actor = actor_for(sign_in(make_member().email))
    assert actor is not None
    with session_scope() as db:
        do_grant_demo_tokens(db, actor.user_id, 100_000)
    with session_scope() as db:
        endpoint, _secret = webhooks.do_create_endpoint(
            db, actor, {"url": receiver.url, "event_types": ["ping"]}
        )
    (scratch / "logs").mkdir()
    rig = Rig(gh, receiver, JobWorkers(scratch / "logs"), actor, endpoint.id or 0)
    subjects = [("heartbeat leases", REPO, args.rounds, 60.0)]
    if args.baseline:
        tree = _export(args.baseline, scratch)
        subjects.append((f"baseline {args.baseline}", tree, args.baseline_rounds, 600.0))
    results: dict[str, dict[str, list[float]]] = {}
    n = 0
    try:
        for name, code, rounds, limit in subjects:
            figures: dict[str, list[float]] = {event: [] for event in EVENTS}
            for _ in range(rounds):
                n += 1
                seen = _one_round(rig, code, n, limit)
                for event in EVENTS:
                    figures[event].append(round(seen.get(event, float("nan")), 2))
                timings = ", ".join(f"{e} {s:.1f} s" for e, s in seen.items())
                print(f"[{engine}] {name} round {n}: {timings}", flush=True)
            results[name] = figures
    finally:
        rig.workers.stop_all()
        receiver.close()
        gh.stop()
    return results


def _print(engine: str, results: dict) -> None:
    print(f"\n{engine}: seconds from kill -9 (median / max of rounds)")
    print(f"{'':22}" + "".join(f"{e:>20}" for e in EVENTS))
    for name, figures in results.items():
        cells = [
            f"{statistics.median(v):.1f} / {max(v):.1f}" if v else "-" for v in figures.values()
        ]
        print(f"{name:22}" + "".join(f"{c:>20}" for c in cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--engine", choices=["sqlite", "pg", "both"], default="sqlite")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--baseline", help="a commit whose job worker to compare with")
    parser.add_argument("--baseline-rounds", type=int, default=1)
    args = parser.parse_args()
    if args.engine == "both":
        for engine in ("sqlite", "pg"):
            argv = [a for a in sys.argv[1:] if a not in ("both", "--engine", "--engine=both")]
            subprocess.run([sys.executable, __file__, "--engine", engine, *argv], check=True)
        return
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    scratch = Path(tempfile.mkdtemp(prefix=f"aixplore-bench-recovery-{args.engine}-"))
    os.chmod(scratch, 0o755)
    os.environ.update(
        AIXPLORE_ENV="test",
        AIXPLORE_SECRET_KEY="bench-secret-key-0123456789-abcdefghijklmnop",
        AIXPLORE_DATA_DIR=str(scratch / "data"),
        AIXPLORE_DATABASE_URL=f"sqlite:///{scratch / 'bench.db'}",
        AIXPLORE_LOG_LEVEL="ERROR",
    )
    stops: list[str] = []
    try:
        if args.engine == "pg":
            os.environ.update(_start_pg_and_redis(scratch, stops))
        results = _measure(args.engine, args, scratch)
    finally:
        for stop in stops:
            subprocess.run(stop, shell=True, check=False, stdout=subprocess.DEVNULL)
        shutil.rmtree(scratch, ignore_errors=True)
    _print(args.engine, results)
    out = REPO / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / f"recovery-{args.engine}.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
