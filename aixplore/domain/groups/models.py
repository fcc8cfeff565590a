"""Group tables: groups, their members with roles, bans, join requests and invitations.

A group's forum category lives in ``domain/forums`` (``ForumCategory.group_id``). Room for
later issues: ``chat_channel_id`` (the real-time issue's group chat) and ``signals_enabled``
(the trading issue's signals in trading groups) stay empty until those land.
"""

from __future__ import annotations

import enum
from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from aixplore.core.columns import enum_column, utc_column
from aixplore.core.time import utcnow

NAME_MIN, NAME_MAX = 3, 60
SLUG_MAX = 40
DESCRIPTION_MAX = 1000


class GroupVisibility(enum.StrEnum):
    """Who sees a group and how one joins it."""

    PUBLIC = "public"  # anyone reads; anyone joins
    PRIVATE = "private"  # anyone sees it exists; members read; join by request
    SECRET = "secret"  # noqa: S105 - members (and invitees) only; join by invitation


class GroupKind(enum.StrEnum):
    """What a group is for."""

    COMMUNITY = "community"
    TRADING = "trading"


class GroupRole(enum.StrEnum):
    """A member's role in one group."""

    OWNER = "owner"
    MODERATOR = "moderator"
    MEMBER = "member"


class CommunityGroup(SQLModel, table=True):
    """A group of people with its own forum category."""

    __tablename__ = "community_group"  # type: ignore[assignment]

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=SLUG_MAX, unique=True)
    name: str = Field(max_length=NAME_MAX)
    description: str = Field(default="", max_length=DESCRIPTION_MAX)
    visibility: GroupVisibility = Field(
        sa_column=enum_column(GroupVisibility, "group_visibility", index=True)
    )
    kind: GroupKind = Field(
        default=GroupKind.COMMUNITY, sa_column=enum_column(GroupKind, "group_kind")
    )
    owner_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    member_count: int = Field(default=0)
    # Room for later issues (see the module docstring).
    chat_channel_id: int | None = Field(default=None)
    signals_enabled: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))


class GroupMember(SQLModel, table=True):
    """One person's membership of one group."""

    __tablename__ = "group_member"  # type: ignore[assignment]
    __table_args__ = (Index("ix_group_member_user", "user_id"),)

    group_id: int = Field(foreign_key="community_group.id", primary_key=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE")
    role: GroupRole = Field(sa_column=enum_column(GroupRole, "group_role"))
    joined_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))


class GroupBan(SQLModel, table=True):
    """Someone banned from a group: they may not join, request or be invited again."""

    __tablename__ = "group_ban"  # type: ignore[assignment]

    group_id: int = Field(foreign_key="community_group.id", primary_key=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE")
    banned_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    reason: str = Field(default="", max_length=300)
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))


class GroupJoinRequest(SQLModel, table=True):
    """A request to join a private group, waiting for a moderator."""

    __tablename__ = "group_join_request"  # type: ignore[assignment]

    group_id: int = Field(foreign_key="community_group.id", primary_key=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE")
    message: str = Field(default="", max_length=300)
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))


class GroupInvitation(SQLModel, table=True):
    """An invitation to join a group, waiting for the invitee."""

    __tablename__ = "group_invitation"  # type: ignore[assignment]

    group_id: int = Field(foreign_key="community_group.id", primary_key=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE")
    inviter_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))


class GroupPublic(BaseModel):
    """A group as a permitted viewer sees it, with the viewer's standing in it."""

    id: int
    slug: str
    name: str
    description: str
    visibility: GroupVisibility
    kind: GroupKind
    member_count: int
    my_role: GroupRole | None
    requested: bool
    invited: bool
    category_slug: str = ""


class MemberPublic(BaseModel):
    """A member in a group's member list."""

    user_id: int
    handle: str
    name: str
    role: GroupRole
