"""The fault drill's setup and its faults (``bench/faults.py`` runs them one after another).

``Drill`` starts the app (two backend workers) and a job worker and signs in the writers;
each fault below is injected while they write, and notes in its ``Phase`` what it saw and
what failed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path

from fault_servers import Postgres, Redis

ROOT = Path(__file__).resolve().parents[1]
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


async def _wait(predicate, until: float, every: float = 0.2) -> bool:
    while time.monotonic() < until:
        if await asyncio.to_thread(predicate):
            return True
        await asyncio.sleep(every)
    return False


async def kill_backend_worker(drill: Drill, phase: Phase) -> None:
    """``worker``: ``kill -9`` of one backend worker; it must be replaced and serve within 5 s."""
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


async def restart_redis(drill: Drill, phase: Phase, redis: Redis) -> None:
    """``redis``: Redis killed and started again, empty."""
    phase.injected = time.monotonic()
    redis.kill()
    await asyncio.sleep(2)
    await asyncio.to_thread(redis.start)
    phase.notes.append("Redis killed, down 2 s, started again empty")
    await asyncio.sleep(13)


async def restart_postgres(drill: Drill, phase: Phase, pg: Postgres) -> None:
    """``postgres``: PostgreSQL stopped in immediate mode (as a crash) and started again."""
    phase.injected = time.monotonic()
    await asyncio.to_thread(pg.stop, "immediate")
    await asyncio.sleep(3)
    await asyncio.to_thread(pg.start)
    phase.notes.append("PostgreSQL stopped in immediate mode, down 3 s, started again")
    await asyncio.sleep(12)


async def kill_mid_order(drill: Drill, phase: Phase) -> None:
    """``order``: ``kill -9`` of the job worker while an order waits on GitHub for its pull request."""
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


async def kill_mid_webhook(drill: Drill, phase: Phase) -> None:
    """``webhook``: ``kill -9`` of the job worker while a webhook receiver holds its request."""
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
