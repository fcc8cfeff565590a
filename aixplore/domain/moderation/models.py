"""Moderation tables: reports on anything, the actions moderators took, holds and appeals.

A target is named by its kind (``registry``: "review", "solution", "profile", "event"; forum
posts, groups, messages and stream chat register later) and its id, so this package imports
no feature's tables.
"""

from __future__ import annotations

import enum
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from aixplore.core.columns import enum_column, utc_column
from aixplore.core.time import utcnow

KIND_MAX = 32
NOTE_MAX = 500


class ReportReason(enum.StrEnum):
    """Why someone reports something."""

    SPAM = "spam"
    HARASSMENT = "harassment"
    HATE = "hate"
    ILLEGAL = "illegal"
    SEXUAL = "sexual"
    MISINFORMATION = "misinformation"
    IMPERSONATION = "impersonation"
    OFF_TOPIC = "off_topic"
    CONFLICT_OF_INTEREST = "conflict_of_interest"
    OTHER = "other"


REASON_LABELS = {
    ReportReason.SPAM: "Spam or advertising",
    ReportReason.HARASSMENT: "Harassment or abuse",
    ReportReason.HATE: "Hate speech",
    ReportReason.ILLEGAL: "Illegal content",
    ReportReason.SEXUAL: "Sexual content",
    ReportReason.MISINFORMATION: "False or misleading",
    ReportReason.IMPERSONATION: "Impersonation",
    ReportReason.OFF_TOPIC: "Off topic",
    ReportReason.CONFLICT_OF_INTEREST: "Written by the publisher or a competitor",
    ReportReason.OTHER: "Something else",
}


class ReportStatus(enum.StrEnum):
    """Where a report is in moderation."""

    OPEN = "open"
    DISMISSED = "dismissed"
    ACTIONED = "actioned"


class ActionKind(enum.StrEnum):
    """What a moderator (or the flag threshold) did."""

    HIDE = "hide"
    RESTORE = "restore"
    DELETE = "delete"
    DISMISS = "dismiss"
    WARN = "warn"
    STRIKE = "strike"
    SUSPEND = "suspend"
    BAN_FROM_GROUP = "ban_from_group"


ACTION_LABELS = {
    ActionKind.HIDE: "Hidden",
    ActionKind.RESTORE: "Restored",
    ActionKind.DELETE: "Deleted",
    ActionKind.DISMISS: "Reports dismissed",
    ActionKind.WARN: "Author warned",
    ActionKind.STRIKE: "Strike given",
    ActionKind.SUSPEND: "Account suspended",
    ActionKind.BAN_FROM_GROUP: "Banned from the group",
}
# What the affected person may appeal (a dismissal or a restore harms no one).
APPEALABLE = {
    ActionKind.HIDE,
    ActionKind.DELETE,
    ActionKind.WARN,
    ActionKind.STRIKE,
    ActionKind.SUSPEND,
    ActionKind.BAN_FROM_GROUP,
}


class AppealStatus(enum.StrEnum):
    """Where an appeal is."""

    OPEN = "open"
    UPHELD = "upheld"  # the action stands
    OVERTURNED = "overturned"  # the action was undone


class ModerationReport(SQLModel, table=True):
    """One person's report of one target (once per person per target)."""

    __tablename__ = "moderation_report"  # type: ignore[assignment]
    __table_args__ = (
        UniqueConstraint("target_kind", "target_id", "reporter_id", name="uq_moderation_report"),
        Index("ix_moderation_report_target", "target_kind", "target_id", "status"),
    )

    id: int | None = SQLField(default=None, primary_key=True)
    target_kind: str = SQLField(max_length=KIND_MAX)
    target_id: int
    reporter_id: int | None = SQLField(default=None, foreign_key="user.id", ondelete="SET NULL")
    reason: ReportReason = SQLField(sa_column=enum_column(ReportReason, "moderation_reason"))
    note: str = SQLField(default="", max_length=NOTE_MAX)
    # Whether the reporter counted as trusted when they reported (``trust.py``).
    trusted: bool = SQLField(default=False)
    status: ReportStatus = SQLField(
        default=ReportStatus.OPEN,
        sa_column=enum_column(ReportStatus, "moderation_report_status", index=True),
    )
    resolved_by: int | None = SQLField(default=None, foreign_key="user.id", ondelete="SET NULL")
    resolved_at: datetime | None = SQLField(default=None, sa_column=utc_column())
    created_at: datetime = SQLField(default_factory=utcnow, sa_column=utc_column(nullable=False))


class ModerationAction(SQLModel, table=True):
    """One moderation decision; its public columns make the public moderation log."""

    __tablename__ = "moderation_action"  # type: ignore[assignment]
    __table_args__ = (Index("ix_moderation_action_target", "target_kind", "target_id"),)

    id: int | None = SQLField(default=None, primary_key=True)
    target_kind: str = SQLField(max_length=KIND_MAX)
    target_id: int
    action: ActionKind = SQLField(sa_column=enum_column(ActionKind, "moderation_action_kind"))
    reason: ReportReason = SQLField(sa_column=enum_column(ReportReason, "moderation_reason"))
    # Shown in the public log: written for the public, no personal data.
    public_note: str = SQLField(default="", max_length=NOTE_MAX)
    # What was acted on, as the public log names it ("A review of Receipt Reader").
    public_subject: str = SQLField(default="", max_length=200)
    subject_user_id: int | None = SQLField(
        default=None, foreign_key="user.id", index=True, ondelete="SET NULL"
    )
    # None: the flag threshold acted, not a person.
    moderator_id: int | None = SQLField(default=None, foreign_key="user.id", ondelete="SET NULL")
    group_id: int | None = None
    ends_at: datetime | None = SQLField(default=None, sa_column=utc_column())
    revoked_at: datetime | None = SQLField(default=None, sa_column=utc_column())
    created_at: datetime = SQLField(
        default_factory=utcnow, sa_column=utc_column(nullable=False, index=True)
    )


class ModerationAppeal(SQLModel, table=True):
    """The affected person's appeal of one action (one per action)."""

    __tablename__ = "moderation_appeal"  # type: ignore[assignment]

    id: int | None = SQLField(default=None, primary_key=True)
    action_id: int = SQLField(foreign_key="moderation_action.id", unique=True, ondelete="CASCADE")
    appellant_id: int | None = SQLField(
        default=None, foreign_key="user.id", index=True, ondelete="SET NULL"
    )
    body: str = SQLField(max_length=2000)
    status: AppealStatus = SQLField(
        default=AppealStatus.OPEN,
        sa_column=enum_column(AppealStatus, "moderation_appeal_status", index=True),
    )
    decided_by: int | None = SQLField(default=None, foreign_key="user.id", ondelete="SET NULL")
    decision_note: str = SQLField(default="", max_length=NOTE_MAX)
    decided_at: datetime | None = SQLField(default=None, sa_column=utc_column())
    created_at: datetime = SQLField(default_factory=utcnow, sa_column=utc_column(nullable=False))


# ---- Input and public shapes ----


class ReportInput(BaseModel):
    """A report form."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)
    reason: ReportReason = Field(strict=False)  # accept the value's string
    note: str = Field(default="", max_length=NOTE_MAX)


class ActionInput(BaseModel):
    """A moderator's decision on a target."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)
    action: ActionKind = Field(strict=False)
    reason: ReportReason = Field(default=ReportReason.OTHER, strict=False)
    note: str = Field(default="", max_length=NOTE_MAX)
    days: int = Field(default=7, ge=1, le=365)


class AppealInput(BaseModel):
    """An appeal form."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)
    body: str = Field(min_length=10, max_length=2000)


class ReportLine(BaseModel):
    """One report of a target as the inbox shows it."""

    id: int
    reason_label: str
    note: str
    reporter_name: str
    trusted: bool
    created_at: datetime


class InboxItem(BaseModel):
    """A reported target with its reports, as moderators see it."""

    kind: str
    kind_label: str
    target_id: int
    title: str
    snippet: str
    link: str
    hidden: bool
    reports: list[ReportLine]


class LogEntry(BaseModel):
    """One line of the public moderation log: what, why and when; nobody named."""

    id: int
    action_label: str
    kind_label: str
    subject: str
    reason_label: str
    note: str
    created_at: datetime
    ends_at: datetime | None


class AppealCase(BaseModel):
    """An action as its affected person (or a moderator reading an appeal) sees it."""

    action_id: int
    action_label: str
    kind_label: str
    subject: str
    reason_label: str
    note: str
    created_at: datetime
    ends_at: datetime | None
    appealable: bool
    appeal_id: int | None
    appeal_status: str
    appeal_body: str
