"""Stream recordings on disk: what erasure deletes along with the streams' rows.

nginx writes a recording into ``<stream_root>/recordings`` (``ingest.on_record_done`` keeps
it or deletes it). The rows go with the account through the foreign keys; the files are
deleted here, once the erasure has committed (a rolled-back erasure keeps them).
"""

from __future__ import annotations

import logging
from pathlib import Path

from sqlmodel import Session, col, select

from aixplore.core.events import publish_after_commit, subscribe
from aixplore.core.settings import get_settings
from aixplore.domain.streams.models import Stream

log = logging.getLogger(__name__)

RECORDINGS_ERASED = "streams.recordings_erased"  # after commit: file names to delete


def recordings_folder() -> Path:
    """Where nginx writes recordings and the kept ones stay."""
    return get_settings().stream_root / "recordings"


def recording_files(name: str) -> list[Path]:
    """The files of one kept recording: nginx's file and its MP4, inside the folder only."""
    folder = recordings_folder().resolve()
    found = (folder / Path(name).name).resolve()
    if found.parent != folder or not name:
        return []
    return [found, found.with_suffix(".mp4")]


def erase_recordings(session: Session, user_id: int) -> int:
    """Delete the recordings of ``user_id``'s streams once the unit of work commits."""
    names = [
        name
        for name in session.exec(
            select(Stream.recording).where(
                Stream.streamer_id == user_id, col(Stream.recording) != ""
            )
        ).all()
        if name
    ]
    if names:
        publish_after_commit(session, RECORDINGS_ERASED, names)
    return len(names)


def _delete(names: list[str]) -> None:
    for name in names:
        for file in recording_files(name):
            file.unlink(missing_ok=True)
    log.info("deleted %d erased stream recording(s)", len(names))


subscribe(RECORDINGS_ERASED, _delete)
