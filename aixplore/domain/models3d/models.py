"""The table of a solution's 3D model and the shape pages show."""

from __future__ import annotations

import enum
from datetime import datetime

from pydantic import BaseModel
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from aixplore.core.columns import utc_column
from aixplore.core.time import utcnow


class ModelStatus(enum.StrEnum):
    """Where an accepted upload stands: waiting for the job, shown, or failed in the job."""

    PROCESSING = "processing"
    READY = "ready"
    FAILED = "failed"


class SolutionModel(SQLModel, table=True):
    """A solution's glTF model (one per solution): the checked upload and what the job made.

    Files live under the media root like other uploads (so backups hold them); the row goes
    with its solution, and ``uploaded_by`` puts it in the uploader's GDPR export.
    """

    __tablename__ = "solution_model"  # type: ignore[assignment]

    id: int | None = SQLField(default=None, primary_key=True)
    solution_id: int = SQLField(foreign_key="solution.id", unique=True, ondelete="CASCADE")
    uploaded_by: int | None = SQLField(
        default=None, foreign_key="user.id", ondelete="SET NULL", index=True
    )
    status: str = SQLField(default=ModelStatus.PROCESSING.value, max_length=20)
    # The text alternative: what the model shows, for people who cannot see it.
    description: str = SQLField(max_length=500)
    file_name: str = SQLField(default="", max_length=120)
    source_path: str = SQLField(max_length=200)
    source_bytes: int = 0
    triangles: int = 0
    # Set by the job: DRACO levels of detail (full, 40 %, 10 % of the triangles) and a poster.
    lod0_path: str = SQLField(default="", max_length=200)
    lod1_path: str = SQLField(default="", max_length=200)
    lod2_path: str = SQLField(default="", max_length=200)
    poster_path: str = SQLField(default="", max_length=200)
    compressed_bytes: int = 0
    error: str = SQLField(default="", max_length=300)
    created_at: datetime = SQLField(default_factory=utcnow, sa_column=utc_column(nullable=False))
    updated_at: datetime = SQLField(default_factory=utcnow, sa_column=utc_column(nullable=False))


class ModelPublic(BaseModel):
    """A solution's model as pages show it (URLs under /media)."""

    status: str
    description: str
    file_name: str
    triangles: int
    source_bytes: int
    compressed_bytes: int
    src: str
    src_light: str
    poster_url: str
    error: str

    @classmethod
    def of(cls, row: SolutionModel) -> ModelPublic:
        """The public shape of a row."""

        def url(path: str) -> str:
            return f"/media/{path}" if path else ""

        return cls(
            status=row.status,
            description=row.description,
            file_name=row.file_name,
            triangles=row.triangles,
            source_bytes=row.source_bytes,
            compressed_bytes=row.compressed_bytes,
            src=url(row.lod0_path),
            src_light=url(row.lod1_path or row.lod0_path),
            poster_url=url(row.poster_path),
            error=row.error,
        )
