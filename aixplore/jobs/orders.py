"""The order pipeline: analyze -> generate -> validate -> deliver -> delivered.

Delivery is a branch with one commit and a pull request on GitHub, or, for a local Git
repository, a branch with one commit and a review request inside AiXplore
(``jobs/order_delivery.py``, ``domain/orders/review.py``).

One job runs an order as far as it can. Exactly one worker works on an order at a time: a
short lease claimed with a conditional update and renewed by a heartbeat thread while the
stages run. Every write of a stage is fenced by the lease token (a stage's status move, its
log lines, a failure's refund, the review request), and the lease is renewed just before
each write to a repository, so a worker that lost its lease (paused past it, cut off)
changes nothing when it wakes. Delivery looks before each write and again after a refusal,
so a crash and a retry never create a second branch, commit, pull request or review
request. Payment happened before the job; a permanent failure refunds it. Transient
failures (GitHub or the Git server out of reach) raise, and huey retries. A killed
worker's order is run again by ``jobs/recovery.py`` once its lease runs out (seconds);
``sweep_orders`` re-queues, once a minute, orders that have no live lease and made no
progress for two minutes, and gives up after an hour.

The end of this module is the orders' composition root: it registers the adapters through
which the order domain reaches GitHub, local repositories and Stripe.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import anyio
from huey import crontab
from sqlalchemy import or_
from sqlmodel import col, select

from aixplore.core import tracing
from aixplore.core.db import read_scope, session_scope
from aixplore.core.errors import Conflict, DomainError, ServiceUnavailable, ValidationFailed
from aixplore.core.events import subscribe
from aixplore.core.settings import get_settings
from aixplore.core.time import utcnow
from aixplore.domain.orders import github_oauth, lifecycle, providers, review
from aixplore.domain.orders.card import CardGateway, register_card_gateway
from aixplore.domain.orders.drafts import purge_empty_drafts
from aixplore.domain.orders.generate import digest, render_project
from aixplore.domain.orders.github_account import github_token_for
from aixplore.domain.orders.models import PIPELINE, Order, OrderStatus
from aixplore.domain.orders.providers import Provider, ProviderAdapter
from aixplore.domain.orders.scan import scan_repository
from aixplore.domain.orders.spec import TEMPLATES
from aixplore.domain.wallet.purchases import PackCheckout, register_pack_checkout
from aixplore.integrations import github_mcp, local_git, stripe_checkout
from aixplore.integrations.sandbox import validate_project
from aixplore.jobs import order_delivery as deliver
from aixplore.jobs.heartbeat import Heartbeat
from aixplore.jobs.queue import huey

log = logging.getLogger(__name__)
S = OrderStatus
GIVE_UP_AFTER = timedelta(hours=1)
STALE_AFTER = timedelta(minutes=2)
# A card refund job normally records its refund within seconds; later, the sweep runs it again.
CARD_REFUND_GRACE = timedelta(minutes=3)


@dataclass(frozen=True)
class Snapshot:
    """What a stage needs, read in one short read-only unit of work."""

    order_id: int
    status: OrderStatus
    provider: Provider
    repo: str
    base: str
    branch: str
    requirements: dict[str, Any]
    configuration: dict[str, Any]
    env: list[dict[str, Any]]
    files_digest: str
    token: str | None
    lease: str

    def files(self) -> dict[str, str]:
        return render_project(
            self.order_id, self.repo, self.requirements, self.configuration, self.env
        )


def _snapshot(order_id: int, lease: str) -> Snapshot | None:
    with read_scope() as session:
        order = session.get(Order, order_id)
        if order is None:
            return None
        return Snapshot(
            order_id=order_id,
            status=OrderStatus(order.status),
            provider=Provider(order.provider or "github"),
            repo=order.repo_full_name or "",
            base=order.base_branch or "main",
            branch=(order.configuration or {}).get("branch_name", ""),
            requirements=order.requirements or {},
            configuration=order.configuration or {},
            env=order.env_vars or [],
            files_digest=order.files_digest or "",
            token=github_token_for(session, order.user_id),
            lease=lease,
        )


def _log(snap: Snapshot, stage: str, message: str) -> None:
    with session_scope() as session:
        lifecycle.log_stage(session, snap.order_id, stage, message, lease=snap.lease)


def _advance(snap: Snapshot, to: OrderStatus, **fields: Any) -> None:
    with session_scope() as session:
        moved = lifecycle.advance(
            session, snap.order_id, snap.status, to, lease=snap.lease, **fields
        )
    if not moved:
        raise lifecycle.LeaseLost(f"Order {snap.order_id} moved on without this worker.")


def _renew(order_id: int, lease: str) -> bool:
    with session_scope() as session:
        return lifecycle.renew_lease(session, order_id, lease)


def _guard(snap: Snapshot) -> None:
    """Renew the lease now, before a write to a repository; LeaseLost when not ours any more."""
    with session_scope() as session:
        held = lifecycle.renew_lease(session, snap.order_id, snap.lease, in_pipeline=True)
    if not held:
        raise lifecycle.LeaseLost(f"Order {snap.order_id} is no longer leased to this worker.")


def _token(snap: Snapshot) -> str:
    if not snap.token:
        raise ValidationFailed("GitHub is not connected; connect it and ask for a retry.")
    return snap.token


def _credential(snap: Snapshot) -> str | None:
    return _token(snap) if snap.provider is Provider.GITHUB else None


# ---- stages ----


def _analyze(snap: Snapshot) -> None:
    async def scan() -> dict[str, Any]:
        async with providers.open_host(snap.provider, _credential(snap)) as host:
            return await scan_repository(host, snap.repo, snap.base)

    found = anyio.run(scan)
    if snap.branch in found["branches"]:
        raise Conflict(
            f'The branch "{snap.branch}" already exists in {snap.repo}; choose another name.'
        )
    _log(snap, "analyze", f"{found['file_count']} files, framework {found['framework']}")
    _advance(snap, S.GENERATING, scan=found)


def _generate(snap: Snapshot) -> None:
    files = snap.files()
    _log(snap, "generate", f"{len(files)} files rendered")
    _advance(snap, S.VALIDATING, files_digest=digest(files))


def _validate_and_deliver(snap: Snapshot) -> None:
    files = snap.files()
    if digest(files) != snap.files_digest:
        raise Conflict("The generated files changed between stages.")
    result = validate_project(
        files, snap.configuration.get("root_dir", ""), get_settings().order_validate_seconds
    )
    if not result.passed:
        raise Conflict(
            f"The generated project failed its {result.step} check: {result.output[-300:]}"
        )
    _log(snap, "validate", "compiled, linted and its own tests passed")
    marker = f"[aixplore-order {snap.order_id} {snap.files_digest[:12]}]"
    message = deliver.commit_message(snap.order_id, snap.requirements, marker)
    if snap.provider is Provider.LOCAL:
        _deliver_local(snap, files, message)
        return
    title = f"AiXplore: {TEMPLATES[snap.requirements['template']].title}"
    body = deliver.pull_body(
        snap.order_id, snap.requirements, snap.configuration.get("root_dir", ""), files
    )
    sha, number, url = anyio.run(
        deliver.to_github,
        _token(snap),
        snap.repo,
        snap.branch,
        snap.base,
        files,
        message,
        (title, body),
        lambda: _guard(snap),
    )
    _log(snap, "deliver", f"pull request #{number} on {snap.branch}")
    _advance(snap, S.PR_OPENED, commit_sha=sha, pr_number=number, pr_url=url)


def _deliver_local(snap: Snapshot, files: dict[str, str], message: str) -> None:
    sha = anyio.run(
        deliver.to_local,
        snap.repo,
        snap.order_id,
        snap.branch,
        snap.base,
        files,
        message,
        lambda: _guard(snap),
    )
    # One unit of work: a worker killed before it leaves neither the log line nor the review.
    with session_scope() as session:
        note = f"commit {sha[:10]} on {snap.branch}; review requested"
        lifecycle.log_stage(session, snap.order_id, "deliver", note, lease=snap.lease)
        opened = review.open_review(
            session,
            snap.order_id,
            snap.lease,
            repo=snap.repo,
            branch=snap.branch,
            base=snap.base,
            head_sha=sha,
        )
    if not opened:
        raise lifecycle.LeaseLost(f"Order {snap.order_id} moved on without this worker.")


def _confirm(snap: Snapshot) -> None:
    if snap.provider is Provider.LOCAL:
        with read_scope() as session:
            if not review.has_review(session, snap.order_id):
                raise Conflict("The review request of this order is missing.")
        _advance(snap, S.DELIVERED)
        return

    async def find() -> dict[str, Any] | None:
        async with github_mcp.connect(_token(snap)) as gh:
            owner, repo = snap.repo.split("/", 1)
            return await gh.find_pull(owner, repo, snap.branch)

    if anyio.run(find) is None:
        raise github_mcp.GitHubError("The pull request is not visible yet.")
    _advance(snap, S.DELIVERED)


STAGES = {
    S.QUEUED: lambda snap: _advance(snap, S.ANALYZING),
    S.ANALYZING: _analyze,
    S.GENERATING: _generate,
    S.VALIDATING: _validate_and_deliver,
    S.PR_OPENED: _confirm,
}


def _stages(order_id: int, lease: str) -> str:
    for _ in range(len(STAGES) + 1):
        snap = _snapshot(order_id, lease)
        if snap is None:
            return "missing"
        stage = STAGES.get(snap.status)
        if stage is None:
            return snap.status.value
        with tracing.span(f"order stage {snap.status.value}", order=order_id):
            stage(snap)
    return "stuck"


def run_pipeline(order_id: int) -> str:
    """Run ``order_id`` through every remaining stage; return where it ended.

    ``"busy"``: another worker holds the order; ``"superseded"``: this worker lost its lease
    on the way (another one took the order over) and stopped without writing. A killed
    worker (a BaseException such as SystemExit) keeps the lease until it expires, as a worker
    that really died would; any other outcome gives the lease back.
    """
    with session_scope() as session:
        lease = lifecycle.claim_lease(session, order_id)
    if lease is None:
        return "busy"
    try:
        with Heartbeat(lambda: _renew(order_id, lease), f"order {order_id}"):
            outcome = _run(order_id, lease)
    except lifecycle.LeaseLost as exc:
        log.warning("order pipeline superseded: %s", exc)
        return "superseded"
    _release(order_id, lease)
    return outcome


def _run(order_id: int, lease: str) -> str:
    try:
        return _stages(order_id, lease)
    except ServiceUnavailable as exc:
        with session_scope() as session:
            lifecycle.log_stage(session, order_id, "retry", exc.message, lease=lease)
        _release(order_id, lease)
        raise
    except DomainError as exc:
        with session_scope() as session:
            lifecycle.fail_and_refund(session, order_id, exc.message, lease=lease)
        return S.REFUNDED.value
    except lifecycle.LeaseLost:
        raise
    except Exception:
        _release(order_id, lease)
        raise


def _release(order_id: int, lease: str) -> None:
    with session_scope() as session:
        lifecycle.release_lease(session, order_id, lease)


@huey.task(retries=3, retry_delay=15)
def run_order(order_id: int) -> str:
    """The queued job of one paid order."""
    return run_pipeline(order_id)


@huey.periodic_task(crontab(minute="*"))
def sweep_orders() -> int:
    """Re-queue stalled orders no worker holds; refund those stuck for more than an hour.

    These are orders whose retries ran out or whose job was lost before a worker took it;
    an order whose worker died still holds its (expired) lease and is resumed within
    seconds by ``jobs/recovery.py``.
    """
    now = utcnow()
    with read_scope() as session:
        rows = session.exec(
            select(Order.id, Order.updated_at).where(
                col(Order.status).in_(PIPELINE),
                col(Order.updated_at) < now - STALE_AFTER,
                or_(col(Order.lease_until).is_(None), col(Order.lease_until) < now),
            )
        ).all()
    for order_id, updated in rows:
        if order_id is not None:
            resume(order_id, updated, now)
    return len(rows)


def resume(order_id: int, updated: datetime, now: datetime) -> None:
    """Queue ``order_id`` again, or refund it when it made no progress for an hour."""
    if updated < now - GIVE_UP_AFTER:
        with session_scope() as session:
            lifecycle.fail_and_refund(
                session, order_id, "The repository could not be reached for an hour."
            )
    else:
        run_order(order_id)


@huey.task(retries=5, retry_delay=30)
def refund_card(order_id: int, payment_intent: str) -> str:
    """Refund a card-paid order at Stripe (idempotent: the key is per order) and record it."""
    refund_id = stripe_checkout.refund(payment_intent, order_id)
    with session_scope() as session:
        lifecycle.record_card_refund(session, order_id, refund_id)
    return refund_id


@huey.periodic_task(crontab(minute="*"))
def sweep_card_refunds() -> int:
    """Queue again the card refunds not recorded a few minutes after the order was refunded.

    A refund job is lost when its worker dies during the Stripe call, or when the queue
    forgets it; its retries also end. Stripe's idempotency key (one per order) makes another
    run return the same refund, so this is at least once without refunding twice.
    """
    with read_scope() as session:
        due = lifecycle.unrefunded_card_orders(session, utcnow() - CARD_REFUND_GRACE)
    for order_id, payment_intent in due:
        refund_card(order_id, payment_intent)
    return len(due)


@huey.periodic_task(crontab(minute="*/15"))
def purge_github_login_states() -> int:
    """Delete "Connect with GitHub" sign-ins that expired unused (every 15 minutes)."""
    with session_scope() as session:
        return github_oauth.purge_expired_states(session)


@huey.periodic_task(crontab(minute="17"))
def purge_drafts() -> int:
    """Delete empty drafts untouched for a day (hourly)."""
    with session_scope() as session:
        return purge_empty_drafts(session)


# The orders' composition root: the adapters the order domain reaches the outside through.
providers.register(
    ProviderAdapter(
        Provider.GITHUB,
        available=lambda: True,
        open=github_mcp.open_repositories,
    )
)
providers.register(
    ProviderAdapter(
        Provider.LOCAL,
        available=local_git.available,
        open=local_git.open_repositories,
        reviewer=local_git.connect,
    )
)
register_card_gateway(CardGateway(stripe_checkout.enabled, stripe_checkout.create_checkout))
# Token packs are paid on the same processor (the wallet domain defines its own interface).
register_pack_checkout(PackCheckout(stripe_checkout.enabled, stripe_checkout.create_token_checkout))
subscribe(lifecycle.ORDER_QUEUED, lambda order_id: run_order(order_id))
subscribe(lifecycle.CARD_REFUND, lambda p: refund_card(p["order_id"], p["payment_intent"]))
