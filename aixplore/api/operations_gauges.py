"""What ``/metrics`` reads from the database and the job queue at each scrape.

These numbers belong to the whole app, not to one worker (every worker would report the
same), so they are read when Prometheus scrapes rather than counted by each process: the job
queue's depth and the age of its once-a-minute probe, the orders in the pipeline and the age
of their leases, the webhook outbox's backlog, each SAML connection's first certificate
expiry, the last scheduled backup, and the health checks. Each part that fails (its service
down) is left out of that scrape and logged; the health gauges then say which service.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func
from sqlmodel import col, select

from aixplore.core.db import read_scope
from aixplore.core.settings import get_settings
from aixplore.core.time import as_utc
from aixplore.domain.orders.models import PIPELINE, Order
from aixplore.domain.orgs.saml_certs import first_expiry
from aixplore.domain.orgs.sso_models import SsoConnection, SsoProtocol
from aixplore.domain.webhook_outbox.models import DeliveryStatus, WebhookDelivery
from aixplore.jobs import operations
from aixplore.jobs.queue import huey

log = logging.getLogger(__name__)


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)


def _seconds_since(moment: datetime | None, now: float) -> float:
    return max(0.0, now - as_utc(moment).timestamp()) if moment is not None else 0.0


def health() -> Iterator[GaugeMetricFamily]:
    """``aixplore_health_ok{check}``: 1 while a backing service answers, 0 when it does not."""
    from aixplore.api.routes.health import health_report  # the route module serves us

    family = GaugeMetricFamily(
        "aixplore_health_ok",
        "Backing service answers /api/health's check (1) or not (0)",
        labels=["check"],
    )
    checks: dict[str, dict[str, object]] = health_report()["checks"]  # type: ignore[assignment]
    for check, result in checks.items():
        family.add_metric([check], 1.0 if result.get("ok") else 0.0)
    yield family


def job_queue() -> Iterator[GaugeMetricFamily]:
    """The queue's depth, and how long ago a worker last got to the probe job."""
    pending: Any = huey.pending_count()  # huey's storage answers ints
    scheduled: Any = huey.scheduled_count()
    yield _gauge("aixplore_job_queue_pending", "Jobs waiting in the queue", float(pending))
    yield _gauge("aixplore_job_queue_scheduled", "Jobs scheduled for later", float(scheduled))
    probed = operations.last_probe_at()
    if probed is not None:
        yield _gauge(
            "aixplore_job_queue_probe_age_seconds",
            "Seconds since a worker ran the once-a-minute queue probe (over 60: jobs wait)",
            max(0.0, time.time() - probed),
        )


def orders(now: float) -> Iterator[GaugeMetricFamily]:
    """Orders in the pipeline, how stale their leases are, and the oldest one's age."""
    lease_seconds = get_settings().job_lease_seconds
    with read_scope() as session:
        running, oldest_lease, oldest_change = session.exec(
            select(
                func.count(),
                func.min(col(Order.lease_until)),
                func.min(col(Order.updated_at)),
            ).where(col(Order.status).in_(PIPELINE))
        ).one()
    yield _gauge("aixplore_orders_in_pipeline", "Orders between queued and delivered", running)
    # A lease runs lease_seconds from its last renewal: the oldest lease was renewed this
    # long ago (a live pipeline renews every few seconds; a stuck one stops).
    renewed = as_utc(oldest_lease).timestamp() - lease_seconds if oldest_lease else now
    yield _gauge(
        "aixplore_order_lease_age_seconds",
        "Seconds since the stalest lease of an order in the pipeline was renewed",
        max(0.0, now - renewed),
    )
    yield _gauge(
        "aixplore_order_oldest_pipeline_seconds",
        "Seconds since the order longest in the pipeline last changed",
        _seconds_since(oldest_change, now),
    )


def webhooks(now: float) -> Iterator[GaugeMetricFamily]:
    """The outbox's backlog: pending deliveries and how late the most overdue one is."""
    with read_scope() as session:
        pending, first_due = session.exec(
            select(func.count(), func.min(col(WebhookDelivery.next_attempt_at))).where(
                col(WebhookDelivery.status) == DeliveryStatus.PENDING
            )
        ).one()
    yield _gauge("aixplore_webhook_deliveries_pending", "Webhook deliveries waiting", pending)
    yield _gauge(
        "aixplore_webhook_overdue_seconds",
        "How long the most overdue pending webhook delivery has been due",
        _seconds_since(first_due, now),
    )


def sso_certificates() -> Iterator[GaugeMetricFamily]:
    """Each enabled SAML connection's first signing certificate expiry (Unix seconds)."""
    family = GaugeMetricFamily(
        "aixplore_sso_certificate_expiry_timestamp_seconds",
        "When the first IdP signing certificate of an enabled SAML connection expires",
        labels=["connection_id", "org_id"],
    )
    with read_scope() as session:
        rows = session.exec(
            select(SsoConnection.id, SsoConnection.org_id, SsoConnection.idp_certs).where(
                col(SsoConnection.protocol) == SsoProtocol.SAML,
                col(SsoConnection.enabled).is_(True),
            )
        ).all()
    for connection_id, org_id, pems in rows:
        if (ends := first_expiry(pems)) is not None:
            family.add_metric([str(connection_id), str(org_id)], ends.timestamp())
    yield family


def backups() -> Iterator[GaugeMetricFamily]:
    """The last scheduled backup and the interval (only when scheduled backups are on)."""
    settings = get_settings()
    if settings.backup_dir is None:
        return
    yield _gauge(
        "aixplore_backup_interval_seconds",
        "How often a scheduled backup is due",
        settings.backup_interval_minutes * 60,
    )
    last = operations.last_backup_at()
    yield _gauge(
        "aixplore_backup_last_success_timestamp_seconds",
        "When the last scheduled backup succeeded (0: none yet)",
        last.timestamp() if last is not None else 0.0,
    )


class OperationsCollector(Collector):
    """Reads the app-wide gauges at each scrape (see the module docstring)."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        """Yield every part that could be read."""
        now = time.time()
        parts: list[Callable[[], Iterator[GaugeMetricFamily]]] = [
            health,
            job_queue,
            lambda: orders(now),
            lambda: webhooks(now),
            sso_certificates,
            backups,
        ]
        for part in parts:
            try:
                families = list(part())
            except Exception:  # a service down: the health gauges say which
                log.warning("a metrics part could not be read", exc_info=True)
                continue
            yield from families
