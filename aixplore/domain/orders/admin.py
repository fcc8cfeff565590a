"""Platform admins' order controls: run a stuck order again, refund one by hand."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from aixplore.core.errors import Conflict
from aixplore.core.events import publish_after_commit
from aixplore.domain.accounts.models import Actor
from aixplore.domain.accounts.services import require_platform_admin
from aixplore.domain.audit.services import record as audit
from aixplore.domain.orders.lifecycle import ORDER_QUEUED, fail_and_refund, lock_order
from aixplore.domain.orders.models import PIPELINE, Order, OrderStatus
from aixplore.domain.orders.services import get_order


def do_admin_requeue(session: Session, actor: Actor | None, order_id: Any) -> Order:
    """Run a stuck pipeline order again (its lease is dropped; stages are idempotent)."""
    admin = require_platform_admin(actor, "requeue_order")
    order = lock_order(session, get_order(session, admin, order_id).id or 0)
    if order.status not in PIPELINE:
        raise Conflict("Only an order in the pipeline can be run again.")
    order.lease_token, order.lease_until = None, None
    session.add(order)
    session.flush()
    audit(session, admin.user_id, "order.requeued", f"order:{order.id}")
    publish_after_commit(session, ORDER_QUEUED, order.id)
    return order


def do_admin_refund(session: Session, actor: Actor | None, order_id: Any, reason: Any) -> Order:
    """Stop a paid order that has not been delivered and refund it, with the reason shown."""
    admin = require_platform_admin(actor, "refund_order")
    order = get_order(session, admin, order_id)
    if order.status not in {OrderStatus.PAID, *PIPELINE}:
        raise Conflict("Only a paid order that is not delivered can be refunded.")
    text = reason.strip()[:500] if isinstance(reason, str) and reason.strip() else "no reason given"
    return fail_and_refund(
        session, order.id or 0, f"Refunded by an administrator: {text}", actor_user_id=admin.user_id
    )
