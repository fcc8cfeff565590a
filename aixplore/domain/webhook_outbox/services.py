"""Queueing webhook deliveries: the outbox every feature writes its events into.

``emit(session, event_type, data, user_ids, org_ids)`` is called by the domain services in the
unit of work of the action itself: a delivery row exists exactly when the action was committed,
and the jobs layer sends it after the commit (a sweep catches any not sent). It reads only the
webhook tables, so any feature may call it, organizations included, whose endpoints are managed
in :mod:`aixplore.domain.webhooks.services`.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy import and_, or_
from sqlmodel import Session, col, select

from aixplore.core.events import publish_after_commit
from aixplore.core.time import utcnow
from aixplore.domain.webhook_outbox.models import EVENT_TYPES, WebhookDelivery, WebhookEndpoint

DELIVERY_QUEUED = "webhooks.delivery_queued"


def queue_delivery(
    session: Session, endpoint: WebhookEndpoint, event_type: str, data: dict[str, Any]
) -> WebhookDelivery:
    """Queue one delivery of ``event_type`` to ``endpoint``; it is sent after the commit."""
    body = {
        "id": str(uuid.uuid4()),
        "type": event_type,
        "created_at": utcnow().isoformat(),
        "data": data,
    }
    delivery = WebhookDelivery(
        endpoint_id=endpoint.id or 0,
        event_type=event_type,
        payload=json.dumps(body, separators=(",", ":"), default=str),
    )
    session.add(delivery)
    session.flush()
    publish_after_commit(session, DELIVERY_QUEUED, delivery.id)
    return delivery


def emit(
    session: Session,
    event_type: str,
    data: dict[str, Any],
    user_ids: list[int],
    org_ids: list[int] | None = None,
) -> int:
    """Queue ``event_type`` for the enabled endpoints that subscribed to it: the personal
    endpoints of ``user_ids`` and the endpoints of the organizations ``org_ids``."""
    assert event_type in EVENT_TYPES, event_type
    owners = []
    if user_ids:
        owners.append(
            and_(col(WebhookEndpoint.user_id).in_(user_ids), col(WebhookEndpoint.org_id).is_(None))
        )
    if org_ids:
        owners.append(col(WebhookEndpoint.org_id).in_(org_ids))
    if not owners:
        return 0
    endpoints = session.exec(
        select(WebhookEndpoint).where(or_(*owners), col(WebhookEndpoint.enabled).is_(True))
    ).all()
    count = 0
    for endpoint in endpoints:
        if event_type in endpoint.event_types.split():
            queue_delivery(session, endpoint, event_type, data)
            count += 1
    return count
