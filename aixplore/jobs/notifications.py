"""Notification digests: every quarter hour, mail the daily and weekly digests now due."""

from __future__ import annotations

from huey import crontab

from aixplore.core.db import read_scope, session_scope
from aixplore.core.time import utcnow
from aixplore.domain.notifications.digest import do_send_digest, list_due_digests
from aixplore.jobs.queue import huey

# Digests claimed and queued per transaction: short ones, so that on SQLite (one writer at a
# time) a run of thousands never holds the database for long.
CHUNK = 50


# Every 15 minutes: 08:00 local time falls on a quarter hour of UTC in every time zone.
@huey.periodic_task(crontab(minute="*/15"))
def send_notification_digests() -> int:
    """Queue each due digest once; safe when several workers run it at the same moment."""
    now, after, claimed = utcnow(), 0, 0
    while True:
        with read_scope() as db:
            due, last = list_due_digests(db, now, after)
        for start in range(0, len(due), CHUNK):
            with session_scope() as db:
                claimed += sum(do_send_digest(db, d, now) for d in due[start : start + CHUNK])
        if last is None:
            return claimed
        after = last
