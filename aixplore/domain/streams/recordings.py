"""Stream recordings on disk: their MP4, and what erasure deletes with the streams' rows.

nginx writes a recording (FLV) into ``<stream_root>/recordings``; ``ingest.on_record_done``
keeps it or deletes it. A kept one is remuxed to MP4 by a job (``jobs/streams.py`` with
``integrations/remux.py``): :func:`flv_to_remux` names the file, the job writes the MP4 beside
it, and :func:`do_link_mp4` points the stream at the MP4 (the page links it; nginx serves it
with Range requests). A job run again after a crash remuxes again; a stream already on its
MP4 is left alone.

On erasure the rows go with the account through the foreign keys; the files are deleted
here, once the erasure has committed (a rolled-back erasure keeps them).
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
RECORDING_KEPT = "streams.recording_kept"  # after commit: the stream's id, for the remux job


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


def flv_to_remux(session: Session, stream_id: int) -> Path | None:
    """The kept FLV recording of the stream, while it still waits for its MP4."""
    stream = session.get(Stream, stream_id)
    if stream is None or not stream.recording.endswith(".flv"):
        return None
    files = recording_files(stream.recording)
    return files[0] if files and files[0].exists() else None


def do_link_mp4(session: Session, stream_id: int, flv_name: str) -> bool:
    """Point the stream at the MP4 made from ``flv_name``; False if it moved on meanwhile."""
    stream = session.exec(select(Stream).where(Stream.id == stream_id).with_for_update()).first()
    if stream is None or stream.recording != flv_name:
        return False
    stream.recording = str(Path(flv_name).with_suffix(".mp4"))
    session.add(stream)
    session.flush()
    return True


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
