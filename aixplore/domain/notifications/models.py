"""In-app notifications: short messages to one user, with a link into the app."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel

from aixplore.core.columns import utc_column
from aixplore.core.time import utcnow

# What a notification is about (the page shows an icon per kind).
KINDS = (
    "order",
    "saved_search",
    "webhook",
    "org_invitation",
    "review",
    "follow",
    "mention",
    "reply",
    "quote",
    "reaction",
    "forum_post",
    "group",
    "signal",
    "connection",
    "moderation",
    "stream",
)
TITLE_MAX = 200
BODY_MAX = 1000
LINK_MAX = 700  # a saved search's link carries its query string (600 at most)


class Notification(SQLModel, table=True):
    """One message to one user; unread while ``read_at`` is empty."""

    __table_args__ = (
        # Keyset paging (newest first) and pruning walk this index.
        Index("ix_notification_user_id_id", "user_id", "id"),
        # The bell's poll counts only unread rows: a partial index holds just those.
        Index(
            "ix_notification_unread",
            "user_id",
            postgresql_where=text("read_at IS NULL"),
            sqlite_where=text("read_at IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    kind: str = Field(max_length=20)
    title: str = Field(max_length=TITLE_MAX)
    body: str = Field(default="", max_length=BODY_MAX)
    link: str = Field(default="", max_length=LINK_MAX)
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    read_at: datetime | None = Field(default=None, sa_column=utc_column())


class NotificationPublic(BaseModel):
    """A notification as its owner sees it."""

    id: int
    kind: str
    title: str
    body: str
    link: str
    created_at: datetime
    read: bool


class NotificationPage(BaseModel):
    """One page of notifications, newest first; ``more`` when older ones remain."""

    items: list[NotificationPublic]
    more: bool
