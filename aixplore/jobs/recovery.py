"""Recovery from a dead job worker: work whose lease ran out is queued again within seconds.

A worker killed mid-job takes its job off the queue with it; what it was doing is known only
from the lease it held (an order's pipeline, a webhook attempt), which stops being renewed.
Every consumer process runs a :class:`RecoverySweeper` thread that looks for expired leases
every ``AIXPLORE_JOB_SWEEP_SECONDS``, drops each one once (a conditional update, so several
processes never queue the same work twice) and queues the work again: a killed worker's order
resumes, and its webhook delivery is sent again, within lease + sweep seconds of the kill.
Huey's periodic tasks run at most once a minute, hence a thread of its own.
"""

from __future__ import annotations

import logging
import threading

from aixplore.core.db import read_scope, session_scope
from aixplore.core.settings import get_settings
from aixplore.core.time import utcnow
from aixplore.domain.orders import lifecycle
from aixplore.domain.webhooks import delivery as deliveries
from aixplore.jobs import orders, webhooks

log = logging.getLogger(__name__)


def recover_orders() -> list[int]:
    """Queue again the orders whose worker died (refund those stuck for an hour); their ids."""
    now = utcnow()
    with read_scope() as session:
        expired = lifecycle.expired_leases(session)
    resumed = []
    for order_id, token, updated in expired:
        with session_scope() as session:
            dropped = lifecycle.drop_expired_lease(session, order_id, token)
        if dropped:
            log.warning("order %s: its worker stopped; resuming", order_id)
            orders.resume(order_id, updated, now)
            resumed.append(order_id)
    return resumed


def recover_webhooks() -> list[int]:
    """Send again the deliveries whose attempt's worker died; their ids."""
    with read_scope() as session:
        expired = deliveries.expired_leases(session)
    resent = []
    for delivery_id, token in expired:
        with session_scope() as session:
            again = deliveries.drop_expired_lease(session, delivery_id, token)
        if again:
            log.warning("webhook delivery %s: its worker stopped; sending again", delivery_id)
            webhooks.deliver_webhook(delivery_id)
            resent.append(delivery_id)
    return resent


class RecoverySweeper:
    """A daemon thread that runs both recoveries now and then every few seconds."""

    def __init__(self, every: float | None = None) -> None:
        self._every = get_settings().job_sweep_seconds if every is None else every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="job recovery", daemon=True)

    def start(self) -> RecoverySweeper:
        """Start sweeping (the first sweep runs at once)."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop after the current sweep."""
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while True:
            try:
                recover_orders()
                recover_webhooks()
            except Exception:  # the database or queue briefly away: the next sweep tries again
                log.exception("job recovery sweep failed")
            if self._stop.wait(self._every):
                return
