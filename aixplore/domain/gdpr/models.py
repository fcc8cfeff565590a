"""Personal data exports ("download all my data")."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from aixplore.core.columns import enum_column, utc_column
from aixplore.core.time import utcnow


class ExportStatus(enum.StrEnum):
    """Where an export stands."""

    QUEUED = "queued"
    READY = "ready"
    FAILED = "failed"


class DataExport(SQLModel, table=True):
    """A ZIP of a user's data, built by the job queue; its link works for 24 hours."""

    __tablename__ = "data_export"  # type: ignore[assignment]

    id: int | None = SQLField(default=None, primary_key=True)
    user_id: int = SQLField(foreign_key="user.id", index=True, ondelete="CASCADE")
    status: ExportStatus = SQLField(
        default=ExportStatus.QUEUED, sa_column=enum_column(ExportStatus, "data_export_status")
    )
    token_hash: str | None = SQLField(default=None, max_length=64, unique=True, index=True)
    file_name: str = SQLField(default="", max_length=100)
    created_at: datetime = SQLField(default_factory=utcnow, sa_column=utc_column(nullable=False))
    ready_at: datetime | None = SQLField(default=None, sa_column=utc_column())
    expires_at: datetime = SQLField(sa_column=utc_column(nullable=False))


class ErasureRequest(SQLModel, table=True):
    """A request to erase an account, carried out after a grace period unless cancelled."""

    __tablename__ = "erasure_request"  # type: ignore[assignment]

    id: int | None = SQLField(default=None, primary_key=True)
    user_id: int = SQLField(foreign_key="user.id", index=True, ondelete="CASCADE")
    keep_reviews: bool = False  # keep review texts under "deleted user" (the user agreed)
    created_at: datetime = SQLField(default_factory=utcnow, sa_column=utc_column(nullable=False))
    execute_after: datetime = SQLField(sa_column=utc_column(nullable=False, index=True))
    cancelled_at: datetime | None = SQLField(default=None, sa_column=utc_column())
