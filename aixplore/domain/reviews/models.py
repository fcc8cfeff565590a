"""Reviews: one per user per solution, with history, helpful votes and replies.

Reports of reviews live in ``domain/moderation`` with every other report.
"""

from __future__ import annotations

import enum
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import CheckConstraint, Column, Text, UniqueConstraint
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from aixplore.core.columns import enum_column, utc_column
from aixplore.core.time import utcnow


class ReviewStatus(enum.StrEnum):
    """Whether a review is shown."""

    VISIBLE = "visible"
    HIDDEN = "hidden"  # by a moderator; kept with its history


class Review(SQLModel, table=True):
    """A member's rating and text for one solution."""

    __table_args__ = (
        UniqueConstraint("solution_id", "author_id", name="uq_review_solution_author"),
        CheckConstraint("rating BETWEEN 1 AND 5", name="ck_review_rating"),
    )

    id: int | None = SQLField(default=None, primary_key=True)
    solution_id: int = SQLField(foreign_key="solution.id", index=True, ondelete="CASCADE")
    author_id: int | None = SQLField(
        default=None, foreign_key="user.id", index=True, ondelete="SET NULL"
    )
    rating: int
    title: str = SQLField(max_length=120)
    body: str = SQLField(sa_column=Column(Text, nullable=False))
    status: ReviewStatus = SQLField(
        default=ReviewStatus.VISIBLE,
        sa_column=enum_column(ReviewStatus, "review_status", index=True),
    )
    verified_usage: bool = SQLField(default=False)
    helpful_count: int = SQLField(default=0)
    created_at: datetime = SQLField(default_factory=utcnow, sa_column=utc_column(nullable=False))
    updated_at: datetime = SQLField(default_factory=utcnow, sa_column=utc_column(nullable=False))


class ReviewRevision(SQLModel, table=True):
    """An earlier version of a review, kept when it is edited."""

    __tablename__ = "review_revision"  # type: ignore[assignment]

    id: int | None = SQLField(default=None, primary_key=True)
    review_id: int = SQLField(foreign_key="review.id", index=True, ondelete="CASCADE")
    rating: int
    title: str = SQLField(max_length=120)
    body: str = SQLField(sa_column=Column(Text, nullable=False))
    created_at: datetime = SQLField(sa_column=utc_column(nullable=False))


class ReviewVote(SQLModel, table=True):
    """A "helpful" vote, one per user per review."""

    __tablename__ = "review_vote"  # type: ignore[assignment]

    review_id: int = SQLField(foreign_key="review.id", primary_key=True, ondelete="CASCADE")
    user_id: int = SQLField(foreign_key="user.id", primary_key=True, ondelete="CASCADE")
    created_at: datetime = SQLField(default_factory=utcnow, sa_column=utc_column(nullable=False))


class ReviewReply(SQLModel, table=True):
    """The publisher's public answer to a review (one per review, editable)."""

    __tablename__ = "review_reply"  # type: ignore[assignment]

    id: int | None = SQLField(default=None, primary_key=True)
    review_id: int = SQLField(foreign_key="review.id", unique=True, ondelete="CASCADE")
    author_id: int | None = SQLField(default=None, foreign_key="user.id", ondelete="SET NULL")
    body: str = SQLField(max_length=2000)
    created_at: datetime = SQLField(default_factory=utcnow, sa_column=utc_column(nullable=False))
    updated_at: datetime = SQLField(default_factory=utcnow, sa_column=utc_column(nullable=False))


class SolutionUsage(SQLModel, table=True):
    """A recorded real use of a solution (an order, a trial): makes reviews "verified usage"."""

    __tablename__ = "solution_usage"  # type: ignore[assignment]
    __table_args__ = (UniqueConstraint("solution_id", "user_id", "source", name="uq_usage"),)

    id: int | None = SQLField(default=None, primary_key=True)
    solution_id: int = SQLField(foreign_key="solution.id", index=True, ondelete="CASCADE")
    user_id: int = SQLField(foreign_key="user.id", index=True, ondelete="CASCADE")
    source: str = SQLField(max_length=30)  # "order", "trial", ...
    reference: str = SQLField(default="", max_length=80)
    created_at: datetime = SQLField(default_factory=utcnow, sa_column=utc_column(nullable=False))


# ---- Inputs and public shapes ----


class ReviewInput(BaseModel):
    """A review form."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)
    rating: int = Field(ge=1, le=5)
    title: str = Field(min_length=3, max_length=120)
    body: str = Field(min_length=10, max_length=5000)


class ReviewPublic(BaseModel):
    """A review as shown on a solution page."""

    id: int
    rating: int
    title: str
    body: str
    author_name: str
    author_id: int | None
    verified_usage: bool
    helpful_count: int
    voted: bool
    edited: bool
    created_at: datetime
    updated_at: datetime
    reply_body: str
    reply_at: datetime | None
    hidden: bool


# ---- Legacy (read by nothing; see ReviewReport) ----


class ReportReason(enum.StrEnum):
    """Why someone reports a review."""

    SPAM = "spam"
    OFFENSIVE = "offensive"
    OFF_TOPIC = "off_topic"
    CONFLICT_OF_INTEREST = "conflict_of_interest"
    MISINFORMATION = "misinformation"
    OTHER = "other"


class ReportStatus(enum.StrEnum):
    """Where a report is in moderation."""

    OPEN = "open"
    DISMISSED = "dismissed"
    ACTIONED = "actioned"  # the review was hidden


class ReviewReport(SQLModel, table=True):
    """Legacy: reports of reviews before the moderation inbox (``moderation_report`` now).

    The migration copied its rows into ``moderation_report``; the table stays (unwritten)
    while the previous release may still run against this schema, and goes in a later
    contracting migration.
    """

    __tablename__ = "review_report"  # type: ignore[assignment]
    __table_args__ = (
        UniqueConstraint("review_id", "reporter_id", name="uq_report_review_reporter"),
    )

    id: int | None = SQLField(default=None, primary_key=True)
    review_id: int = SQLField(foreign_key="review.id", index=True, ondelete="CASCADE")
    reporter_id: int | None = SQLField(default=None, foreign_key="user.id", ondelete="SET NULL")
    reason: ReportReason = SQLField(sa_column=enum_column(ReportReason, "report_reason"))
    note: str = SQLField(default="", max_length=500)
    status: ReportStatus = SQLField(
        default=ReportStatus.OPEN, sa_column=enum_column(ReportStatus, "report_status", index=True)
    )
    resolved_by: int | None = SQLField(default=None, foreign_key="user.id", ondelete="SET NULL")
    resolution_note: str = SQLField(default="", max_length=500)
    created_at: datetime = SQLField(default_factory=utcnow, sa_column=utc_column(nullable=False))
    resolved_at: datetime | None = SQLField(default=None, sa_column=utc_column())
