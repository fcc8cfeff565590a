"""Send one mail over SMTP, or write it to the log when no SMTP server is configured."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from aixplore.core.settings import Settings

log = logging.getLogger("aixplore.mail")


def deliver(settings: Settings, *, to: str, subject: str, body: str) -> bool:
    """Deliver a mail; return True when an SMTP server took it, False when only logged.

    Raises:
        OSError: The SMTP server could not be reached or refused the mail.
    """
    if not settings.smtp_host:
        log.info("mail (no SMTP configured)", extra={"to": to, "subject": subject, "body": body})
        return False
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_username and settings.smtp_password:
            smtp.login(settings.smtp_username, settings.smtp_password)
        smtp.send_message(message)
    return True
