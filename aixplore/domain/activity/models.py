"""Activity: what people did that their followers' feeds show (one row per subject).

A feed item says that someone did something (``kind``) to something (``subject_id``): a
solution published, a review written, an event hosted; later kinds (a forum post, a trading
signal, a group's activity) add a kind and nothing else. The feature services record items
here; ``domain/social`` reads them. This package imports no feature, so any may record.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from aixplore.core.columns import enum_column, utc_column
from aixplore.core.time import utcnow


class FeedKind(enum.StrEnum):
    """What a feed item reports (the subject is a row of the kind's table)."""

    SOLUTION_PUBLISHED = "solution_published"
    REVIEW_WRITTEN = "review_written"
    EVENT_HOSTED = "event_hosted"
    SIGNAL_PUBLISHED = "signal_published"
    THREAD_STARTED = "thread_started"


class FeedItem(SQLModel, table=True):
    """Something a person did that their followers' feeds show; one per (kind, subject)."""

    __tablename__ = "feed_item"  # type: ignore[assignment]
    __table_args__ = (
        UniqueConstraint("kind", "subject_id", name="uq_feed_item_subject"),
        # Fan-in reads and "what did they do" walk an author's items newest first.
        Index("ix_feed_item_actor_id", "actor_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    actor_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    kind: FeedKind = Field(sa_column=enum_column(FeedKind, "feed_kind"))
    subject_id: int
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    # A group's activity: its members' feeds get it too; a members-only item (a private or
    # secret group's) reaches only them, never followers, fan-in readers or profiles.
    group_id: int | None = Field(default=None, foreign_key="community_group.id", ondelete="CASCADE")
    members_only: bool = Field(default=False)
    # Set by the fan-out job; a sweep re-queues items still unset after a while.
    fanned_out_at: datetime | None = Field(default=None, sa_column=utc_column(index=True))
