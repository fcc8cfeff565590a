"""Outbound webhooks: what people send when they register an endpoint, and what they see of
endpoints and deliveries.

The tables (and the event types) live in :mod:`aixplore.domain.webhook_outbox.models`, below
the features that queue deliveries; they are importable from here too.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from aixplore.domain.webhook_outbox.models import (
    EVENT_TYPES,
    ORG_EVENT_TYPES,
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)

__all__ = [
    "BACKOFF_SECONDS",
    "EVENT_TYPES",
    "ORG_EVENT_TYPES",
    "DeliveryPublic",
    "DeliveryStatus",
    "EndpointInput",
    "EndpointPublic",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
]

# Seconds to wait before each retry: about 21 hours in all, then the delivery fails.
BACKOFF_SECONDS = (60, 300, 1800, 7200, 21600, 43200)


class EndpointInput(BaseModel):
    """A new or changed endpoint."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, strict=True)

    url: str = Field(min_length=8, max_length=500)
    description: str = Field(default="", max_length=200)
    event_types: list[str] = Field(min_length=1, max_length=len(EVENT_TYPES))


class EndpointPublic(BaseModel):
    """What the owner sees of an endpoint (never its secret after creation or rotation)."""

    id: int
    url: str
    description: str
    event_types: list[str]
    enabled: bool
    disabled_reason: str
    consecutive_failures: int
    rotating: bool = Field(description="A previous secret still signs, during the overlap.")
    created_at: datetime


class DeliveryPublic(BaseModel):
    """One line of the delivery log."""

    id: int
    endpoint_id: int
    event_type: str
    status: DeliveryStatus
    attempts: int
    last_status_code: int | None
    last_error: str
    last_duration_ms: int | None
    created_at: datetime
    next_attempt_at: datetime
    finished_at: datetime | None
