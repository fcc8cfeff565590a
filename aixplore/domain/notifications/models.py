"""In-app notifications: short messages to one user, with a link into the app."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import JSON, Column, Index, text
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
    # Grouping: unread notifications with one ``group_key`` become one row, and ``actors``
    # holds who did it, newest first, as ``[user_id, name]`` pairs ("Ana and 3 others ...").
    group_key: str = Field(default="", max_length=LINK_MAX + 20)
    actors: list[list[Any]] | None = Field(default=None, sa_column=Column(JSON))


class NotificationPublic(BaseModel):
    """A notification as its owner sees it."""

    id: int
    kind: str
    title: str
    body: str
    link: str
    created_at: datetime
    read: bool
    group_key: str = ""


class NotificationPage(BaseModel):
    """One page of notifications, newest first; ``more`` when older ones remain."""

    items: list[NotificationPublic]
    more: bool


# How a kind of notification reaches its user: in the app, in the app and by mail, or not at all.
CHANNELS = ("app", "email", "off")
DIGESTS = ("off", "daily", "weekly")
KIND_LABELS = {
    "order": "Orders",
    "saved_search": "Saved searches",
    "webhook": "Webhooks",
    "org_invitation": "Organization invitations",
    "review": "Reviews of your solutions",
    "follow": "New followers",
    "mention": "Mentions",
    "reply": "Replies",
    "quote": "Quotes",
    "reaction": "Reactions",
    "forum_post": "Forum posts",
    "group": "Groups",
    "signal": "Trading signals",
    "connection": "Connection requests",
    "moderation": "Moderation",
    "stream": "Live streams going live",
}
# Every kind has its label on the settings page (a test holds the two together).


class NotificationSettings(SQLModel, table=True):
    """A user's notification choices; no row means the defaults (all in the app, no digest)."""

    __tablename__ = "notification_settings"  # type: ignore[assignment]

    user_id: int = Field(primary_key=True, foreign_key="user.id", ondelete="CASCADE")
    channels: dict[str, str] | None = Field(default=None, sa_column=Column(JSON))
    timezone: str = Field(default="UTC", max_length=64)
    # Quiet hours as whole local hours [start, end); both empty: none.
    quiet_start: int | None = None
    quiet_end: int | None = None
    digest: str = Field(default="off", max_length=10)
    # The last period a digest was claimed for ("2026-12-07", "2026-W50"): a worker claims a
    # period with a conditional UPDATE of this column, so no period is mailed twice.
    digest_period: str = Field(default="", max_length=12)
    digest_since: datetime | None = Field(default=None, sa_column=utc_column())


class NotificationSettingsPublic(BaseModel):
    """What the settings page shows and sends back."""

    channels: dict[str, str]
    timezone: str
    quiet_start: int | None
    quiet_end: int | None
    digest: str
    saved: bool = False  # False: never saved, these are the defaults
