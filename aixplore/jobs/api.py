"""API housekeeping: stored idempotent answers are forgotten after 24 hours."""

from __future__ import annotations

from huey import crontab

from aixplore.core.db import session_scope
from aixplore.domain.idempotency.services import purge
from aixplore.jobs.queue import huey


@huey.periodic_task(crontab(minute="41"))
def purge_idempotency_records() -> int:
    """Delete idempotency records older than 24 hours (hourly)."""
    with session_scope() as session:
        return purge(session)
