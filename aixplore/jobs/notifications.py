"""Notification digests: every quarter hour, mail the daily and weekly digests now due."""

from __future__ import annotations

from huey import crontab

from aixplore.core.db import session_scope
from aixplore.domain.notifications.digest import do_send_digests
from aixplore.jobs.queue import huey


# Every 15 minutes: 08:00 local time falls on a quarter hour of UTC in every time zone.
@huey.periodic_task(crontab(minute="*/15"))
def send_notification_digests() -> int:
    """Queue each due digest once; safe when several workers run it at the same moment."""
    with session_scope() as session:
        return do_send_digests(session)
