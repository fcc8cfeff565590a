"""Shapes of the API's write endpoints, keys, audit entries and cursor pages."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from aixplore.api.schemas import SolutionOut
from aixplore.domain.events.models import EventDetail, EventPublic, EventStatus
from aixplore.domain.solutions.models import SolutionDetail, SolutionStatus


class ManagedSolutionOut(SolutionOut):
    """A solution as its publisher sees it, drafts included."""

    status: SolutionStatus

    @classmethod
    def of_managed(cls, detail: SolutionDetail) -> ManagedSolutionOut:
        """Build from a domain detail."""
        return cls(**SolutionOut.of_detail(detail).model_dump(), status=detail.status)


class StatusIn(BaseModel):
    """A new status for a listing."""

    status: SolutionStatus


class EventOut(BaseModel):
    """A community event."""

    id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    when_local: str
    online: bool
    location: str
    capacity: int
    going_count: int
    seats_left: int
    status: EventStatus
    organizer_name: str
    solution_slug: str

    @classmethod
    def of(cls, event: EventPublic) -> EventOut:
        """Build from a domain event."""
        return cls(**{name: getattr(event, name) for name in cls.model_fields})


class EventDetailOut(EventOut):
    """An event with what the caller may see of it."""

    description_md: str
    online_url: str = Field(description="Empty unless the caller is going or manages it.")
    waitlist_count: int
    my_status: str = Field(description="going, waitlisted or empty.")

    @classmethod
    def of_detail(cls, event: EventDetail) -> EventDetailOut:
        """Build from a domain detail."""
        return cls(**{name: getattr(event, name) for name in cls.model_fields})


class EventCursorPage(BaseModel):
    """A page of upcoming events; pass ``next_cursor`` as ``cursor`` for the next one."""

    items: list[EventOut]
    next_cursor: str | None


class AuditEntryOut(BaseModel):
    """One audit log entry."""

    seq: int
    created_at: datetime
    actor_id: int | None
    org_id: int | None
    action: str
    target: str
    ip: str
    user_agent: str
    detail: str = Field(description="JSON text.")
    prev_hash: str
    entry_hash: str


class AuditPage(BaseModel):
    """Audit entries, newest first."""

    items: list[AuditEntryOut]
    next_cursor: str | None


class ChainOut(BaseModel):
    """The result of verifying the audit chain."""

    ok: bool
    checked: int
    broken_seq: int | None
    reason: str
