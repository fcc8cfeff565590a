"""Forum tables: categories, threads, posts and their revisions, reactions, bookmarks,
notification levels, read positions and each reader's trust standing; the public shapes.

A category may belong to a group (``group_id``): its threads follow the group's visibility.
A thread may discuss a solution or an event (``subject_kind``/``subject_id``, one per subject).
A post may later carry a trading signal (``signal_id``, unused until trading lands).
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from pydantic import BaseModel
from sqlalchemy import Column, Date, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from aixplore.core.columns import enum_column, utc_column
from aixplore.core.time import utcnow

NAME_MAX = 60
SLUG_MAX = 60
DESCRIPTION_MAX = 500
TITLE_MIN, TITLE_MAX = 5, 150
BODY_MIN, BODY_MAX = 2, 20_000
REASON_MAX = 300


class NotificationLevel(enum.StrEnum):
    """How much a reader hears about a thread or category (Discourse's four levels)."""

    WATCHING = "watching"
    TRACKING = "tracking"
    NORMAL = "normal"
    MUTED = "muted"


class SubjectKind(enum.StrEnum):
    """What a "Discuss" thread is about."""

    SOLUTION = "solution"
    EVENT = "event"


class ForumCategory(SQLModel, table=True):
    """A place for threads: admin-made, or a group's own (``group_id``)."""

    __tablename__ = "forum_category"  # type: ignore[assignment]

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=NAME_MAX)
    slug: str = Field(max_length=SLUG_MAX, unique=True)
    description: str = Field(default="", max_length=DESCRIPTION_MAX)
    color: str = Field(default="#3b82f6", max_length=7)
    group_id: int | None = Field(
        default=None, foreign_key="community_group.id", index=True, ondelete="CASCADE"
    )
    position: int = Field(default=0)
    thread_count: int = Field(default=0)
    # An archived category leaves the list and takes no new threads or replies; its threads
    # stay readable where linked.
    archived_at: datetime | None = Field(default=None, sa_column=utc_column())
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))


class ForumThread(SQLModel, table=True):
    """A conversation: its first post opens it, replies follow in ``number`` order."""

    __tablename__ = "forum_thread"  # type: ignore[assignment]
    __table_args__ = (
        # A category's thread list: pinned first, then the latest activity.
        Index("ix_forum_thread_list", "category_id", "pinned", "last_posted_at"),
        UniqueConstraint("subject_kind", "subject_id", name="uq_forum_thread_subject"),
    )

    id: int | None = Field(default=None, primary_key=True)
    category_id: int = Field(foreign_key="forum_category.id", ondelete="CASCADE")
    author_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    title: str = Field(max_length=TITLE_MAX)
    pinned: bool = Field(default=False)
    closed: bool = Field(default=False)
    accepted_post_id: int | None = Field(default=None)
    # A SubjectKind value, or None for an ordinary thread.
    subject_kind: str | None = Field(default=None, max_length=16)
    subject_id: int | None = Field(default=None)
    post_count: int = Field(default=0)
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    last_posted_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))


class ForumPost(SQLModel, table=True):
    """One post; number 1 opens its thread. Hidden or deleted posts keep their row."""

    __tablename__ = "forum_post"  # type: ignore[assignment]
    __table_args__ = (
        UniqueConstraint("thread_id", "number", name="uq_forum_post_number"),
        Index("ix_forum_post_author", "author_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    thread_id: int = Field(foreign_key="forum_thread.id", ondelete="CASCADE")
    author_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    number: int
    # The thread's title on its first post ("" on replies): search weighs it above bodies.
    title: str = Field(default="", max_length=TITLE_MAX)
    body_md: str = Field(sa_column=Column(Text, nullable=False))
    body_html: str = Field(sa_column=Column(Text, nullable=False))
    reply_to_id: int | None = Field(default=None)
    edit_count: int = Field(default=0)
    edited_at: datetime | None = Field(default=None, sa_column=utc_column())
    hidden_at: datetime | None = Field(default=None, sa_column=utc_column())
    hidden_reason: str = Field(default="", max_length=REASON_MAX)
    deleted_at: datetime | None = Field(default=None, sa_column=utc_column())
    deleted_reason: str = Field(default="", max_length=REASON_MAX)
    # Room for the trading issue: a post that carries a signal.
    signal_id: int | None = Field(default=None)
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))


class ForumPostRevision(SQLModel, table=True):
    """What a post said before an edit (readers see every earlier version)."""

    __tablename__ = "forum_post_revision"  # type: ignore[assignment]

    id: int | None = Field(default=None, primary_key=True)
    post_id: int = Field(foreign_key="forum_post.id", index=True, ondelete="CASCADE")
    body_md: str = Field(sa_column=Column(Text, nullable=False))
    body_html: str = Field(sa_column=Column(Text, nullable=False))
    written_at: datetime = Field(sa_column=utc_column(nullable=False))
    replaced_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))


class ForumReaction(SQLModel, table=True):
    """One person's reaction of one kind to one post."""

    __tablename__ = "forum_reaction"  # type: ignore[assignment]

    post_id: int = Field(foreign_key="forum_post.id", primary_key=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE")
    reaction: str = Field(primary_key=True, max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))


class ForumBookmark(SQLModel, table=True):
    """A thread someone keeps for later."""

    __tablename__ = "forum_bookmark"  # type: ignore[assignment]

    user_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE")
    thread_id: int = Field(foreign_key="forum_thread.id", primary_key=True, ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))


class ForumThreadLevel(SQLModel, table=True):
    """A reader's notification level on one thread (overrides the category's)."""

    __tablename__ = "forum_thread_level"  # type: ignore[assignment]

    user_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE")
    thread_id: int = Field(foreign_key="forum_thread.id", primary_key=True, ondelete="CASCADE")
    level: NotificationLevel = Field(sa_column=enum_column(NotificationLevel, "forum_level"))


class ForumCategoryLevel(SQLModel, table=True):
    """A reader's notification level on a whole category."""

    __tablename__ = "forum_category_level"  # type: ignore[assignment]

    user_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE")
    category_id: int = Field(foreign_key="forum_category.id", primary_key=True, ondelete="CASCADE")
    level: NotificationLevel = Field(sa_column=enum_column(NotificationLevel, "forum_level"))


class ForumThreadRead(SQLModel, table=True):
    """The highest post number a reader has seen in a thread."""

    __tablename__ = "forum_thread_read"  # type: ignore[assignment]

    user_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE")
    thread_id: int = Field(foreign_key="forum_thread.id", primary_key=True, ondelete="CASCADE")
    last_read: int = Field(default=0)


class ForumStanding(SQLModel, table=True):
    """A reader's forum activity and the trust level it earned (see ``trust.py``)."""

    __tablename__ = "forum_standing"  # type: ignore[assignment]

    user_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE")
    trust_level: int = Field(default=0)
    days_visited: int = Field(default=0)
    last_visit: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    threads_entered: int = Field(default=0)
    posts_read: int = Field(default=0)
    replies_written: int = Field(default=0)
    reactions_received: int = Field(default=0)
    # Reading time (``trust.record_page``): seconds credited, and when the last thread page
    # was opened.
    reading_seconds: int = Field(default=0)
    last_read_at: datetime | None = Field(default=None, sa_column=utc_column())


# ---- Public shapes ----


class CategoryPublic(BaseModel):
    """A category as its list shows it."""

    id: int
    name: str
    slug: str
    description: str
    color: str
    group_id: int | None
    thread_count: int


class CategoryAdmin(CategoryPublic):
    """A platform category as the admins' page shows it (archived ones too)."""

    archived: bool


class ThreadSummary(BaseModel):
    """A thread in a category's list or in search results."""

    id: int
    title: str
    category_slug: str
    author_handle: str
    author_name: str
    pinned: bool
    closed: bool
    answered: bool
    replies: int
    last_posted_at: datetime
    unread: int = 0
    excerpt: str = ""


class ReactionCount(BaseModel):
    """How many people reacted one way, and whether the viewer did."""

    reaction: str
    emoji: str
    count: int
    mine: bool


class PostPublic(BaseModel):
    """A post as a permitted reader sees it (a hidden post's body is left out)."""

    id: int
    number: int
    author_id: int
    author_handle: str
    author_name: str
    author_initials: str
    author_avatar_url: str
    body_html: str
    body_md: str
    created_at: datetime
    edited: bool
    edit_count: int
    hidden: bool
    deleted: bool
    accepted: bool
    reply_to_number: int | None
    reactions: list[ReactionCount]
    mine: bool


class RevisionPublic(BaseModel):
    """An earlier version of a post."""

    body_html: str
    written_at: datetime
    replaced_at: datetime


class ThreadPage(BaseModel):
    """A thread with one page of its posts and what the viewer may do there."""

    id: int
    title: str
    category: CategoryPublic
    author_id: int
    pinned: bool
    closed: bool
    accepted_post_id: int | None
    posts: list[PostPublic]
    page: int
    pages: int
    bookmarked: bool
    level: NotificationLevel
    can_reply: bool
    can_moderate: bool
    can_accept: bool
