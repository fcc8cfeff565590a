"""Live streams: "going live" notifications (one job per stream start, plus a sweep), and the
MP4 of each kept recording."""

from __future__ import annotations

from huey import crontab

from aixplore.core.db import read_scope, session_scope
from aixplore.core.events import subscribe
from aixplore.domain.streams.ingest import (
    STREAM_WENT_LIVE,
    do_notify_going_live,
    list_unnotified,
)
from aixplore.domain.streams.recordings import RECORDING_KEPT, do_link_mp4, flv_to_remux
from aixplore.integrations import remux
from aixplore.jobs.queue import huey


@huey.task(retries=3, retry_delay=10)
def notify_going_live(stream_id: int) -> int:
    """Tell the stream's followers and its event's attendees (once, however often it runs)."""
    with session_scope() as session:
        return do_notify_going_live(session, stream_id)


@huey.periodic_task(crontab(minute="*"))
def sweep_going_live() -> int:
    """Queue streams still not notified two minutes after going live (a lost enqueue)."""
    with session_scope() as session:
        ids = list_unnotified(session)
    for stream_id in ids:
        notify_going_live(stream_id)
    return len(ids)


subscribe(STREAM_WENT_LIVE, lambda stream_id: notify_going_live(stream_id))


@huey.task(retries=2, retry_delay=60)
def remux_recording(stream_id: int) -> bool:
    """Remux the stream's kept FLV to MP4 (``-c copy``, faststart) and link the MP4."""
    with read_scope() as session:
        flv = flv_to_remux(session, stream_id)
    if flv is None:
        return False  # done already, or nothing kept
    remux.to_mp4(flv, flv.with_suffix(".mp4"))
    with session_scope() as session:
        linked = do_link_mp4(session, stream_id, flv.name)
    if linked:
        flv.unlink(missing_ok=True)  # the MP4 holds the same streams
    return linked


subscribe(RECORDING_KEPT, lambda stream_id: remux_recording(stream_id))
