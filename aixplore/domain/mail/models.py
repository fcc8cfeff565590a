"""The mail outbox: every mail is stored first, then delivered by the job queue."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from aixplore.core.columns import enum_column, utc_column
from aixplore.core.time import utcnow


class MailStatus(enum.StrEnum):
    """Where a mail is in its delivery."""

    QUEUED = "queued"
    SENT = "sent"  # handed to the SMTP server
    LOGGED = "logged"  # no SMTP configured: written to the log, kept here
    FAILED = "failed"


class OutboxMail(SQLModel, table=True):
    """One mail to one recipient."""

    __tablename__ = "outbox_mail"  # type: ignore[assignment]

    id: int | None = Field(default=None, primary_key=True)
    user_id: int | None = Field(
        default=None, foreign_key="user.id", index=True, ondelete="SET NULL"
    )
    to_address: str = Field(max_length=254, index=True)
    subject: str = Field(max_length=200)
    body_text: str = Field(sa_column=Column(Text, nullable=False))
    kind: str = Field(default="", max_length=40)
    status: MailStatus = Field(
        default=MailStatus.QUEUED,
        sa_column=enum_column(MailStatus, "mail_status", index=True),
    )
    attempts: int = Field(default=0)
    last_error: str = Field(default="", max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    sent_at: datetime | None = Field(default=None, sa_column=utc_column())
