"""Mail goes through the outbox and a real job consumer (SQLite storage or Redis)."""

from __future__ import annotations

import time

from aixplore.core.db import session_scope
from aixplore.domain.accounts import services as accounts
from aixplore.domain.mail.models import MailStatus
from aixplore.domain.mail.services import do_queue_mail, list_outbox_for, list_undelivered


def _wait_for_status(address: str, status: MailStatus, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with session_scope() as db:
            mails = list_outbox_for(db, address)
            if mails and all(m.status == status for m in mails):
                return
        time.sleep(0.1)
    raise AssertionError(f"mail to {address} never reached {status}")


def test_a_queued_mail_is_delivered_by_the_consumer_after_commit() -> None:
    from aixplore.jobs import registry  # noqa: F401 - subscribes the after-commit hook
    from aixplore.jobs.queue import huey, start_embedded_consumer, stop_embedded_consumer

    huey.flush()
    start_embedded_consumer(workers=1)
    try:
        with session_scope() as db:
            accounts.do_sign_up(
                db,
                {"email": "jobs@example.com", "display_name": "Jobs", "password": "long enough pw"},
                ip="203.0.113.5",
            )
        _wait_for_status("jobs@example.com", MailStatus.LOGGED)
    finally:
        stop_embedded_consumer()


def test_a_rolled_back_mail_is_never_announced() -> None:
    from aixplore.jobs import registry  # noqa: F401
    from aixplore.jobs.queue import huey

    huey.flush()
    try:
        with session_scope() as db:
            do_queue_mail(db, to="rollback@example.com", subject="s", body="b")
            raise RuntimeError("handler failed after queueing")
    except RuntimeError:
        pass
    assert huey.pending_count() == 0
    with session_scope() as db:
        assert list_outbox_for(db, "rollback@example.com") == []


def test_delivery_is_idempotent_and_the_sweep_finds_stragglers() -> None:
    from datetime import timedelta

    from aixplore.jobs.mail import deliver_mail

    with session_scope() as db:
        mail_id = do_queue_mail(db, to="twice@example.com", subject="s", body="b").id
    with session_scope() as db:
        assert mail_id in list_undelivered(db, older_than=timedelta(seconds=-1))
    assert deliver_mail.call_local(mail_id) == "logged"
    assert deliver_mail.call_local(mail_id) == "skipped"
    with session_scope() as db:
        assert list_undelivered(db, older_than=timedelta(seconds=-1)) == []
