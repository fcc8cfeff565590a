"""Audit log retention: a daily sweep removes entries older than the retention setting."""

from __future__ import annotations

from huey import crontab

from aixplore.core.db import session_scope
from aixplore.domain.audit.services import prune
from aixplore.jobs.queue import huey


@huey.periodic_task(crontab(minute="17", hour="3"))
def prune_audit_log() -> int:
    """Remove expired audit entries (nothing when retention is 0, the default)."""
    with session_scope() as session:
        return prune(session)
