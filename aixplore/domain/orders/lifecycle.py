"""The order state machine: validated, recorded transitions, pipeline leases, fail and refund.

Every status change goes through :func:`transition`, which refuses a move not in
``TRANSITIONS``, records an ``OrderEvent`` and publishes ``order.status_changed`` after commit
(webhooks, notifications and the audit log subscribe to it). Pipeline stages move with
:func:`advance`, a conditional update (``WHERE status = expected``) so two workers can never
both claim a stage.

The pipeline runs under a lease (:func:`claim_lease`): a short ``lease_until`` that the
running worker renews by heartbeat (:func:`renew_lease`) and a ``lease_token`` that fences its
writes: :func:`advance`, :func:`log_stage` and :func:`fail_and_refund` given the token write
only while the order still holds it, so a worker that lost its lease (stopped, paused, cut
off) and wakes up later can change nothing. An expired lease is dropped by
:func:`drop_expired_lease`, after which the order can be run again.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from aixplore.core import live
from aixplore.core.errors import Conflict, NotFound
from aixplore.core.events import publish_after_commit
from aixplore.core.settings import get_settings
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import User
from aixplore.domain.audit.services import record as audit
from aixplore.domain.mail.services import do_queue_mail
from aixplore.domain.notifications.services import notify
from aixplore.domain.orders.models import PIPELINE, TRANSITIONS, Order, OrderEvent, OrderStatus
from aixplore.domain.wallet.models import SystemAccount, TransactionKind
from aixplore.domain.wallet.services import system_account, transfer, user_account
from aixplore.domain.webhooks import services as webhooks

STATUS_CHANGED = "order.status_changed"
ORDER_QUEUED = "order.queued"
CARD_REFUND = "order.card_refund"
MAX_LOG_LINES = 200


def order_channel(order_id: int) -> str:
    """The live channel (``core/live.py``) that hears of each status change of one order."""
    return f"order:{order_id}"


class LeaseLost(Exception):
    """This worker no longer owns the order: its lease was taken over, or the order moved on."""


def _record(
    session: Session, order: Order, old: OrderStatus, new: OrderStatus, actor: int | None, note: str
) -> None:
    assert order.id is not None
    session.add(
        OrderEvent(
            order_id=order.id,
            from_status=old.value,
            to_status=new.value,
            actor_user_id=actor,
            note=note[:1000],
        )
    )
    change = {"order_id": order.id, "user_id": order.user_id, "from": old.value, "to": new.value}
    publish_after_commit(session, STATUS_CHANGED, change)
    # Live readers (GraphQL subscriptions) in every worker hear of it, then read the order.
    live.publish_after_commit(session, order_channel(order.id), {"kind": "order"})
    webhooks.emit(
        session,
        STATUS_CHANGED,
        {"order_id": order.id, "from": old.value, "to": new.value, "pr_url": order.pr_url},
        [order.user_id],
    )
    # Every move is in the audit log: people's (paying, admin refunds) with their user id, the
    # pipeline's with none.
    audit(session, actor, f"order.{new.value}", f"order:{order.id}", detail=change)
    if actor != order.user_id:  # the owner's own steps (quote, payment) need no notice
        _notify_owner(session, order, new, note)
    if new in _MAILED:
        _mail_owner(session, order, new, note)


STATUS_LABELS = {
    OrderStatus.DRAFT: "Draft",
    OrderStatus.QUOTED: "Quoted",
    OrderStatus.PAID: "Paid",
    OrderStatus.QUEUED: "Queued",
    OrderStatus.ANALYZING: "Analyzing",
    OrderStatus.GENERATING: "Generating",
    OrderStatus.VALIDATING: "Validating",
    OrderStatus.PR_OPENED: "Pull request opened",
    OrderStatus.DELIVERED: "Delivered",
    OrderStatus.FAILED: "Failed",
    OrderStatus.REFUNDED: "Refunded",
}


def status_label(status: OrderStatus | str, provider: str = "github") -> str:
    """The status in words; a local repository's delivery is a review request, not a PR."""
    status = OrderStatus(status)
    if status is OrderStatus.PR_OPENED and provider == "local":
        return "Review requested"
    return STATUS_LABELS[status]


def _notify_owner(session: Session, order: Order, new: OrderStatus, note: str) -> None:
    # Only the ends carry a note worth showing (the failure reason, the refund).
    body = note if new in {OrderStatus.FAILED, OrderStatus.REFUNDED} else ""
    notify(
        session,
        order.user_id,
        "order",
        f"Your order #{order.id} is now {status_label(new, order.provider)}",
        body,
        f"/orders/{order.id}",
    )


# Ends the owner hears about by mail; the order page shows every step live.
_MAILED = {OrderStatus.PR_OPENED, OrderStatus.REFUNDED}


def _mail_owner(session: Session, order: Order, new: OrderStatus, note: str) -> None:
    owner = session.get(User, order.user_id)
    if owner is None:
        return
    link = f"{get_settings().base_url.rstrip('/')}/orders/{order.id}"
    if new is OrderStatus.PR_OPENED and order.provider == "local":
        subject = f"Your app is ready for your review (order #{order.id})"
        text = f"Look at the changes, then accept or reject them:\n{link}/review"
    elif new is OrderStatus.PR_OPENED:
        subject = f"Your app is ready for review (order #{order.id})"
        text = f"The pull request with your app is open:\n{order.pr_url or link}"
    else:
        subject = f"Order #{order.id} stopped and refunded"
        why = order.failure_reason or note
        text = f"{why}\n\nYour payment for this order has been refunded."
    do_queue_mail(
        session,
        to=owner.email,
        subject=subject,
        body=f"Hello {owner.display_name},\n\n{text}\n\nYour order: {link}\n",
        kind=f"order_{new.value}",
        user_id=owner.id,
    )


def transition(
    session: Session,
    order: Order,
    to: OrderStatus,
    *,
    actor_user_id: int | None = None,
    note: str = "",
) -> Order:
    """Move ``order`` (a row locked or freshly read in this unit of work) to ``to``."""
    old = OrderStatus(order.status)
    if to not in TRANSITIONS[old]:
        raise Conflict(f"An order that is {old.value} cannot become {to.value}.")
    order.status = to
    order.updated_at = utcnow()
    session.add(order)
    _record(session, order, old, to, actor_user_id, note)
    session.flush()
    return order


def lock_order(session: Session, order_id: int) -> Order:
    """The order row, locked for this unit of work (PostgreSQL; SQLite locks at BEGIN)."""
    order = session.get(Order, order_id, with_for_update=True, populate_existing=True)
    if order is None:
        raise NotFound("No such order.")
    return order


def advance(
    session: Session,
    order_id: int,
    expected: OrderStatus,
    to: OrderStatus,
    *,
    lease: str | None = None,
    **fields: Any,
) -> bool:
    """Move from ``expected`` to ``to`` only if the order still is ``expected`` (a claim).

    With ``lease``, only while the order still holds that lease token (a fenced write).
    """
    if to not in TRANSITIONS[expected]:
        raise Conflict(f"An order that is {expected.value} cannot become {to.value}.")
    fence = [col(Order.lease_token) == lease] if lease is not None else []
    result = session.execute(
        update(Order)
        .where(col(Order.id) == order_id, col(Order.status) == expected, *fence)
        .values(status=to, updated_at=utcnow(), **fields)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    order = session.get(Order, order_id, populate_existing=True)
    assert order is not None
    _record(session, order, expected, to, None, "")
    return True


def claim_lease(session: Session, order_id: int, seconds: float | None = None) -> str | None:
    """Claim the right to run the pipeline on ``order_id``; None when a live lease holds it."""
    seconds = get_settings().job_lease_seconds if seconds is None else seconds
    token = secrets.token_hex(8)
    now = utcnow()
    result = session.execute(
        update(Order)
        .where(
            col(Order.id) == order_id,
            or_(col(Order.lease_until).is_(None), col(Order.lease_until) < now),
        )
        .values(lease_token=token, lease_until=now + timedelta(seconds=seconds))
    )
    return token if result.rowcount == 1 else None  # type: ignore[attr-defined]


def renew_lease(
    session: Session,
    order_id: int,
    token: str,
    seconds: float | None = None,
    *,
    in_pipeline: bool = False,
) -> bool:
    """Extend the lease ``token`` holds by ``seconds`` from now; False when it is no longer held.

    ``in_pipeline``: also False when the order left the pipeline (an administrator refunded
    it), which is what a worker about to write to GitHub needs to know.
    """
    seconds = get_settings().job_lease_seconds if seconds is None else seconds
    in_pipeline_only = [col(Order.status).in_(PIPELINE)] if in_pipeline else []
    result = session.execute(
        update(Order)
        .where(col(Order.id) == order_id, col(Order.lease_token) == token, *in_pipeline_only)
        .values(lease_until=utcnow() + timedelta(seconds=seconds))
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def expired_leases(session: Session, limit: int = 100) -> list[tuple[int, str, datetime]]:
    """Pipeline orders whose lease ran out (their worker died): id, token, last update."""
    rows = session.exec(
        select(Order.id, Order.lease_token, Order.updated_at)
        .where(
            col(Order.status).in_(PIPELINE),
            col(Order.lease_token).is_not(None),
            col(Order.lease_until) < utcnow(),
        )
        .order_by(col(Order.lease_until))
        .limit(limit)
    ).all()
    return [(i, t, at) for i, t, at in rows if i is not None and t is not None]


def drop_expired_lease(session: Session, order_id: int, token: str) -> bool:
    """Drop the expired lease ``token`` of ``order_id`` (once: False when already dropped)."""
    result = session.execute(
        update(Order)
        .where(
            col(Order.id) == order_id,
            col(Order.lease_token) == token,
            col(Order.lease_until) < utcnow(),
        )
        .values(lease_token=None, lease_until=None)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    log_stage(session, order_id, "resume", "the worker running this order stopped; resuming")
    return True


def release_lease(session: Session, order_id: int, token: str) -> None:
    """Give the lease back (only the holder's token releases it)."""
    session.execute(
        update(Order)
        .where(col(Order.id) == order_id, col(Order.lease_token) == token)
        .values(lease_token=None, lease_until=None)
    )


def log_stage(
    session: Session, order_id: int, stage: str, message: str, *, lease: str | None = None
) -> None:
    """Append one line to the order's stage log (shown to the owner and admins).

    With ``lease``, only while the order still holds that lease token (else :class:`LeaseLost`).
    """
    order = lock_order(session, order_id)
    if lease is not None and order.lease_token != lease:
        raise LeaseLost(f"Order {order_id} is no longer leased to this worker.")
    lines = list(order.stage_log or [])
    lines.append({"at": utcnow().isoformat(timespec="seconds"), "stage": stage, "msg": message})
    order.stage_log = lines[-MAX_LOG_LINES:]
    session.add(order)
    session.flush()


def refund(session: Session, order: Order, *, actor_user_id: int | None = None) -> Order:
    """Return the tokens of a failed, wallet-paid order (one reversing transfer, idempotent)."""
    if order.status != OrderStatus.FAILED:
        raise Conflict("Only a failed order can be refunded.")
    assert order.id is not None
    if order.payment_method == "stripe" and order.payment_reference:
        # The card refund is an outside call: made after commit by the jobs layer.
        publish_after_commit(
            session, CARD_REFUND, {"order_id": order.id, "payment_intent": order.payment_reference}
        )
    elif order.price_tokens and order.payment_reference:
        orders = system_account(session, SystemAccount.ORDERS)
        payer = user_account(session, order.user_id)
        assert orders.id is not None and payer.id is not None
        transfer(
            session,
            orders.id,
            payer.id,
            order.price_tokens,
            TransactionKind.REFUND,
            f"order:{order.id}:refund",
        )
    return transition(
        session, order, OrderStatus.REFUNDED, actor_user_id=actor_user_id, note="Refunded."
    )


def record_card_refund(session: Session, order_id: int, refund_id: str) -> None:
    """Remember Stripe's refund of a card-paid order (the first one recorded stays)."""
    session.execute(
        update(Order)
        .where(col(Order.id) == order_id, col(Order.card_refund_id).is_(None))
        .values(card_refund_id=refund_id[:120])
    )


def unrefunded_card_orders(session: Session, before: datetime) -> list[tuple[int, str]]:
    """Card-paid orders refunded here before ``before`` whose Stripe refund is not recorded.

    Their refund job was lost (a worker killed during it, a queue that lost it) or ran out of
    retries; the job is idempotent per order at Stripe, so it may simply run again.
    """
    rows = session.exec(
        select(Order.id, Order.payment_reference).where(
            col(Order.status) == OrderStatus.REFUNDED,
            col(Order.payment_method) == "stripe",
            col(Order.payment_reference).is_not(None),
            col(Order.card_refund_id).is_(None),
            col(Order.updated_at) < before,
        )
    ).all()
    return [(oid, ref) for oid, ref in rows if oid is not None and ref]


def fail_and_refund(
    session: Session,
    order_id: int,
    reason: str,
    *,
    actor_user_id: int | None = None,
    lease: str | None = None,
) -> Order:
    """Stop a paid order with ``reason`` shown to the user, then refund it automatically.

    With ``lease`` (the pipeline's own failure), only while the order still holds that lease
    token: a worker that lost its lease must not refund an order another worker delivered.
    """
    order = lock_order(session, order_id)
    if lease is not None and order.lease_token != lease:
        raise LeaseLost(f"Order {order_id} is no longer leased to this worker.")
    if order.status in {OrderStatus.FAILED, OrderStatus.REFUNDED, OrderStatus.DELIVERED}:
        return order
    order.failure_reason = reason[:1000]
    transition(session, order, OrderStatus.FAILED, actor_user_id=actor_user_id, note=reason)
    return refund(session, order, actor_user_id=actor_user_id)
