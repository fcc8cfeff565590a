"""Delivery bookkeeping: claiming an attempt, signing, recording outcomes, backoff, disabling.

An attempt is claimed under a lease (``lease_token``, ``lease_until``) that its worker renews
by heartbeat while the request is in flight (:func:`renew_lease`). Its outcome is recorded
only while the token still holds the delivery, so a worker that lost the lease cannot record
a second success. A worker killed mid-attempt leaves an expired lease, which
:func:`drop_expired_lease` turns into an "interrupted" attempt in the log, and the delivery
is sent again at once under the same delivery id (``X-AiXplore-Delivery``) and body.

Signature header (``X-AiXplore-Signature``): ``t=<unix seconds>,v1=<hex>`` where the hex is
HMAC-SHA256 over ``"<t>." + body`` under the endpoint's secret; during a secret rotation's
overlap a second ``v1=`` carries the signature under the previous secret.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from aixplore.core.crypto import decrypt
from aixplore.core.settings import get_settings
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import User
from aixplore.domain.audit_log.services import record as audit
from aixplore.domain.mail.services import do_queue_mail
from aixplore.domain.notifications.services import notify
from aixplore.domain.webhooks.models import (
    BACKOFF_SECONDS,
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)

log = logging.getLogger(__name__)
INTERRUPTED = "interrupted: the worker stopped during this attempt; sent again, same delivery id"


@dataclass(frozen=True)
class Request:
    """An attempt to send: where, what and with which headers."""

    delivery_id: int
    attempt: int
    lease: str
    url: str
    body: bytes
    headers: dict[str, str]


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of ``"<timestamp>." + body``."""
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def signature_header(endpoint: WebhookEndpoint, timestamp: int, body: bytes) -> str:
    """``t=...,v1=...`` (and the previous secret's ``v1`` during an overlap)."""
    parts = [f"t={timestamp}", f"v1={sign(decrypt(endpoint.secret_enc), timestamp, body)}"]
    until = endpoint.previous_secret_until
    if endpoint.previous_secret_enc and until is not None and until > utcnow():
        parts.append(f"v1={sign(decrypt(endpoint.previous_secret_enc), timestamp, body)}")
    return ",".join(parts)


def _lease_seconds() -> timedelta:
    return timedelta(seconds=get_settings().job_lease_seconds)


def claim(session: Session, delivery_id: int) -> Request | None:
    """Take the next attempt of a due delivery (None when it is not due, or taken)."""
    now = utcnow()
    token = secrets.token_hex(8)
    result = session.execute(
        update(WebhookDelivery)
        .where(
            col(WebhookDelivery.id) == delivery_id,
            col(WebhookDelivery.status) == DeliveryStatus.PENDING,
            col(WebhookDelivery.next_attempt_at) <= now,
            or_(
                col(WebhookDelivery.lease_token).is_(None),
                col(WebhookDelivery.lease_until) < now,
            ),
        )
        .values(
            attempts=WebhookDelivery.attempts + 1,
            lease_token=token,
            lease_until=now + _lease_seconds(),
        )
    )
    if getattr(result, "rowcount", 0) != 1:
        return None
    delivery = session.exec(
        select(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id)
        .execution_options(populate_existing=True)
    ).one()
    endpoint = session.get(WebhookEndpoint, delivery.endpoint_id)
    if endpoint is None or not endpoint.enabled:
        delivery.status, delivery.finished_at = DeliveryStatus.FAILED, now
        delivery.last_error = "endpoint disabled"
        delivery.lease_token = delivery.lease_until = None
        session.add(delivery)
        return None
    body = delivery.payload.encode()
    timestamp = int(time.time())
    return Request(
        delivery_id=delivery_id,
        attempt=delivery.attempts,
        lease=token,
        url=endpoint.url,
        body=body,
        headers={
            "Content-Type": "application/json",
            "User-Agent": "AiXplore-Webhooks/1",
            "X-AiXplore-Event": delivery.event_type,
            "X-AiXplore-Delivery": str(delivery_id),
            "X-AiXplore-Signature": signature_header(endpoint, timestamp, body),
        },
    )


def renew_lease(session: Session, request: Request) -> bool:
    """Extend the attempt's lease from now; False when the attempt no longer holds it."""
    result = session.execute(
        update(WebhookDelivery)
        .where(
            col(WebhookDelivery.id) == request.delivery_id,
            col(WebhookDelivery.lease_token) == request.lease,
        )
        .values(lease_until=utcnow() + _lease_seconds())
    )
    return getattr(result, "rowcount", 0) == 1


def expired_leases(session: Session, limit: int = 500) -> list[tuple[int, str]]:
    """Pending deliveries whose attempt's lease ran out (their worker died): id and token."""
    rows = session.exec(
        select(WebhookDelivery.id, WebhookDelivery.lease_token)
        .where(
            col(WebhookDelivery.lease_until) < utcnow(),
            col(WebhookDelivery.status) == DeliveryStatus.PENDING,
            col(WebhookDelivery.lease_token).is_not(None),
        )
        .order_by(col(WebhookDelivery.lease_until))
        .limit(limit)
    ).all()
    return [(i, t) for i, t in rows if i is not None and t is not None]


def drop_expired_lease(session: Session, delivery_id: int, token: str) -> bool:
    """Log the dead worker's attempt as interrupted and free the delivery; True: send it again.

    Only once per lease (False when another process dropped it first, or it was renewed). An
    interrupted attempt is not the endpoint's failure: its failure count is left alone. A
    delivery that has used up its attempts fails instead of being sent again.
    """
    now = utcnow()
    result = session.execute(
        update(WebhookDelivery)
        .where(
            col(WebhookDelivery.id) == delivery_id,
            col(WebhookDelivery.lease_token) == token,
            col(WebhookDelivery.lease_until) < now,
        )
        .values(lease_token=None, lease_until=None, next_attempt_at=now, last_error=INTERRUPTED)
    )
    if getattr(result, "rowcount", 0) != 1:
        return False
    delivery = session.get(WebhookDelivery, delivery_id, populate_existing=True)
    assert delivery is not None
    session.add(
        WebhookAttempt(
            delivery_id=delivery_id,
            number=delivery.attempts,
            started_at=now,
            status_code=None,
            duration_ms=0,
            error=INTERRUPTED,
        )
    )
    if delivery.attempts > len(BACKOFF_SECONDS):
        delivery.status, delivery.finished_at = DeliveryStatus.FAILED, now
        session.add(delivery)
        return False
    return True


def _disable(session: Session, endpoint: WebhookEndpoint) -> None:
    endpoint.enabled = False
    endpoint.disabled_reason = (
        f"Turned off automatically after {endpoint.consecutive_failures} failed attempts in a row."
    )
    owner = session.get(User, endpoint.user_id)  # for an organization's: who registered it
    where = (
        f"the organization's Webhooks page (/orgs/{endpoint.org_id}/webhooks)"
        if endpoint.org_id is not None
        else "Settings > Webhooks"
    )
    if owner is not None:
        do_queue_mail(
            session,
            to=owner.email,
            subject="Your AiXplore webhook endpoint was turned off",
            body=(
                f"Hello {owner.display_name},\n\nDeliveries to {endpoint.url} failed "
                f"{endpoint.consecutive_failures} times in a row, so we turned the endpoint off."
                "\nFix it, then turn it back on and replay the failed deliveries on "
                f"{where}.\n"
            ),
            kind="webhook_disabled",
            user_id=owner.id,
        )
        notify(
            session,
            endpoint.user_id,
            "webhook",
            "A webhook endpoint was turned off",
            f"{endpoint.url}: {endpoint.disabled_reason}",
            "/settings/webhooks",
        )
    audit(
        session,
        None,
        "webhook.auto_disabled",
        target=f"webhook:{endpoint.id}",
        org_id=endpoint.org_id,
        detail={"url": endpoint.url, "failures": endpoint.consecutive_failures},
    )


def record_outcome(
    session: Session, request: Request, status_code: int | None, duration_ms: int, error: str
) -> float | None:
    """Log an attempt and move the delivery on; returns the retry delay in seconds, if any.

    Nothing is recorded when the attempt lost its lease (its worker stalled past it and
    another attempt took over): that attempt's outcome belongs to nobody.
    """
    now = utcnow()
    ok = status_code is not None and 200 <= status_code < 300
    delivery = session.get(
        WebhookDelivery, request.delivery_id, with_for_update=True, populate_existing=True
    )
    if delivery is None or delivery.lease_token != request.lease:
        log.warning(
            "webhook attempt outcome dropped: its lease was lost",
            extra={"delivery_id": request.delivery_id, "attempt": request.attempt},
        )
        return None
    session.add(
        WebhookAttempt(
            delivery_id=request.delivery_id,
            number=request.attempt,
            started_at=now - timedelta(milliseconds=duration_ms),
            status_code=status_code,
            duration_ms=duration_ms,
            error=error[:300],
        )
    )
    endpoint = session.get(WebhookEndpoint, delivery.endpoint_id, with_for_update=True)
    delivery.lease_token = delivery.lease_until = None
    delivery.last_status_code, delivery.last_duration_ms = status_code, duration_ms
    delivery.last_error = "" if ok else error[:300]
    retry: float | None = None
    if ok:
        delivery.status, delivery.finished_at = DeliveryStatus.SUCCEEDED, now
    elif delivery.attempts > len(BACKOFF_SECONDS):
        delivery.status, delivery.finished_at = DeliveryStatus.FAILED, now
    else:
        retry = float(BACKOFF_SECONDS[delivery.attempts - 1])
        delivery.next_attempt_at = now + timedelta(seconds=retry)
    session.add(delivery)
    if endpoint is not None:
        if ok:
            endpoint.consecutive_failures = 0
        else:
            endpoint.consecutive_failures += 1
            if endpoint.enabled and (
                endpoint.consecutive_failures >= get_settings().webhook_disable_after_failures
            ):
                _disable(session, endpoint)
                retry = None
        session.add(endpoint)
    return retry


def due_deliveries(session: Session, limit: int = 500) -> list[int]:
    """Pending deliveries whose attempt is due (new or retrying) and not being attempted.

    Attempts left by a dead worker are found by :func:`expired_leases`.
    """
    rows = session.exec(
        select(WebhookDelivery.id)
        .where(
            col(WebhookDelivery.status) == DeliveryStatus.PENDING,
            col(WebhookDelivery.next_attempt_at) <= utcnow(),
            col(WebhookDelivery.lease_token).is_(None),
        )
        .order_by(col(WebhookDelivery.next_attempt_at))
        .limit(limit)
    ).all()
    return [i for i in rows if i is not None]
