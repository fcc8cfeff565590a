"""Queue mail in the outbox; delivery happens after commit through the job queue."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, col, select

from aixplore.core.events import publish_after_commit
from aixplore.core.time import utcnow
from aixplore.domain.mail.models import MailStatus, OutboxMail

MAIL_QUEUED = "mail.queued"
MAX_ATTEMPTS = 8


def do_queue_mail(
    session: Session,
    *,
    to: str,
    subject: str,
    body: str,
    kind: str = "",
    user_id: int | None = None,
) -> OutboxMail:
    """Store a mail in the outbox and announce it once the caller commits."""
    mail = OutboxMail(
        to_address=to, subject=subject[:200], body_text=body, kind=kind, user_id=user_id
    )
    session.add(mail)
    session.flush()
    publish_after_commit(session, MAIL_QUEUED, mail.id)
    return mail


def list_undelivered(session: Session, *, older_than: timedelta) -> list[int]:
    """Ids of queued mails older than ``older_than`` (missed by the after-commit hook)."""
    cutoff = utcnow() - older_than
    rows = session.exec(
        select(OutboxMail.id).where(
            OutboxMail.status == MailStatus.QUEUED,
            col(OutboxMail.created_at) < cutoff,
            OutboxMail.attempts < MAX_ATTEMPTS,
        )
    ).all()
    return [r for r in rows if r is not None]


def list_outbox_for(session: Session, address: str) -> list[OutboxMail]:
    """All mails to ``address``, newest first (tests and the admin read this)."""
    return list(
        session.exec(
            select(OutboxMail)
            .where(OutboxMail.to_address == address.lower())
            .order_by(col(OutboxMail.id).desc())
        ).all()
    )


def do_mark_delivered(session: Session, mail: OutboxMail, status: MailStatus) -> None:
    """Record a finished delivery."""
    mail.status = status
    mail.attempts += 1
    mail.sent_at = utcnow()
    mail.last_error = ""
    session.add(mail)


def do_mark_failed(session: Session, mail: OutboxMail, error: str) -> None:
    """Record a failed attempt; the mail stays queued until attempts run out."""
    mail.attempts += 1
    mail.last_error = error[:500]
    if mail.attempts >= MAX_ATTEMPTS:
        mail.status = MailStatus.FAILED
    session.add(mail)
