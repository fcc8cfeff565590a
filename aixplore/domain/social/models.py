"""Social tables: profiles and handles, and home timelines; the shapes pages and the API get.

Timelines hold (reader, feed item) pairs written by the fan-out job; followers of very large
accounts read those accounts' items at read time instead (``feed.py``). Feed items live in
``domain/activity`` and follows, blocks and mutes in ``domain/relations``.
"""

from __future__ import annotations

import enum
from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel

from aixplore.core.columns import enum_column, utc_column
from aixplore.core.time import utcnow
from aixplore.domain.activity.models import FeedKind

HANDLE_MAX = 30
LOCATION_MAX = 80
LINK_MAX = 300
LINKS_MAX = 4


class ProfileVisibility(enum.StrEnum):
    """Who may see a profile (its owner and platform admins always may)."""

    PUBLIC = "public"
    MEMBERS = "members"
    FOLLOWERS = "followers"


class SectionVisibility(enum.StrEnum):
    """Who may see one section of a profile they may already see (owner and admins always)."""

    PUBLIC = "public"
    MEMBERS = "members"
    FOLLOWERS = "followers"
    CONNECTIONS = "connections"
    ONLY_ME = "only_me"


# The sections a profile shows and the column that says who may see each.
SECTIONS = {
    "activity": "activity_visibility",
    "network": "network_visibility",  # the followers and following lists
    "connections": "connections_visibility",
}


def _section_column() -> Column:
    return enum_column(SectionVisibility, "section_visibility")


class Profile(SQLModel, table=True):
    """The public face of a user: handle, avatar, links, location and who may see it.

    The bio is the user's ``bio`` (one text for the publisher page and the profile); a row is
    made for each user by the migration, and on first need for users made later.
    """

    user_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE")
    handle: str = Field(max_length=HANDLE_MAX)
    # Lower-case copy: handles are unique regardless of case ("Ada" and "ada" are one).
    handle_key: str = Field(max_length=HANDLE_MAX, unique=True)
    avatar_path: str = Field(default="", max_length=200)
    location: str = Field(default="", max_length=LOCATION_MAX)
    links: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    visibility: ProfileVisibility = Field(
        default=ProfileVisibility.PUBLIC,
        sa_column=enum_column(ProfileVisibility, "profile_visibility"),
    )
    activity_visibility: SectionVisibility = Field(
        default=SectionVisibility.PUBLIC, sa_column=_section_column()
    )
    network_visibility: SectionVisibility = Field(
        default=SectionVisibility.PUBLIC, sa_column=_section_column()
    )
    connections_visibility: SectionVisibility = Field(
        default=SectionVisibility.PUBLIC, sa_column=_section_column()
    )
    # Kept by the follow services in the same unit of work (the feed picks fan-in by it).
    follower_count: int = Field(default=0, index=True)  # fan-in authors are found by it
    following_count: int = Field(default=0)
    updated_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))


class HandleRedirect(SQLModel, table=True):
    """A handle someone used before: its address redirects to their profile."""

    __tablename__ = "handle_redirect"  # type: ignore[assignment]

    handle_key: str = Field(max_length=HANDLE_MAX, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))


class TimelineEntry(SQLModel, table=True):
    """One item in one reader's home timeline (written once per pair: idempotent)."""

    __tablename__ = "timeline_entry"  # type: ignore[assignment]
    __table_args__ = (Index("ix_timeline_entry_item", "item_id"),)

    user_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE")
    item_id: int = Field(foreign_key="feed_item.id", primary_key=True, ondelete="CASCADE")


# ---- Public shapes ----


class PersonCard(BaseModel):
    """A person in a list (followers, suggestions, a feed item's author)."""

    id: int
    handle: str
    name: str
    initials: str
    avatar_url: str
    reason: str = ""


class ProfileLink(BaseModel):
    """A link on a profile (shown with ``rel="me"``)."""

    url: str
    label: str


class Relationship(BaseModel):
    """How the viewer stands to a profile's person."""

    me: bool = False
    following: bool = False
    follows_me: bool = False
    blocked: bool = False
    muted: bool = False
    # "", "requested" (the viewer asked), "asked_me" (they asked the viewer) or "connected".
    connection: str = ""


class ProfilePublic(BaseModel):
    """A profile as a permitted viewer sees it."""

    person: PersonCard
    bio: str
    bio_html: str
    location: str
    links: list[ProfileLink]
    visibility: ProfileVisibility
    joined_at: datetime
    followers: int
    following: int
    published: int
    reviews: int
    events_hosted: int
    relationship: Relationship
    # Which sections (``SECTIONS``) the viewer may see, and each section's setting.
    sections: dict[str, bool] = {}
    section_visibility: dict[str, SectionVisibility] = {}


class FeedEntry(BaseModel):
    """One item of a feed as a reader sees it."""

    id: int
    kind: FeedKind
    author: PersonCard
    verb: str
    title: str
    detail: str
    link: str
    created_at: datetime


class FeedPage(BaseModel):
    """A page of a feed, newest first; ``next_before`` pages on (None: the end)."""

    items: list[FeedEntry]
    next_before: int | None
