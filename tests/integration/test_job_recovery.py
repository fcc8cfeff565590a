"""A killed job worker's order and webhook delivery resume within seconds, exactly once.

Real processes and real kills: a job worker (``python -m aixplore.jobs.worker``) on this run's
database and job queue (PostgreSQL with RedisHuey, or SQLite with SqliteHuey), the real
github-mcp-server against the local GitHub, a local webhook receiver. The worker is killed
with ``kill -9`` while it waits on the outside world (GitHub or the receiver, held by the
test), a fresh worker is started, and the only timings asserted are the deadlines from the
kill: an order reaches its pull request within 30 s, a delivery arrives within 60 s.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import col, select

from aixplore.core.db import read_scope, session_scope
from aixplore.core.settings import get_settings
from aixplore.core.time import utcnow
from aixplore.domain.orders.models import Order, OrderStatus
from aixplore.domain.wallet import services as wallet
from aixplore.domain.wallet.models import WalletTransaction
from aixplore.domain.webhooks import delivery as deliveries
from aixplore.domain.webhooks import services as webhooks
from aixplore.domain.webhooks.models import DeliveryStatus, WebhookAttempt, WebhookDelivery
from aixplore.jobs.orders import run_pipeline
from aixplore.jobs.recovery import recover_orders, recover_webhooks
from aixplore.jobs.webhooks import attempt
from tests.factories import actor_for, make_member, sign_in
from tests.support.fake_github import FakeGitHub, git
from tests.support.github_fixture import TOKEN
from tests.support.job_worker import JobWorkers
from tests.support.orders import paid_order
from tests.support.webhook_receiver import BlockingReceiver

ORDER_DEADLINE = 30.0  # seconds from the kill to the pull request
WEBHOOK_DEADLINE = 60.0  # seconds from the kill to the delivery
REACH = 180.0  # generous: the first worker analyzes, generates and validates first
GRANT = 2_000
PRICE = 714


@pytest.fixture(autouse=True)
def _queue() -> None:
    from aixplore.jobs import registry  # noqa: F401 - paying and pinging queue their jobs
    from aixplore.jobs.queue import huey

    huey.flush()  # jobs earlier tests queued with no worker running


@pytest.fixture
def receiver(monkeypatch: pytest.MonkeyPatch) -> Iterator[BlockingReceiver]:
    monkeypatch.setattr(get_settings(), "webhook_allow_private_targets", True)
    server = BlockingReceiver()
    yield server
    server.close()


def _wait_until(done: Callable[[], bool], until: float, what: str, workers: JobWorkers) -> None:
    while not done():
        if time.monotonic() > until:
            raise AssertionError(f"{what}: not in time\n{workers.logs()}")
        time.sleep(0.2)


def _status(oid: int) -> OrderStatus:
    with read_scope() as db:
        order = db.get(Order, oid)
        assert order is not None
        return OrderStatus(order.status)


def _ledger(reference: str) -> int:
    with read_scope() as db:
        rows = db.exec(
            select(WalletTransaction.id).where(WalletTransaction.reference == reference)
        ).all()
    return len(rows)


def test_a_killed_workers_order_opens_its_one_pull_request_within_30_seconds(
    fake_github: FakeGitHub, job_workers: JobWorkers
) -> None:
    opening = fake_github.hold("POST", r"/pulls$")  # GitHub is slow to open the pull request
    first = job_workers.start()
    actor = actor_for(sign_in(make_member().email))
    assert actor is not None
    oid = paid_order(actor, token=TOKEN, grant=GRANT)
    assert opening.reached.wait(REACH), job_workers.logs()
    assert _status(oid) == OrderStatus.VALIDATING  # branch and commit pushed, no pull request
    killed_at = first.kill()
    # GitHub carries out the dead worker's request: the pull request opens with nobody left
    # to record it. The next worker must find it rather than open a second one.
    opening.release()
    job_workers.start()
    _wait_until(
        lambda: _status(oid) in {OrderStatus.PR_OPENED, OrderStatus.DELIVERED},
        killed_at + ORDER_DEADLINE,
        "the order's pull request after the kill",
        job_workers,
    )
    _wait_until(
        lambda: _status(oid) == OrderStatus.DELIVERED,
        time.monotonic() + 60,
        "delivery",
        job_workers,
    )
    repo = fake_github.repos["octo/library"]
    assert len(git(repo.path, "rev-list", "main..aixplore/library").split()) == 1
    assert len(repo.pulls) == 1
    assert _ledger(f"order:{oid}:payment") == 1 and _ledger(f"order:{oid}:refund") == 0
    with read_scope() as db:
        assert wallet.user_balance(db, actor.user_id) == GRANT - PRICE
        order = db.get(Order, oid)
        assert order is not None and order.pr_number == 1
        stages = [line["stage"] for line in order.stage_log or []]
    assert "resume" in stages and stages.count("deliver") == 1


def test_a_killed_workers_webhook_is_delivered_within_60_seconds_under_its_id(
    receiver: BlockingReceiver, job_workers: JobWorkers
) -> None:
    receiver.hold_next()  # the receiver is slow to answer the first request
    first = job_workers.start()
    actor = actor_for(sign_in(make_member().email))
    with session_scope() as db:
        endpoint, _secret = webhooks.do_create_endpoint(
            db, actor, {"url": receiver.url, "event_types": ["ping"]}
        )
    with session_scope() as db:
        delivery_id = webhooks.do_send_ping(db, actor, endpoint.id).id
    assert receiver.reached.wait(60), job_workers.logs()
    killed_at = first.kill()
    job_workers.start()

    def succeeded() -> bool:
        with read_scope() as db:
            delivery = db.get(WebhookDelivery, delivery_id)
            return delivery is not None and delivery.status == DeliveryStatus.SUCCEEDED

    _wait_until(succeeded, killed_at + WEBHOOK_DEADLINE, "the delivery after the kill", job_workers)
    assert receiver.delivery_ids() == [str(delivery_id)] * 2  # the same id both times
    assert receiver.requests[0][2] == receiver.requests[1][2]  # and the same body
    with read_scope() as db:
        log = db.exec(
            select(WebhookAttempt.number, WebhookAttempt.status_code)
            .where(WebhookAttempt.delivery_id == delivery_id)
            .order_by(col(WebhookAttempt.number))
        ).all()
    assert [tuple(row) for row in log] == [(1, None), (2, 200)]  # interrupted, then one success


# ---- Leases in one process: a live worker keeps its work, a stale one records nothing ----


def _ping(url: str) -> int:
    actor = actor_for(sign_in(make_member().email))
    with session_scope() as db:
        endpoint, _secret = webhooks.do_create_endpoint(
            db, actor, {"url": url, "event_types": ["ping"]}
        )
    with session_scope() as db:
        return webhooks.do_send_ping(db, actor, endpoint.id).id


def _short_leases(monkeypatch: pytest.MonkeyPatch) -> float:
    settings = get_settings()
    monkeypatch.setattr(settings, "job_lease_seconds", 2)
    monkeypatch.setattr(settings, "job_heartbeat_seconds", 0.5)
    return 2.0


def _never_recovered(recover: Callable[[], list[int]], seconds: float) -> None:
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        assert recover() == []
        time.sleep(0.2)


def test_a_slow_webhook_attempt_keeps_its_delivery_by_heartbeat(
    receiver: BlockingReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    lease = _short_leases(monkeypatch)
    delivery_id = _ping(receiver.url)
    receiver.hold_next()
    with ThreadPoolExecutor(1) as pool:
        sending = pool.submit(attempt, delivery_id)
        assert receiver.reached.wait(30)
        _never_recovered(recover_webhooks, lease * 2)  # the receiver takes twice the lease
        receiver.release()
        assert sending.result(timeout=30) == "delivered"
    assert receiver.delivery_ids() == [str(delivery_id)]


def test_a_slow_order_stage_keeps_its_order_by_heartbeat(
    fake_github: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    lease = _short_leases(monkeypatch)
    actor = actor_for(sign_in(make_member().email))
    assert actor is not None
    oid = paid_order(actor, token=TOKEN, grant=GRANT)
    opening = fake_github.hold("POST", r"/pulls$")
    with ThreadPoolExecutor(1) as pool:
        running = pool.submit(run_pipeline, oid)
        assert opening.reached.wait(REACH)
        _never_recovered(recover_orders, lease * 2)  # GitHub takes twice the lease
        opening.release()
        assert running.result(timeout=120) == "delivered"
    assert len(fake_github.repos["octo/library"].pulls) == 1


def test_a_webhook_attempt_that_lost_its_lease_records_nothing(receiver: BlockingReceiver) -> None:
    delivery_id = _ping(receiver.url)
    with session_scope() as db:  # worker A claims the attempt, then stalls past its lease
        stale = deliveries.claim(db, delivery_id)
    assert stale is not None
    with session_scope() as db:
        db.execute(update(WebhookDelivery).values(lease_until=utcnow() - timedelta(seconds=1)))
    assert recover_webhooks() == [delivery_id]
    assert attempt(delivery_id) == "delivered"  # worker B
    with session_scope() as db:  # A wakes up with a success of its own
        assert deliveries.record_outcome(db, stale, 200, 5, "") is None
    with read_scope() as db:
        codes = db.exec(
            select(WebhookAttempt.status_code)
            .where(WebhookAttempt.delivery_id == delivery_id)
            .order_by(col(WebhookAttempt.number))
        ).all()
        delivery = db.get(WebhookDelivery, delivery_id)
        assert delivery is not None and delivery.status == DeliveryStatus.SUCCEEDED
    assert list(codes) == [None, 200]  # A's interrupted attempt, B's one success
