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
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from fault_servers import Postgres, Redis, free_port  # noqa: E402

FAULTS = ("worker", "redis", "postgres", "order", "webhook")
WORKER_OUTAGE_LIMIT = 5.0
ORDER_LIMIT = 30.0
WEBHOOK_LIMIT = 60.0


@dataclass
class Phase:
    """One injected fault and what the drill saw around it."""

    name: str
    start: float
    injected: float = 0.0
    end: float = 0.0
    recovered: float | None = None  # seconds from the injection (order / delivery / service)
    notes: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


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


class Drill:
    """Everything the drill started, and the load it drives."""

    def __init__(self, folder: Path, args: argparse.Namespace, github) -> None:
        """Start the app and the job worker; sign in the writers."""
        from fault_chat import start_conversation

        from tests.factories import make_member, sign_in
        from tests.support.app_server import build_frontend, start_app
        from tests.support.github_fixture import LIBRARY_FILES, TOKEN
        from tests.support.job_worker import JobWorkers

        self.folder, self.args, self.github = folder, args, github
        github.add_user("octo", TOKEN)
        github.add_repo("octo/library", LIBRARY_FILES, description="A small library")
        env = dict(os.environ)
        if not args.no_build:
            print("building the front end (python -m aixplore.serve build)", flush=True)
            build_frontend(ROOT, env, folder / "build.log")
        (folder / "jobs").mkdir()
        self.jobs = JobWorkers(folder / "jobs")
        self.app = start_app(ROOT, env, folder / "app.log")
        try:
            self.app.wait_until_up(timeout=300, workers=2)
            self.worker = self.jobs.start()
        except BaseException:
            self.close()
            raise
        self.tokens: list[tuple[str, int]] = []
        self.victim: int | None = None  # the backend worker the worker fault kills
        self.chat: list[tuple[str, int, str]] = []
        try:  # a failure here must not leave the app and the job worker running
            for n in range(args.writers):
                member = make_member(email=f"drill{n}@example.com", name=f"Drill Member {n}")
                self.tokens.append((sign_in(member.email, ip=f"198.51.100.{n + 1}"), member.id))
            if args.chat and {"worker", "redis"} & set(args.only.split(",")):
                for n, name in enumerate(("Ana", "Ben")):
                    member = make_member(email=f"drill-chat{n}@example.com", name=f"Chat {name}")
                    token = sign_in(member.email, ip=f"198.51.101.{n}")
                    self.chat.append((name, member.id, token))
                self.conversation = start_conversation([(n, u) for n, u, _ in self.chat])
        except BaseException:
            self.close()
            raise
        self.chat_notes: list[str] = []
        self.chat_failures: list[str] = []

    def close(self) -> None:
        """Stop the app, the job workers and the fake GitHub."""
        self.app.stop()
        self.jobs.stop_all()
        self.github.stop()


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


async def _wait(predicate, until: float, every: float = 0.2) -> bool:
    while time.monotonic() < until:
        if await asyncio.to_thread(predicate):
            return True
        await asyncio.sleep(every)
    return False


async def _kill_backend_worker(drill: Drill, phase: Phase) -> None:
    victim = drill.victim or sorted(drill.app.worker_pids())[0]
    phase.injected = time.monotonic()
    os.kill(victim, signal.SIGKILL)
    back = await _wait(
        lambda: len(drill.app.worker_pids() - {victim}) == 2, phase.injected + 30, 0.1
    )
    phase.notes.append(
        f"worker {victim} killed; replaced after {time.monotonic() - phase.injected:.1f} s"
        if back
        else f"worker {victim} killed and not replaced within 30 s"
    )
    if not back:
        phase.failures.append("the killed backend worker was not replaced")
    await asyncio.sleep(max(0.0, phase.injected + 10 - time.monotonic()))


async def _restart_redis(drill: Drill, phase: Phase, redis: Redis) -> None:
    phase.injected = time.monotonic()
    redis.kill()
    await asyncio.sleep(2)
    await asyncio.to_thread(redis.start)
    phase.notes.append("Redis killed, down 2 s, started again empty")
    await asyncio.sleep(13)


async def _restart_postgres(drill: Drill, phase: Phase, pg: Postgres) -> None:
    phase.injected = time.monotonic()
    await asyncio.to_thread(pg.stop, "immediate")
    await asyncio.sleep(3)
    await asyncio.to_thread(pg.start)
    phase.notes.append("PostgreSQL stopped in immediate mode, down 3 s, started again")
    await asyncio.sleep(12)


async def _kill_mid_order(drill: Drill, phase: Phase) -> None:
    from sqlmodel import select

    from aixplore.core.db import read_scope
    from aixplore.domain.orders.models import Order, OrderStatus
    from aixplore.domain.wallet.models import WalletTransaction
    from aixplore.jobs import registry  # noqa: F401 - paying queues the order's job
    from tests.factories import actor_for, make_member, sign_in
    from tests.support.github_fixture import TOKEN
    from tests.support.orders import paid_order

    opening = drill.github.hold("POST", r"/pulls$")
    actor = actor_for(sign_in(make_member(email="drill-buyer@example.com").email))
    assert actor is not None
    oid = await asyncio.to_thread(paid_order, actor, token=TOKEN, grant=2_000)
    if not await asyncio.to_thread(opening.reached.wait, 180):
        phase.failures.append("the order never reached its pull request stage")
        return
    phase.injected = drill.worker.kill()
    opening.release()  # GitHub carries out the dead worker's request
    drill.worker = drill.jobs.start()

    def status() -> OrderStatus:
        with read_scope() as db:
            order = db.get(Order, oid)
            assert order is not None
            return OrderStatus(order.status)

    done = await _wait(
        lambda: status() in {OrderStatus.PR_OPENED, OrderStatus.DELIVERED},
        phase.injected + ORDER_LIMIT + 30,
    )
    phase.recovered = time.monotonic() - phase.injected if done else None
    pulls = len(drill.github.repos["octo/library"].pulls)
    with read_scope() as db:
        charges = db.exec(
            select(WalletTransaction.id).where(
                WalletTransaction.reference == f"order:{oid}:payment"
            )
        ).all()
    phase.notes.append(f"order {oid}: {pulls} pull request(s), {len(charges)} charge(s)")
    if pulls != 1 or len(charges) != 1:
        phase.failures.append(f"order {oid} has {pulls} pull requests and {len(charges)} charges")
    if phase.recovered is None or phase.recovered > ORDER_LIMIT:
        phase.failures.append(f"the order took over {ORDER_LIMIT:.0f} s to reach its pull request")


async def _kill_mid_webhook(drill: Drill, phase: Phase) -> None:
    from aixplore.core.db import read_scope, session_scope
    from aixplore.domain.webhooks import services as webhooks
    from aixplore.domain.webhooks.models import DeliveryStatus, WebhookDelivery
    from aixplore.jobs import registry  # noqa: F401 - a ping queues its delivery
    from tests.factories import actor_for, make_member, sign_in
    from tests.support.webhook_receiver import BlockingReceiver

    receiver = BlockingReceiver()
    try:
        receiver.hold_next()
        actor = actor_for(sign_in(make_member(email="drill-hooks@example.com").email))
        with session_scope() as db:
            endpoint, _secret = webhooks.do_create_endpoint(
                db, actor, {"url": receiver.url, "event_types": ["ping"]}
            )
        with session_scope() as db:
            delivery_id = webhooks.do_send_ping(db, actor, endpoint.id).id
        if not await asyncio.to_thread(receiver.reached.wait, 60):
            phase.failures.append("the webhook never reached its receiver")
            return
        phase.injected = drill.worker.kill()
        drill.worker = drill.jobs.start()

        def succeeded() -> bool:
            with read_scope() as db:
                delivery = db.get(WebhookDelivery, delivery_id)
                return delivery is not None and delivery.status == DeliveryStatus.SUCCEEDED

        done = await _wait(succeeded, phase.injected + WEBHOOK_LIMIT + 30)
        phase.recovered = time.monotonic() - phase.injected if done else None
        ids = receiver.delivery_ids()
        phase.notes.append(f"delivery {delivery_id}: requests carried ids {ids}")
        if set(ids) != {str(delivery_id)}:
            phase.failures.append(f"delivery ids changed: {ids}")
        if phase.recovered is None or phase.recovered > WEBHOOK_LIMIT:
            phase.failures.append(f"the delivery took over {WEBHOOK_LIMIT:.0f} s after the kill")
    finally:
        receiver.close()


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
        "worker": lambda p: _kill_backend_worker(drill, p),
        "redis": lambda p: _restart_redis(drill, p, redis),
        "postgres": lambda p: _restart_postgres(drill, p, pg),
        "order": lambda p: _kill_mid_order(drill, p),
        "webhook": lambda p: _kill_mid_webhook(drill, p),
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


def _stored(attempts: list) -> set[tuple[str, int, str]]:
    """Which of these writes are in the database: (kind, user id, slug)."""
    from sqlmodel import select

    from aixplore.core.db import read_scope
    from aixplore.domain.discovery.models import Bookmark
    from aixplore.domain.reviews.models import Review
    from aixplore.domain.solutions.models import Solution

    with read_scope() as db:
        marks = db.exec(
            select(Bookmark.user_id, Solution.slug).join(
                Solution, Solution.id == Bookmark.solution_id
            )
        ).all()
        reviews = db.exec(
            select(Review.author_id, Solution.slug).join(
                Solution, Solution.id == Review.solution_id
            )
        ).all()
    found = {("bookmark", u, s) for u, s in marks} | {("review", u, s) for u, s in reviews}
    return {(a.kind, a.user_id, a.slug) for a in attempts} & found


def _report(ledger, phases: list[Phase]) -> tuple[list[dict], list[str]]:
    from fault_load import first_recovery, longest_outage

    stored = _stored(ledger.attempts)
    rows, failures = [], []
    for phase in phases:
        mine = ledger.between(phase.start, phase.end)
        confirmed = [a for a in mine if a.confirmed]
        kept = [a for a in confirmed if (a.kind, a.user_id, a.slug) in stored]
        errors = [a.error for a in mine if not a.confirmed]
        prompts = sum(a.sign_in_prompt for a in mine)
        outage = longest_outage(ledger.probes, phase.start, phase.end)
        service = (
            first_recovery(ledger.probes, phase.injected, phase.end) if phase.injected else None
        )
        row = {
            "fault": phase.name,
            "attempted": len(mine),
            "confirmed": len(confirmed),
            "stored": len(kept),
            "lost": len(confirmed) - len(kept),
            "errors_seen": len(errors),
            "error_examples": sorted(set(errors))[:3],
            "sign_in_prompts": prompts,
            "longest_outage_s": round(outage, 1),
            "service_back_s": None if service is None else round(service, 1),
            "recovered_s": None if phase.recovered is None else round(phase.recovered, 1),
            "notes": phase.notes,
        }
        rows.append(row)
        problems = list(phase.failures)
        if row["lost"]:
            problems.append(f"{row['lost']} confirmed writes were lost")
        if prompts:
            problems.append(f"{prompts} sign-in prompts shown to signed-in members")
        if phase.name == "worker" and outage > WORKER_OUTAGE_LIMIT:
            problems.append(f"service down {outage:.1f} s after a worker kill")
        failures += [f"{phase.name}: {p}" for p in problems]
    return rows, failures


def _print(rows: list[dict]) -> None:
    head = ("fault", "attempted", "confirmed", "stored", "lost", "errors_seen")
    head += ("sign_in_prompts", "longest_outage_s", "service_back_s", "recovered_s")
    print(" | ".join(head))
    for row in rows:
        print(" | ".join("-" if row[h] is None else str(row[h]) for h in head))
    for row in rows:
        for note in row["notes"]:
            print(f"  {row['fault']}: {note}")
        for example in row["error_examples"]:
            print(f"  {row['fault']}: seen instead of a success: {example}")


def main() -> int:
    """Run the drill; 0 when every promise held."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
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
        rows, failures = _report(ledger, phases)
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
    _print(rows)
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
