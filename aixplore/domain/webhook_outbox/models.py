"""The webhook outbox's tables: endpoints people register, the deliveries queued for them and
every attempt to send one.

Every feature queues deliveries (organizations' membership events included), so these tables
and :mod:`aixplore.domain.webhook_outbox.services` depend on no feature; managing endpoints
and sending deliveries is :mod:`aixplore.domain.webhooks`.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from aixplore.core.columns import enum_column, utc_column
from aixplore.core.time import utcnow

# What can be subscribed to. The "member.*" events go to the endpoints of the organization.
EVENT_TYPES = (
    "solution.published",
    "review.created",
    "event.created",
    "event.cancelled",
    "member.joined",
    "member.left",
    "member.role_changed",
    "order.status_changed",
    "ping",
)
# What an organization's endpoints can receive: what happens in the organization.
ORG_EVENT_TYPES = ("member.joined", "member.left", "member.role_changed", "ping")


class DeliveryStatus(enum.StrEnum):
    """Where a delivery stands."""

    PENDING = "pending"  # waiting for its (next) attempt
    SUCCEEDED = "succeeded"
    FAILED = "failed"  # every attempt failed, or the endpoint was disabled


class WebhookEndpoint(SQLModel, table=True):
    """A URL that receives signed POSTs for the chosen event types."""

    __tablename__ = "webhook_endpoint"  # type: ignore[assignment]

    id: int | None = SQLField(default=None, primary_key=True)
    # A personal endpoint's owner, or the admin who registered an organization's endpoint.
    user_id: int = SQLField(foreign_key="user.id", index=True, ondelete="CASCADE")
    # The organization that owns the endpoint (None: a personal endpoint).
    org_id: int | None = SQLField(
        default=None, foreign_key="organization.id", index=True, ondelete="CASCADE"
    )
    url: str = SQLField(max_length=500)
    description: str = SQLField(default="", max_length=200)
    event_types: str = SQLField(max_length=500)  # space-separated
    secret_enc: str = SQLField(max_length=300)  # core.crypto token
    previous_secret_enc: str | None = SQLField(default=None, max_length=300)
    previous_secret_until: datetime | None = SQLField(default=None, sa_column=utc_column())
    enabled: bool = True
    disabled_reason: str = SQLField(default="", max_length=300)
    consecutive_failures: int = 0
    created_at: datetime = SQLField(default_factory=utcnow, sa_column=utc_column(nullable=False))
    updated_at: datetime = SQLField(default_factory=utcnow, sa_column=utc_column(nullable=False))


class WebhookDelivery(SQLModel, table=True):
    """One event for one endpoint; its id is the delivery id receivers see on every try."""

    __tablename__ = "webhook_delivery"  # type: ignore[assignment]

    id: int | None = SQLField(default=None, primary_key=True)
    endpoint_id: int = SQLField(foreign_key="webhook_endpoint.id", index=True, ondelete="CASCADE")
    event_type: str = SQLField(max_length=64)
    payload: str = SQLField(sa_column=Column(Text, nullable=False))
    status: DeliveryStatus = SQLField(
        default=DeliveryStatus.PENDING,
        sa_column=enum_column(DeliveryStatus, "webhook_delivery_status", index=True),
    )
    attempts: int = 0
    next_attempt_at: datetime = SQLField(
        default_factory=utcnow, sa_column=utc_column(nullable=False, index=True)
    )
    last_status_code: int | None = None
    last_error: str = SQLField(default="", max_length=300)
    last_duration_ms: int | None = None
    created_at: datetime = SQLField(default_factory=utcnow, sa_column=utc_column(nullable=False))
    finished_at: datetime | None = SQLField(default=None, sa_column=utc_column())
    # The attempt in progress: its worker's token and how long it holds the delivery unless
    # renewed by heartbeat (see delivery.py). None between attempts.
    lease_token: str | None = SQLField(default=None, max_length=40)
    lease_until: datetime | None = SQLField(default=None, sa_column=utc_column(index=True))


class WebhookAttempt(SQLModel, table=True):
    """The log of every try: when, the answer's status code, how long it took, what failed."""

    __tablename__ = "webhook_attempt"  # type: ignore[assignment]

    id: int | None = SQLField(default=None, primary_key=True)
    delivery_id: int = SQLField(foreign_key="webhook_delivery.id", index=True, ondelete="CASCADE")
    number: int
    started_at: datetime = SQLField(sa_column=utc_column(nullable=False))
    status_code: int | None = None
    duration_ms: int
    error: str = SQLField(default="", max_length=300)
