"""Analytics events: what was viewed, clicked, bookmarked or searched, without raw IPs."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from aixplore.core.columns import enum_column, utc_column
from aixplore.core.time import utcnow


class AnalyticsKind(enum.StrEnum):
    """What happened."""

    VIEW = "view"
    CLICK = "click"  # an outbound link (website, repository, demo)
    BOOKMARK = "bookmark"
    RSVP = "rsvp"
    SEARCH = "search"


class AnalyticsEvent(SQLModel, table=True):
    """One event. ``visitor`` is a keyed hash of network and browser that changes every day."""

    __tablename__ = "analytics_event"  # type: ignore[assignment]
    __table_args__ = (
        Index("ix_analytics_solution_kind_time", "solution_id", "kind", "created_at"),
        Index("ix_analytics_kind_time", "kind", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: AnalyticsKind = Field(sa_column=enum_column(AnalyticsKind, "analytics_kind"))
    solution_id: int | None = Field(default=None, foreign_key="solution.id", ondelete="CASCADE")
    user_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    visitor: str = Field(default="", max_length=32)
    detail: str = Field(default="", max_length=200)  # search words, or the link's kind
    results: int | None = Field(default=None)
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
