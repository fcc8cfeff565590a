"""Stored results of API writes sent with an ``Idempotency-Key``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from aixplore.core.columns import utc_column
from aixplore.core.time import utcnow


class IdempotencyRecord(SQLModel, table=True):
    """The first answer to a (user, key) pair, replayed for 24 hours."""

    __tablename__ = "idempotency_record"  # type: ignore[assignment]
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_idempotency_user_key"),)

    id: int | None = SQLField(default=None, primary_key=True)
    user_id: int = SQLField(foreign_key="user.id", ondelete="CASCADE")
    key: str = SQLField(max_length=255)
    fingerprint: str = SQLField(max_length=64)  # method, path and body digest
    status_code: int = 0
    response_body: str = SQLField(default="", sa_column=Column(Text, nullable=False))
    created_at: datetime = SQLField(
        default_factory=utcnow, sa_column=utc_column(nullable=False, index=True)
    )
