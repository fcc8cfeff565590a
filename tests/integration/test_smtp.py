"""Mail reaches a real SMTP server (aiosmtpd on loopback) when one is configured."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

from aixplore.core.db import session_scope
from aixplore.core.settings import get_settings
from aixplore.domain.mail.models import MailStatus, OutboxMail
from aixplore.domain.mail.services import do_queue_mail


class _Inbox(Message):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list = []

    def handle_message(self, message) -> None:
        self.messages.append(message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[_Inbox]:
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings = get_settings()
    monkeypatch.setattr(settings, "smtp_host", "127.0.0.1")
    monkeypatch.setattr(settings, "smtp_port", controller.port)
    monkeypatch.setattr(settings, "smtp_starttls", False)
    try:
        yield inbox
    finally:
        controller.stop()


def test_delivery_hands_the_mail_to_the_smtp_server(smtp_server: _Inbox) -> None:
    from aixplore.jobs.mail import deliver_mail

    with session_scope() as db:
        mail_id = do_queue_mail(db, to="reader@example.com", subject="Hello", body="Body text").id
    assert deliver_mail.call_local(mail_id) == "sent"
    [message] = smtp_server.messages
    assert message["To"] == "reader@example.com"
    assert message["Subject"] == "Hello"
    assert "Body text" in message.get_payload()


def test_an_unreachable_smtp_server_keeps_the_mail_queued_for_retry(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from aixplore.jobs.mail import deliver_mail

    settings = get_settings()
    monkeypatch.setattr(settings, "smtp_host", "127.0.0.1")
    monkeypatch.setattr(settings, "smtp_port", _free_port())
    with session_scope() as db:
        mail_id = do_queue_mail(db, to="later@example.com", subject="s", body="b").id
    with pytest.raises(OSError):
        deliver_mail.call_local(mail_id)
    with session_scope() as db:
        mail = db.get(OutboxMail, mail_id)
        assert mail is not None
        assert mail.status == MailStatus.QUEUED and mail.attempts == 1 and mail.last_error
