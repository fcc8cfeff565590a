"""What moderation took out of sight, read by the features that own the targets.

This package imports no feature, so profiles and solutions can ask whether the moderators
hold one of theirs without depending on the moderation services (which depend on them).
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field as SQLField
from sqlmodel import Session, SQLModel

from aixplore.core.columns import utc_column
from aixplore.core.time import utcnow

KIND_MAX = 32


class ModerationHold(SQLModel, table=True):
    """A target hidden or deleted by moderation, with the state to restore it to."""

    __tablename__ = "moderation_hold"  # type: ignore[assignment]

    target_kind: str = SQLField(max_length=KIND_MAX, primary_key=True)
    target_id: int = SQLField(primary_key=True)
    deleted: bool = SQLField(default=False)
    previous: str = SQLField(default="", max_length=32)
    created_at: datetime = SQLField(default_factory=utcnow, sa_column=utc_column(nullable=False))


def is_held(session: Session, kind: str, target_id: int | None) -> bool:
    """Whether moderation hid or deleted the target."""
    return target_id is not None and session.get(ModerationHold, (kind, target_id)) is not None
