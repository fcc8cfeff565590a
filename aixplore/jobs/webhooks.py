"""Webhook delivery jobs: one per attempt, retried with backoff, and a sweep for stragglers.

An attempt holds its delivery under a lease renewed by heartbeat while the request is in
flight; when its worker dies, ``jobs/recovery.py`` sends the delivery again within seconds,
under the same delivery id.
"""

from __future__ import annotations

import logging

from huey import crontab

from aixplore.core.db import session_scope
from aixplore.core.events import subscribe
from aixplore.core.settings import get_settings
from aixplore.domain.webhooks import delivery as deliveries
from aixplore.domain.webhooks.services import DELIVERY_QUEUED
from aixplore.domain.webhooks.targets import BlockedTarget, resolve_allowed
from aixplore.integrations import webhooks as http
from aixplore.jobs.heartbeat import Heartbeat
from aixplore.jobs.queue import huey

log = logging.getLogger(__name__)


def attempt(delivery_id: int) -> str:
    """Make the next attempt of one delivery now (the job's body; callable directly)."""
    with session_scope() as session:
        request = deliveries.claim(session, delivery_id)
    if request is None:
        return "skipped"
    with Heartbeat(lambda: _renew(request), f"webhook delivery {delivery_id}"):
        try:
            resolve_allowed(request.url)
        except BlockedTarget as exc:
            outcome = http.Outcome(None, 0, str(exc))
        else:
            outcome = http.post(
                request.url,
                request.body,
                request.headers,
                timeout=get_settings().webhook_timeout_seconds,
            )
    with session_scope() as session:
        retry = deliveries.record_outcome(
            session, request, outcome.status_code, outcome.duration_ms, outcome.error
        )
    if retry is not None:
        deliver_webhook.schedule((delivery_id,), delay=retry)
    return "delivered" if outcome.ok else f"failed: {outcome.error}"


def _renew(request: deliveries.Request) -> bool:
    with session_scope() as session:
        return deliveries.renew_lease(session, request)


@huey.task()
def deliver_webhook(delivery_id: int) -> str:
    """Send one attempt of a delivery; safe to run twice (a claimed attempt is skipped)."""
    return attempt(delivery_id)


@huey.periodic_task(crontab(minute="*"))
def sweep_webhooks() -> int:
    """Enqueue due deliveries the after-commit hook or a dead worker left behind."""
    with session_scope() as session:
        ids = deliveries.due_deliveries(session)
    for delivery_id in ids:
        deliver_webhook(delivery_id)
    return len(ids)


def _enqueue(delivery_id: int) -> None:
    deliver_webhook(delivery_id)


subscribe(DELIVERY_QUEUED, _enqueue)
