"""Conversations, their members and their messages, each message with its sequence number.

A conversation counts its changes in ``last_seq``: a new message takes the next number as its
``seq`` (its place, fixed) and its ``changed_seq``; an edit or a delete gives the message the
next number as its new ``changed_seq``. A reader who saw everything up to ``changed_seq`` N
asks for what changed after N and gets each new, edited or deleted message once.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from aixplore.core.columns import utc_column
from aixplore.core.time import utcnow

BODY_MAX = 4000
TITLE_MAX = 80
GROUP_MAX = 100  # people in a group conversation, its starter included


class Conversation(SQLModel, table=True):
    """A one-to-one (``direct``) or group conversation."""

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=10)  # "direct" or "group"
    title: str = Field(default="", max_length=TITLE_MAX)
    # "3:7" for the one-to-one conversation of users 3 and 7: there is one per pair.
    direct_key: str | None = Field(default=None, max_length=41, unique=True)
    # The social group whose chat this is: one per group (``group_chat.py``).
    group_id: int | None = Field(default=None, index=True, unique=True)
    created_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    last_seq: int = Field(default=0)
    last_message_at: datetime | None = Field(default=None, sa_column=utc_column())


class ConversationMember(SQLModel, table=True):
    """One person in a conversation; ``request`` until they accept someone they do not follow."""

    __table_args__ = (Index("ix_conversation_member_user", "user_id", "conversation_id"),)

    conversation_id: int = Field(
        foreign_key="conversation.id", primary_key=True, ondelete="CASCADE"
    )
    user_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE")
    status: str = Field(default="active", max_length=10)  # "active" or "request"
    muted: bool = Field(default=False)
    last_read_seq: int = Field(default=0)
    joined_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))


class Message(SQLModel, table=True):
    """One message; deleted messages keep their place with an empty body."""

    __table_args__ = (
        UniqueConstraint("conversation_id", "seq", name="uq_message_conversation_seq"),
        # Catch-up reads what changed after a sequence number.
        Index("ix_message_conversation_changed", "conversation_id", "changed_seq"),
    )

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: int = Field(foreign_key="conversation.id", ondelete="CASCADE")
    seq: int
    changed_seq: int
    sender_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    body: str = Field(default="", max_length=BODY_MAX)
    reply_to_seq: int | None = Field(default=None)
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    edited_at: datetime | None = Field(default=None, sa_column=utc_column())
    deleted_at: datetime | None = Field(default=None, sa_column=utc_column())
    # Hidden by the moderators (a report): members see that it is hidden, not what it says.
    hidden_at: datetime | None = Field(default=None, sa_column=utc_column())
    # An attached image, re-encoded and stored under the media root like other uploads.
    image_path: str = Field(default="", max_length=100)
    image_width: int = Field(default=0)
    image_height: int = Field(default=0)


class MessagingSettings(SQLModel, table=True):
    """A person's messaging choices (no row: the defaults)."""

    user_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE")
    read_receipts: bool = Field(default=True)


class MessagePublic(BaseModel):
    """A message as a member sees it."""

    seq: int
    changed_seq: int
    sender_id: int
    sender_name: str
    body: str
    reply_to_seq: int | None
    created_at: datetime
    edited: bool
    deleted: bool
    id: int = 0  # what a report names
    hidden: bool = False
    image_url: str = ""
    image_width: int = 0
    image_height: int = 0


class MessageBatch(BaseModel):
    """Messages read at once; ``cursor`` is the last change the reader has now seen."""

    items: list[MessagePublic]
    cursor: int
    more: bool


class ConversationSummary(BaseModel):
    """A conversation in its member's list."""

    id: int
    kind: str
    title: str
    status: str
    muted: bool
    unread: int
    members: int
    last_seq: int
    last_message_at: datetime | None


class Receipt(BaseModel):
    """How far another member has read (members who turned receipts off are left out)."""

    user_id: int
    name: str
    last_read_seq: int
