"""Token grants whose proof comes later: hosted events once over, reviews once an order is used.

An order delivered from a solution records the member's verified use of it (and grants for
their review of it) in a job queued after the delivery commits. Every ten minutes a sweep
grants the hosts of events that ended and redoes any usage a lost job missed; both look back
a week. Every grant's reference is unique in the ledger, so running any of this twice grants
nothing more.
"""

from __future__ import annotations

import logging
from typing import Any

from huey import crontab

from aixplore.core.db import session_scope
from aixplore.core.events import subscribe
from aixplore.domain.orders import usage
from aixplore.domain.orders.lifecycle import STATUS_CHANGED
from aixplore.domain.orders.models import OrderStatus
from aixplore.domain.wallet import earning
from aixplore.jobs.queue import huey

log = logging.getLogger(__name__)


def record_usage(order_id: int) -> int:
    """Record a delivered order's solution use; how many tokens it granted (the job's body)."""
    with session_scope() as session:
        grants = usage.do_record_order_usage(session, order_id)
    return sum(g.amount for g in grants if g.granted)


@huey.task(retries=3, retry_delay=30)
def record_order_usage(order_id: int) -> int:
    """Queued after an order is delivered; safe to run twice."""
    return record_usage(order_id)


def grant_event_hosts() -> int:
    """Grant the hosts of events that ended in the last week; how many were granted."""
    with session_scope() as session:
        due = earning.due_event_ids(session)
    granted = 0
    for event_id in due:  # one unit of work each: one host's refusal never holds up another
        with session_scope() as session:
            granted += int(earning.grant_for_event(session, event_id).granted)
    return granted


@huey.periodic_task(crontab(minute="*/10"))
def sweep_wallet_grants() -> dict[str, int]:
    """Grant event hosts, and record usage for delivered orders a lost job left behind."""
    with session_scope() as session:
        missed = usage.delivered_without_usage(session)
    for order_id in missed:
        record_usage(order_id)
    return {"event_hosts": grant_event_hosts(), "orders": len(missed)}


def _on_status_changed(change: Any) -> None:
    if isinstance(change, dict) and change.get("to") == OrderStatus.DELIVERED.value:
        record_order_usage(int(change["order_id"]))


subscribe(STATUS_CHANGED, _on_status_changed)
