"""Live streams: "going live" notifications, one job per stream start, plus a sweep."""

from __future__ import annotations

from huey import crontab

from aixplore.core.db import session_scope
from aixplore.core.events import subscribe
from aixplore.domain.streams.ingest import (
    STREAM_WENT_LIVE,
    do_notify_going_live,
    list_unnotified,
)
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
