"""Live streams, their stream keys, chat lines, chat moderators, time-outs and viewers.

A stream's chat counts its changes in ``last_seq`` the way a conversation does
(``domain/messaging/models.py``): a new line takes the next number as its ``seq`` and its
``changed_seq``; a moderator's delete gives the line the next number as its ``changed_seq``.
A page that saw everything up to N reads what changed after N, each line once.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from aixplore.core.columns import utc_column
from aixplore.core.time import utcnow

TITLE_MAX = 120
URL_MAX = 500
LINE_MAX = 500  # characters in one chat line
MODERATORS_MAX = 20  # named chat moderators besides the streamer
SLOW_MODE_MAX = 600  # seconds between a chatter's lines at most
STATUSES = ("scheduled", "live", "ended")
SOURCES = ("rtmp", "hls")  # streamed to AiXplore, or played from the streamer's own origin


class Stream(SQLModel, table=True):
    """One scheduled, live or ended stream of one member."""

    __table_args__ = (
        Index("ix_stream_status_starts", "status", "starts_at"),
        Index("ix_stream_streamer", "streamer_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    streamer_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    title: str = Field(max_length=TITLE_MAX)
    starts_at: datetime = Field(sa_column=utc_column(nullable=False))
    source: str = Field(max_length=10)  # one of SOURCES
    hls_url: str = Field(default="", max_length=URL_MAX)  # the streamer's own origin ("hls")
    event_id: int | None = Field(
        default=None, foreign_key="event.id", index=True, ondelete="SET NULL"
    )
    group_id: int | None = Field(
        default=None, foreign_key="community_group.id", index=True, ondelete="SET NULL"
    )
    keep_recording: bool = Field(default=False)
    status: str = Field(default="scheduled", max_length=10)  # one of STATUSES
    # The ingest name it went live under (its HLS playlist is <name>.m3u8).
    ingest_name: str = Field(default="", max_length=40)
    went_live_at: datetime | None = Field(default=None, sa_column=utc_column())
    # When its "going live" notifications were sent (by a job, once; ``ingest.py``).
    live_notified_at: datetime | None = Field(default=None, sa_column=utc_column())
    ended_at: datetime | None = Field(default=None, sa_column=utc_column())
    recording: str = Field(default="", max_length=200)  # a file name in the recordings folder
    slow_mode_seconds: int = Field(default=0)
    followers_only: bool = Field(default=False)
    last_seq: int = Field(default=0)
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))


class StreamKey(SQLModel, table=True):
    """A member's RTMP stream key: shown once, stored as a SHA-256 hash, rotatable.

    The key a streamer pastes is ``<ingest_name>?key=<secret>``: nginx names the HLS playlist
    after ``ingest_name`` (public) and hands the secret to the app only in its callback.
    """

    __tablename__ = "stream_key"  # type: ignore[assignment]

    user_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE")
    ingest_name: str = Field(max_length=40, unique=True)
    secret_hash: str = Field(max_length=64)
    previous_hash: str = Field(default="", max_length=64)  # the rotated-away key, told apart
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))


class StreamChatLine(SQLModel, table=True):
    """One chat line; a deleted line keeps its place with an empty body."""

    __tablename__ = "stream_chat_line"  # type: ignore[assignment]
    __table_args__ = (
        UniqueConstraint("stream_id", "seq", name="uq_stream_chat_line_stream_seq"),
        Index("ix_stream_chat_line_changed", "stream_id", "changed_seq"),
        Index("ix_stream_chat_line_author", "stream_id", "author_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    stream_id: int = Field(foreign_key="stream.id", ondelete="CASCADE")
    seq: int
    changed_seq: int
    author_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    body: str = Field(default="", max_length=LINE_MAX)
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    deleted_at: datetime | None = Field(default=None, sa_column=utc_column())


class StreamModerator(SQLModel, table=True):
    """Someone the streamer named to moderate a stream's chat."""

    __tablename__ = "stream_moderator"  # type: ignore[assignment]

    stream_id: int = Field(foreign_key="stream.id", primary_key=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE")


class StreamTimeout(SQLModel, table=True):
    """A chatter kept out of a stream's chat until ``until``."""

    __tablename__ = "stream_timeout"  # type: ignore[assignment]

    stream_id: int = Field(foreign_key="stream.id", primary_key=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE")
    until: datetime = Field(sa_column=utc_column(nullable=False))
    by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")


class StreamViewer(SQLModel, table=True):
    """One open stream page (a tab), seen at ``seen_at``: the viewer count counts recent ones."""

    __tablename__ = "stream_viewer"  # type: ignore[assignment]
    __table_args__ = (Index("ix_stream_viewer_seen", "stream_id", "seen_at"),)

    stream_id: int = Field(foreign_key="stream.id", primary_key=True, ondelete="CASCADE")
    tab: str = Field(primary_key=True, max_length=64)
    seen_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))


class StreamPublic(BaseModel):
    """A stream as anyone may see it."""

    id: int
    title: str
    streamer_id: int
    streamer_name: str
    streamer_handle: str
    starts_at: datetime
    source: str
    status: str
    play_url: str  # the HLS playlist while live ("" otherwise)
    recording_url: str
    event_id: int | None
    event_title: str
    group_slug: str
    group_name: str
    slow_mode_seconds: int
    followers_only: bool


class ChatLinePublic(BaseModel):
    """A chat line as a viewer sees it."""

    id: int
    seq: int
    changed_seq: int
    author_id: int
    author_name: str
    body: str
    created_at: datetime
    deleted: bool


class ChatBatch(BaseModel):
    """Chat lines read at once; ``cursor`` is the last change the reader has now seen."""

    items: list[ChatLinePublic]
    cursor: int
    more: bool


class StreamKeyShown(BaseModel):
    """A new stream key, shown to its owner once."""

    server_url: str
    stream_key: str
