"""Analytics writes happen here, off the request path; saved-search alerts run periodically."""

from __future__ import annotations

from typing import Any

from huey import crontab

from aixplore.core.db import session_scope
from aixplore.core.settings import get_settings
from aixplore.domain.analytics.services import do_record
from aixplore.domain.discovery.services import do_notify_saved_searches
from aixplore.jobs.queue import huey


@huey.task(retries=2, retry_delay=10)
def record_analytics(event: dict[str, Any]) -> None:
    """Store one analytics event."""
    with session_scope() as session:
        do_record(session, **event)


@huey.periodic_task(crontab(minute="*/5"))
def notify_saved_searches() -> int:
    """Mail members about new solutions matching their saved searches."""
    with session_scope() as session:
        return do_notify_saved_searches(session, base_url=get_settings().base_url)
