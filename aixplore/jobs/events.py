"""Event reminders: every minute, mail the people going to events that start soon."""

from __future__ import annotations

from datetime import timedelta

from huey import crontab

from aixplore.core.db import session_scope
from aixplore.core.settings import get_settings
from aixplore.domain.events.delivery import do_send_reminders
from aixplore.jobs.queue import huey

DEFAULT_REMINDER_MINUTES = 60


def reminder_window() -> timedelta:
    """How long before an event starts its reminder goes out (AIXPLORE_EVENT_REMINDER_MINUTES)."""
    minutes = getattr(get_settings(), "event_reminder_minutes", DEFAULT_REMINDER_MINUTES)
    return timedelta(minutes=max(1, int(minutes)))


@huey.periodic_task(crontab(minute="*"))
def send_event_reminders() -> int:
    """Queue each due reminder once; safe when several workers run it at the same minute."""
    with session_scope() as session:
        return do_send_reminders(session, within=reminder_window())
