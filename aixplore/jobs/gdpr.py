"""Personal data export jobs: build the ZIP after the request commits; purge expired ones."""

from __future__ import annotations

from huey import crontab

from aixplore.core.db import session_scope
from aixplore.core.events import subscribe
from aixplore.domain.gdpr.erasure import do_execute_due
from aixplore.domain.gdpr.services import EXPORT_REQUESTED, do_build_export, purge_expired
from aixplore.jobs.queue import huey


@huey.task(retries=3, retry_delay=60)
def build_data_export(export_id: int) -> bool:
    """Build one export and mail its link (safe to run twice)."""
    with session_scope() as session:
        return do_build_export(session, export_id)


@huey.periodic_task(crontab(minute="23"))
def purge_data_exports() -> int:
    """Delete exports whose 24 hours are over."""
    with session_scope() as session:
        return purge_expired(session)


subscribe(EXPORT_REQUESTED, lambda export_id: build_data_export(export_id))


@huey.periodic_task(crontab(minute="7", hour="*/6"))
def execute_erasures() -> int:
    """Erase the accounts whose grace period is over."""
    with session_scope() as session:
        return do_execute_due(session)
