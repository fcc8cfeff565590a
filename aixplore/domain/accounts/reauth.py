"""Confirming a password again: fresh re-authentication ("sudo mode") and password checks
outside the sign-in form.

A session whose user just confirmed their password is marked (``reauthenticated_at`` on its
row) for :data:`REAUTH_MINUTES`; a few sensitive changes, such as an organization's single
sign-on settings, ask for that mark. The check reads the session row itself, never a cached
copy. Password checks here count against the same per-address and per-account limits as the
sign-in form, so they cannot be used to guess passwords faster.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from sqlmodel import Session

from aixplore.core import ratelimit
from aixplore.core.errors import NotAuthenticated, PermissionDenied, ValidationFailed
from aixplore.core.metrics import SECURITY_EVENTS
from aixplore.core.security import token_digest, verify_password
from aixplore.core.settings import get_settings
from aixplore.core.time import as_utc, utcnow
from aixplore.domain.accounts.models import PASSWORD_MAX, Actor, User, UserSession
from aixplore.domain.accounts.passwords import THROTTLED_MESSAGE
from aixplore.domain.accounts.users import get_user, require_actor
from aixplore.domain.audit_log.services import record as audit

log = logging.getLogger("aixplore.security")

REAUTH_MINUTES = 10
WRONG_PASSWORD = "The password is incorrect."  # noqa: S105 - a message, not a secret


def check_password_of(
    session: Session, user: User | None, password: Any, *, ip: str = "", user_agent: str = ""
) -> User:
    """Verify ``password`` for ``user`` (None: an address with no account), throttled.

    A wrong password commits its audit entry and raises ValidationFailed; the caller's unit
    of work then rolls back.
    """
    settings = get_settings()
    ratelimit.hit(
        settings.login_limit_per_ip, "login-ip", ip or "unknown", message=THROTTLED_MESSAGE
    )
    account = user.email if user is not None else "-"
    ratelimit.check(
        settings.login_limit_per_account, "login-account", account, message=THROTTLED_MESSAGE
    )
    good = (
        isinstance(password, str)
        and 1 <= len(password) <= PASSWORD_MAX
        and verify_password(user.password_hash if user else None, password)
    )
    if not good or user is None:
        ratelimit.hit(
            settings.login_limit_per_account, "login-account", account, message=THROTTLED_MESSAGE
        )
        SECURITY_EVENTS.labels("password_confirm_failed").inc()
        log.warning(
            "password_confirm_failed",
            extra={
                "security_event": "password_confirm_failed",
                "email_hash": token_digest(account)[:16],
                "ip": ip,
            },
        )
        audit(
            session,
            user.id if user else None,
            "auth.password_confirm_failed",
            target=f"email:{token_digest(account)[:16]}",
            ip=ip,
            user_agent=user_agent,
        )
        session.commit()
        raise ValidationFailed(WRONG_PASSWORD, field="password")
    ratelimit.reset(settings.login_limit_per_account, "login-account", account)
    return user


def do_reauthenticate(
    session: Session, actor: Actor | None, password: Any, *, ip: str = "", user_agent: str = ""
) -> None:
    """Confirm the actor's password; their session counts as freshly signed in for a while."""
    actor = require_actor(actor)
    if actor.session_id is None:
        raise NotAuthenticated("Sign in again to continue.")
    user = get_user(session, actor.user_id)
    if user.password_hash is None:
        raise PermissionDenied(
            "Your account has no password to confirm: ask the organization's owner to make "
            "this change."
        )
    check_password_of(session, user, password, ip=ip, user_agent=user_agent)
    row = session.get(UserSession, actor.session_id)
    if row is None or row.user_id != actor.user_id or row.revoked_at is not None:
        raise NotAuthenticated("Sign in again to continue.")
    row.reauthenticated_at = utcnow()
    session.add(row)
    audit(session, actor.user_id, "auth.reauthenticated", ip=ip, user_agent=user_agent)


def is_fresh(session: Session, actor: Actor) -> bool:
    """Whether the actor's session confirmed the password in the last few minutes."""
    if actor.session_id is None:
        return False
    row = session.get(UserSession, actor.session_id)
    if row is None or row.user_id != actor.user_id or row.revoked_at is not None:
        return False
    at = row.reauthenticated_at
    return at is not None and utcnow() - as_utc(at) <= timedelta(minutes=REAUTH_MINUTES)
