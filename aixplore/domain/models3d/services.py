"""A solution's 3D model: upload (publisher or admin only), describe, remove, show, process.

The upload's bytes are checked (:mod:`.checks`) and stored under the media root by content
hash like other uploads; the row starts as "processing" and the job (:func:`do_process_model`)
adds DRACO levels of detail and a poster, then marks it ready. Pages show only ready models.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from aixplore.core.errors import NotFound, ValidationFailed
from aixplore.core.events import publish_after_commit
from aixplore.core.settings import get_settings
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import Actor
from aixplore.domain.models3d.checks import ModelFacts, check_model
from aixplore.domain.models3d.models import ModelPublic, ModelStatus, SolutionModel
from aixplore.domain.models3d.poster import render_poster
from aixplore.domain.models3d.tools import run_tool
from aixplore.domain.solutions.media import store_encoded
from aixplore.domain.solutions.models import SolutionStatus
from aixplore.domain.solutions.services.reads import _can_manage, _get_managed, _get_row

MODEL_UPLOADED = "models3d.uploaded"
DESCRIPTION_MIN = 10
DESCRIPTION_MAX = 500
FILE_NAME_MAX = 120
PROCESS_TIMEOUT = 300


@dataclass(frozen=True)
class StoredModel:
    """An upload that passed the checks, stored under the media root."""

    path: str
    file_name: str
    size: int
    facts: ModelFacts
    seconds: float


def _description(value: Any) -> str:
    if not isinstance(value, str):
        raise ValidationFailed("Describe the model in words.", field="description")
    text = " ".join(value.split())
    if len(text) < DESCRIPTION_MIN:
        raise ValidationFailed(
            "Describe what the model shows (at least 10 characters): people who cannot see "
            "it read this instead.",
            field="description",
        )
    if len(text) > DESCRIPTION_MAX:
        raise ValidationFailed(
            f"Keep the description to {DESCRIPTION_MAX} characters or fewer.", field="description"
        )
    return text


def check_upload_model(session: Session, actor: Actor | None, slug: Any, description: Any) -> str:
    """Authorize an upload before its bytes are even read; return the cleaned description."""
    _get_managed(session, actor, slug)
    return _description(description)


def store_model(data: object, file_name: object) -> StoredModel:
    """Check an uploaded model and store its bytes; refuse with a clear message otherwise."""
    started = time.perf_counter()
    facts = check_model(data, file_name)
    assert isinstance(data, bytes | bytearray) and isinstance(file_name, str)
    path = store_encoded(bytes(data), "models/source", facts.kind)
    name = Path(file_name).name[:FILE_NAME_MAX]
    return StoredModel(path, name, len(data), facts, time.perf_counter() - started)


def do_attach_model(
    session: Session, actor: Actor | None, slug: Any, stored: StoredModel, description: Any
) -> ModelPublic:
    """Make a stored upload the solution's model (replacing any earlier one) and process it."""
    solution = _get_managed(session, actor, slug)
    assert actor is not None and solution.id is not None
    text = _description(description)
    row = session.exec(
        select(SolutionModel).where(SolutionModel.solution_id == solution.id).with_for_update()
    ).first() or SolutionModel(solution_id=solution.id, description=text, source_path="")
    row.uploaded_by = actor.user_id
    row.status = ModelStatus.PROCESSING.value
    row.description = text
    row.file_name = stored.file_name
    row.source_path = stored.path
    row.source_bytes = stored.size
    row.triangles = stored.facts.triangles
    row.lod0_path = row.lod1_path = row.lod2_path = row.poster_path = row.error = ""
    row.compressed_bytes = 0
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    publish_after_commit(session, MODEL_UPLOADED, row.id)
    return ModelPublic.of(row)


def _managed_row(session: Session, actor: Actor | None, slug: Any) -> SolutionModel:
    solution = _get_managed(session, actor, slug)
    row = session.exec(
        select(SolutionModel).where(SolutionModel.solution_id == solution.id)
    ).first()
    if row is None:
        raise NotFound("This solution has no 3D model.")
    return row


def do_set_model_description(
    session: Session, actor: Actor | None, slug: Any, description: Any
) -> ModelPublic:
    """Change the model's text alternative."""
    row = _managed_row(session, actor, slug)
    row.description = _description(description)
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    return ModelPublic.of(row)


def do_remove_model(session: Session, actor: Actor | None, slug: Any) -> None:
    """Take the model off the solution (its files stay for backups, like other uploads)."""
    session.delete(_managed_row(session, actor, slug))
    session.flush()


def get_model_for_publisher(session: Session, actor: Actor | None, slug: Any) -> ModelPublic | None:
    """The model in any state, for the publisher's form."""
    solution = _get_managed(session, actor, slug)
    row = session.exec(
        select(SolutionModel).where(SolutionModel.solution_id == solution.id)
    ).first()
    return ModelPublic.of(row) if row else None


def get_model(session: Session, actor: Actor | None, slug: Any) -> ModelPublic | None:
    """A solution's model for its page, once ready; a draft's only for those who manage it."""
    solution = _get_row(session, slug)
    if solution.status == SolutionStatus.DRAFT and not _can_manage(actor, solution):
        raise NotFound("No such solution.")
    row = session.exec(
        select(SolutionModel).where(
            SolutionModel.solution_id == solution.id,
            SolutionModel.status == ModelStatus.READY.value,
        )
    ).first()
    return ModelPublic.of(row) if row else None


def do_process_model(session: Session, model_id: int) -> bool:
    """Make the DRACO levels of detail and the poster of one model (safe to run twice).

    A model the tools cannot process is marked failed with the reason for its publisher;
    missing tools raise (the job retries later). Returns whether the model is ready.
    """
    row = session.get(SolutionModel, model_id)
    if row is None or row.status != ModelStatus.PROCESSING.value:
        return row is not None and row.status == ModelStatus.READY.value
    source = get_settings().media_root / row.source_path
    with tempfile.TemporaryDirectory(prefix="aixplore-model-") as tmp:
        try:
            summary = run_tool("process.mjs", source=source, args=[tmp], timeout=PROCESS_TIMEOUT)
            levels = {level["name"]: level for level in summary["levels"]}
            poster = render_poster((Path(tmp) / "poster-source.glb").read_bytes())
        except ValidationFailed as exc:
            row.status, row.error = ModelStatus.FAILED.value, exc.message[:300]
        except (KeyError, TypeError, ValueError, IndexError, OSError):
            row.status = ModelStatus.FAILED.value
            row.error = "The model could not be compressed: export it again and re-upload it."
        else:
            for name in ("lod0", "lod1", "lod2"):
                data = (Path(tmp) / f"{name}.glb").read_bytes()
                setattr(row, f"{name}_path", store_encoded(data, "models", "glb"))
            row.poster_path = store_encoded(poster, "models/posters", "webp")
            row.compressed_bytes = int(levels["lod0"]["bytes"])
            row.status = ModelStatus.READY.value
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    return row.status == ModelStatus.READY.value
