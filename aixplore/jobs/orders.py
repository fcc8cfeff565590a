"""The order pipeline: analyze -> generate -> validate -> deliver (pull request) -> delivered.

One job runs an order as far as it can. Exactly one worker works on an order at a time: a
short lease claimed with a conditional update and renewed by a heartbeat thread while the
stages run. Every write of a stage is fenced by the lease token (a stage's status move, its
log lines, a failure's refund), and the lease is renewed just before each GitHub write, so a
worker that lost its lease (paused past it, cut off) changes nothing when it wakes. Delivery
checks GitHub before each write (does the branch exist? does it hold our commit, marked with
the order and the files' digest? is there a pull request?) and looks again when GitHub says
the branch or pull request already exists (a dead worker's request may have landed since),
so a crash and a retry never create a second branch, commit or pull request. Payment
happened before the job; a permanent failure refunds it. Transient GitHub failures raise,
and huey retries. A killed worker's order is run again by ``jobs/recovery.py`` once its lease
runs out (seconds); ``sweep_orders`` re-queues, once a minute, orders that have no live lease
and made no progress for two minutes, and gives up after an hour.
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

from aixplore.core.db import read_scope, session_scope
from aixplore.core.errors import Conflict, DomainError, ServiceUnavailable, ValidationFailed
from aixplore.core.events import subscribe
from aixplore.core.settings import get_settings
from aixplore.core.time import utcnow
from aixplore.domain.orders import github_oauth, lifecycle
from aixplore.domain.orders.generate import digest, render_project
from aixplore.domain.orders.models import PIPELINE, Order, OrderStatus
from aixplore.domain.orders.services import github_token_for
from aixplore.domain.orders.spec import TEMPLATES
from aixplore.integrations import github_mcp, stripe_checkout
from aixplore.integrations.github_scan import scan_repository
from aixplore.integrations.sandbox import validate_project
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
    """Renew the lease now, before a write to GitHub; LeaseLost when the order is not ours."""
    with session_scope() as session:
        held = lifecycle.renew_lease(session, snap.order_id, snap.lease, in_pipeline=True)
    if not held:
        raise lifecycle.LeaseLost(f"Order {snap.order_id} is no longer leased to this worker.")


def _token(snap: Snapshot) -> str:
    if not snap.token:
        raise ValidationFailed("GitHub is not connected; connect it and ask for a retry.")
    return snap.token


# ---- stages ----


def _analyze(snap: Snapshot) -> None:
    async def scan() -> dict[str, Any]:
        async with github_mcp.connect(_token(snap)) as gh:
            return await scan_repository(gh, snap.repo, snap.base)

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


async def _deliver(snap: Snapshot, files: dict[str, str], marker: str) -> tuple[str, int, str]:
    owner, repo = snap.repo.split("/", 1)
    title = TEMPLATES[snap.requirements["template"]].title
    async with github_mcp.connect(_token(snap), write=True) as gh:

        async def pushed() -> bool:
            return any(marker in m for m in await gh.commit_messages(owner, repo, snap.branch))

        # A refusal below may come from a dead worker's request that GitHub carried out after
        # we looked: what it refuses to do twice is then done, and delivery goes on.
        if snap.branch not in await gh.branches(owner, repo):
            _guard(snap)
            try:
                await gh.create_branch(owner, repo, snap.branch, snap.base)
            except Conflict:
                if snap.branch not in await gh.branches(owner, repo):
                    raise
        if not await pushed():
            _guard(snap)
            message = f"Add the generated {title} (AiXplore order {snap.order_id})\n\n{marker}"
            try:
                await gh.push_files(owner, repo, snap.branch, files, message)
            except Conflict:
                if not await pushed():
                    raise
        pull = await gh.find_pull(owner, repo, snap.branch)
        if pull is None:
            _guard(snap)
            try:
                pull = await gh.open_pull(
                    owner, repo, snap.branch, snap.base, f"AiXplore: {title}", _pr_body(snap, files)
                )
            except Conflict:
                pull = await gh.find_pull(owner, repo, snap.branch)
                if pull is None:
                    raise
        head = (await gh.branches(owner, repo))[snap.branch]
    return head, int(pull["number"]), str(pull["html_url"])


def _pr_body(snap: Snapshot, files: dict[str, str]) -> str:
    root = snap.configuration.get("root_dir", "")
    entities = ", ".join(e["name"] for e in snap.requirements["entities"])
    listing = "\n".join(f"- `{p}`" for p in sorted(files))
    cd = f"cd {root} && " if root else ""
    return (
        f"Generated by AiXplore for order {snap.order_id}.\n\n"
        f"**What:** {TEMPLATES[snap.requirements['template']].title} with {entities}.\n\n"
        f"**Run it:** `{cd}python -m app`  \n**Test it:** "
        f"`{cd}python -m unittest discover -s tests -t .`\n\n"
        f"Secret environment variables are not in the repository; see `.env.example`.\n\n"
        f"**Files:**\n{listing}\n"
    )


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
    sha, number, url = anyio.run(_deliver, snap, files, marker)
    _log(snap, "deliver", f"pull request #{number} on {snap.branch}")
    _advance(snap, S.PR_OPENED, commit_sha=sha, pr_number=number, pr_url=url)


def _confirm(snap: Snapshot) -> None:
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
            lifecycle.fail_and_refund(session, order_id, "GitHub could not be reached for an hour.")
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


subscribe(lifecycle.ORDER_QUEUED, lambda order_id: run_order(order_id))
subscribe(lifecycle.CARD_REFUND, lambda p: refund_card(p["order_id"], p["payment_intent"]))
