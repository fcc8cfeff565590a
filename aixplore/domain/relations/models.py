"""Relations between people: follows, connections, blocks and mutes.

This package imports no feature, so reviews (and later forums and messages) can ask whether
someone blocked the actor without depending on the social services.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from aixplore.core.columns import enum_column, utc_column
from aixplore.core.time import utcnow


class Follow(SQLModel, table=True):
    """``follower_id`` follows ``followee_id`` (one way)."""

    __table_args__ = (Index("ix_follow_followee", "followee_id", "follower_id"),)

    follower_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE")
    followee_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))


class Block(SQLModel, table=True):
    """``blocker_id`` blocked ``blocked_id``: no profile, no follow, no reply."""

    __table_args__ = (Index("ix_block_blocked", "blocked_id"),)

    blocker_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE")
    blocked_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))


class Mute(SQLModel, table=True):
    """``muter_id`` muted ``muted_id``: their items leave the muter's feed, nothing else."""

    muter_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE")
    muted_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))


class ConnectionStatus(enum.StrEnum):
    """Whether a connection was asked for or agreed."""

    PENDING = "pending"
    ACCEPTED = "accepted"


class Connection(SQLModel, table=True):
    """A mutual contact: ``requester_id`` asked ``addressee_id``; accepted, it binds both.

    One row per pair at most: the services look both ways before they write one.
    """

    __table_args__ = (Index("ix_connection_addressee", "addressee_id", "status"),)

    requester_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE")
    addressee_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE")
    status: ConnectionStatus = Field(
        default=ConnectionStatus.PENDING,
        sa_column=enum_column(ConnectionStatus, "connection_status"),
    )
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    accepted_at: datetime | None = Field(default=None, sa_column=utc_column())
