"""What every single sign-on flow guards with: refusing a sign-in (logged, and recorded on its
connection's health) and keeping the address a sign-in returns to on this site.

The protocol modules and ``sso_sign_in`` raise through these; ``sso`` re-exports them.
"""

from __future__ import annotations

import logging
from typing import Any

from aixplore.core.db import session_scope
from aixplore.core.errors import ValidationFailed
from aixplore.core.metrics import SECURITY_EVENTS
from aixplore.core.time import utcnow
from aixplore.domain.orgs.sso_models import SsoConnection

log = logging.getLogger("aixplore.security")


class SsoRefused(ValidationFailed):
    """A sign-in through an identity provider was refused; the message says why."""

    code = "sso_refused"

    def __init__(self, message: str, *, conn_id: int | None, reason: str) -> None:
        super().__init__(message)
        self.conn_id = conn_id
        self.reason = reason
        self.test_only = False  # set when a "test connection" round trip failed


def refuse(conn_id: int | None, reason: str, **fields: Any) -> SsoRefused:
    """Log a refused SSO sign-in and return the error to raise.

    The caller's unit of work rolls back; it then calls :func:`record_failure` in a new one.
    """
    SECURITY_EVENTS.labels("sso_refused").inc()
    log.warning(
        "sso_refused",
        extra={
            "security_event": "sso_refused",
            "reason": reason,
            "connection_id": conn_id,
            **fields,
        },
    )
    return SsoRefused(f"Single sign-on failed: {reason}.", conn_id=conn_id, reason=reason)


def record_failure(error: SsoRefused) -> None:
    """Record a refusal on its connection's health (in a unit of work of its own)."""
    if error.conn_id is None:
        return
    with session_scope() as db:
        conn = db.get(SsoConnection, error.conn_id)
        if conn is not None:
            conn.last_failure_at = utcnow()
            conn.last_failure_reason = error.reason[:300]
            if error.test_only:
                conn.last_test_at, conn.last_test_ok = conn.last_failure_at, False
            db.add(conn)


def safe_return_to(value: Any) -> str:
    """A local path to go to after sign-in (never another site)."""
    if (
        not isinstance(value, str)
        or not value.startswith("/")
        or value.startswith("//")
        or "\\" in value
        or len(value) > 300
    ):
        return "/"
    return value
