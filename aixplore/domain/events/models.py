"""Community events: meet-ups tied to a solution or standalone, with RSVPs and a waitlist."""

from __future__ import annotations

import enum
import re
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from sqlalchemy import CheckConstraint, Column, Index, Text, UniqueConstraint
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from aixplore.core.columns import enum_column, utc_column
from aixplore.core.time import utcnow

MIN_CAPACITY = 1
MAX_CAPACITY = 10_000
MAX_DURATION = timedelta(days=14)


class EventStatus(enum.StrEnum):
    """Whether an event still takes place."""

    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class RsvpStatus(enum.StrEnum):
    """A person's answer to an event."""

    GOING = "going"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


class Event(SQLModel, table=True):
    """A community event: online, in a place, or both.

    Times are stored in UTC; ``timezone`` is the organizer's IANA zone, used to show the
    event in the terms it was planned in.
    """

    __table_args__ = (
        CheckConstraint(
            f"capacity BETWEEN {MIN_CAPACITY} AND {MAX_CAPACITY}", name="ck_event_capacity"
        ),
        CheckConstraint("ends_at > starts_at", name="ck_event_ends_after_start"),
        Index("ix_event_status_starts", "status", "starts_at"),
        Index("ix_event_status_ends", "status", "ends_at"),
    )

    id: int | None = SQLField(default=None, primary_key=True)
    organizer_id: int = SQLField(foreign_key="user.id", index=True, ondelete="CASCADE")
    solution_id: int | None = SQLField(
        default=None, foreign_key="solution.id", index=True, ondelete="SET NULL"
    )
    title: str = SQLField(max_length=120)
    description_md: str = SQLField(default="", sa_column=Column(Text, nullable=False, default=""))
    description_html: str = SQLField(default="", sa_column=Column(Text, nullable=False, default=""))
    starts_at: datetime = SQLField(sa_column=utc_column(nullable=False))
    ends_at: datetime = SQLField(sa_column=utc_column(nullable=False))
    timezone: str = SQLField(max_length=64)
    online_url: str = SQLField(default="", max_length=500)
    location: str = SQLField(default="", max_length=200)
    capacity: int
    status: EventStatus = SQLField(
        default=EventStatus.SCHEDULED, sa_column=enum_column(EventStatus, "event_status")
    )
    # The group hosting it, if any; a private or secret group's events are ``members_only``
    # (a group's visibility never changes): left out of every public list, shown to those
    # the group's check (``reading.register_group_check``) lets in.
    group_id: int | None = SQLField(
        default=None, foreign_key="community_group.id", index=True, ondelete="CASCADE"
    )
    members_only: bool = SQLField(default=False)
    created_at: datetime = SQLField(default_factory=utcnow, sa_column=utc_column(nullable=False))
    updated_at: datetime = SQLField(default_factory=utcnow, sa_column=utc_column(nullable=False))


class EventRsvp(SQLModel, table=True):
    """One person's RSVP; ``position`` orders the waitlist (first come, first promoted)."""

    __tablename__ = "event_rsvp"  # type: ignore[assignment]
    __table_args__ = (
        UniqueConstraint("event_id", "user_id", name="uq_event_rsvp_event_user"),
        UniqueConstraint("event_id", "position", name="uq_event_rsvp_event_position"),
        Index("ix_event_rsvp_event_status", "event_id", "status", "position"),
    )

    id: int | None = SQLField(default=None, primary_key=True)
    event_id: int = SQLField(foreign_key="event.id", ondelete="CASCADE")
    user_id: int = SQLField(foreign_key="user.id", index=True, ondelete="CASCADE")
    status: RsvpStatus = SQLField(sa_column=enum_column(RsvpStatus, "rsvp_status"))
    position: int
    reminder_sent_at: datetime | None = SQLField(default=None, sa_column=utc_column())
    created_at: datetime = SQLField(default_factory=utcnow, sa_column=utc_column(nullable=False))
    updated_at: datetime = SQLField(default_factory=utcnow, sa_column=utc_column(nullable=False))


# ---- Time zones ----


@lru_cache(maxsize=1)
def known_timezones() -> frozenset[str]:
    """Every IANA zone name this machine knows."""
    return frozenset(available_timezones())


def is_known_timezone(name: object) -> bool:
    """Whether ``name`` is an IANA zone name (such as Europe/Berlin)."""
    return isinstance(name, str) and name in known_timezones()


@lru_cache(maxsize=1024)
def zone(name: str) -> ZoneInfo:
    """The zone called ``name`` (UTC for a name this machine does not know), kept loaded.

    ``ZoneInfo`` keeps only its last eight zones strongly: a page of events in more zones than
    that read their files from disk again on every view.
    """
    return ZoneInfo(name if is_known_timezone(name) else "UTC")


def to_utc(value: datetime, zone_name: str) -> datetime:
    """A wall-clock time in ``zone_name`` (or an aware time) as aware UTC.

    Refuses wall-clock times that do not exist in the zone (skipped when clocks go forward).
    """
    if value.tzinfo is not None:
        return value.astimezone(UTC)
    here = zone(zone_name)
    local = value.replace(tzinfo=here)
    if local.astimezone(UTC).astimezone(here).replace(tzinfo=None) != value:
        msg = f"{value:%H:%M} does not exist in {zone_name} that day (the clocks change)."
        raise ValueError(msg)
    return local.astimezone(UTC)


# ---- Input shapes ----

_URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s<>\"']*$", re.IGNORECASE)


def _parse_when(value: object, what: str) -> object:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return datetime.fromisoformat(value.strip())
        except ValueError:
            pass
    msg = f"Enter the {what} as a date and time."
    raise ValueError(msg)


class EventInput(BaseModel):
    """What an organizer fills in; naive times are wall-clock times in ``timezone``."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)
    title: str = Field(min_length=3, max_length=120)
    description: str = Field(default="", max_length=20_000)
    starts_at: datetime
    ends_at: datetime
    timezone: str = Field(min_length=1, max_length=64)
    online_url: str = Field(default="", max_length=500)
    location: str = Field(default="", max_length=200)
    capacity: int
    solution: str = Field(default="", max_length=80)

    @field_validator("title", "location")
    @classmethod
    def _one_line(cls, value: str) -> str:
        return " ".join(value.split())

    @field_validator("starts_at", mode="before")
    @classmethod
    def _starts(cls, value: object) -> object:
        return _parse_when(value, "start")

    @field_validator("ends_at", mode="before")
    @classmethod
    def _ends(cls, value: object) -> object:
        return _parse_when(value, "end")

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        if not is_known_timezone(value):
            msg = "Choose a time zone by its IANA name, such as Europe/Berlin or America/New_York."
            raise ValueError(msg)
        return value

    @field_validator("online_url")
    @classmethod
    def _url(cls, value: str) -> str:
        if value and not _URL_RE.match(value):
            msg = "The online link must start with http:// or https://."
            raise ValueError(msg)
        return value

    @field_validator("capacity")
    @classmethod
    def _capacity(cls, value: int) -> int:
        if not MIN_CAPACITY <= value <= MAX_CAPACITY:
            msg = f"Capacity must be between {MIN_CAPACITY} and {MAX_CAPACITY:,} seats."
            raise ValueError(msg)
        return value

    @model_validator(mode="after")
    def _consistent(self) -> EventInput:
        starts, ends = self.utc_range()
        if ends <= starts:
            msg = "The event must end after it starts."
            raise ValueError(msg)
        if ends - starts > MAX_DURATION:
            msg = f"An event can last at most {MAX_DURATION.days} days."
            raise ValueError(msg)
        if not self.online_url and not self.location:
            msg = "Give an online link, a place, or both."
            raise ValueError(msg)
        return self

    def utc_range(self) -> tuple[datetime, datetime]:
        """Start and end as aware UTC, to the minute."""
        return (
            to_utc(self.starts_at, self.timezone).replace(second=0, microsecond=0),
            to_utc(self.ends_at, self.timezone).replace(second=0, microsecond=0),
        )


# ---- Public shapes ----


class EventPublic(BaseModel):
    """An event as listed (immutable: cached listings share one decoded page)."""

    model_config = ConfigDict(frozen=True)

    id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    when_local: str = Field(description="The time in the event's zone, with the zone's name.")
    when_utc: str
    online: bool
    location: str
    capacity: int
    going_count: int
    seats_left: int
    status: EventStatus
    organizer_id: int
    organizer_name: str
    solution_slug: str
    solution_name: str
    faces: tuple[tuple[int, str], ...] = Field(
        default=(),
        description="Up to five people going, first answers first, as (user id, initials).",
    )


class EventDetail(EventPublic):
    """Everything on an event's page, in the viewer's terms."""

    description_md: str
    description_html: str
    online_url: str = Field(description="Empty unless the viewer is going or manages it.")
    waitlist_count: int
    my_status: str = Field(description="going, waitlisted or empty.")
    my_waitlist_position: int = Field(description="1 for the first in line; 0 if not waiting.")
    can_manage: bool
    ended: bool
    created_at: datetime
    updated_at: datetime


class EventPage(BaseModel):
    """A page of events (immutable: see ``EventPublic``)."""

    model_config = ConfigDict(frozen=True)

    items: tuple[EventPublic, ...]
    total: int
    page: int
    pages: int
