"""Mail delivery jobs: one per queued mail, plus a sweep for any the hook missed."""

from __future__ import annotations

import logging
from datetime import timedelta

from huey import crontab

from aixplore.core.db import session_scope
from aixplore.core.events import subscribe
from aixplore.core.settings import get_settings
from aixplore.domain.mail.models import MailStatus, OutboxMail
from aixplore.domain.mail.services import (
    MAIL_QUEUED,
    do_mark_delivered,
    do_mark_failed,
    list_undelivered,
)
from aixplore.integrations.mail import smtp
from aixplore.jobs.queue import huey

log = logging.getLogger(__name__)


@huey.task(retries=5, retry_delay=30)
def deliver_mail(mail_id: int) -> str:
    """Send one outbox mail; safe to run twice (a delivered mail is left alone)."""
    with session_scope() as session:
        mail = session.get(OutboxMail, mail_id, with_for_update=True)
        if mail is None or mail.status != MailStatus.QUEUED:
            return "skipped"
        try:
            sent = smtp.deliver(
                get_settings(), to=mail.to_address, subject=mail.subject, body=mail.body_text
            )
        except OSError as exc:
            do_mark_failed(session, mail, f"{type(exc).__name__}: {exc}")
            session.commit()
            raise
        do_mark_delivered(session, mail, MailStatus.SENT if sent else MailStatus.LOGGED)
        return mail.status.value


@huey.periodic_task(crontab(minute="*"))
def sweep_outbox() -> int:
    """Enqueue mails still queued after two minutes (a crash between commit and enqueue)."""
    with session_scope() as session:
        ids = list_undelivered(session, older_than=timedelta(minutes=2))
    for mail_id in ids:
        deliver_mail(mail_id)
    return len(ids)


def _on_mail_queued(mail_id: int) -> None:
    deliver_mail(mail_id)


subscribe(MAIL_QUEUED, _on_mail_queued)
