"""Passwords: a reset link mailed to the address, the reset itself, and a change by the
signed-in user; either ends the account's other sessions.

Reset requests count against the same per-address limit as sign-in attempts, and the answer
never tells whether an address has an account.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlmodel import Session

from aixplore.core import ratelimit
from aixplore.core.errors import ValidationFailed
from aixplore.core.security import hash_password, verify_password
from aixplore.core.settings import get_settings
from aixplore.core.time import utcnow
from aixplore.domain.accounts.forms import parse_input
from aixplore.domain.accounts.models import (
    Actor,
    ChangePasswordInput,
    EmailInput,
    ResetPasswordInput,
    TokenPurpose,
)
from aixplore.domain.accounts.sessions import revoke_all
from aixplore.domain.accounts.tokens import consume_token, issue_token
from aixplore.domain.accounts.users import (
    get_user,
    get_user_by_email,
    normalize_email,
    require_actor,
    security_event,
)
from aixplore.domain.audit_log.services import record as audit
from aixplore.domain.mail.services import do_queue_mail

THROTTLED_MESSAGE = "Too many sign-in attempts. Wait a few minutes and try again."


def do_request_password_reset(session: Session, data: Any, *, ip: str = "") -> None:
    """Mail a reset link when the account exists; the answer never says whether it does."""
    form: EmailInput = parse_input(EmailInput, data)
    email = normalize_email(str(form.email))
    ratelimit.hit(
        get_settings().login_limit_per_ip, "reset-ip", ip or "unknown", message=THROTTLED_MESSAGE
    )
    user = get_user_by_email(session, email)
    if user is None or user.suspended_at is not None:
        return
    settings = get_settings()
    raw = issue_token(
        session, user, TokenPurpose.RESET_PASSWORD, timedelta(minutes=settings.reset_token_minutes)
    )
    link = f"{settings.base_url.rstrip('/')}/reset-password?token={raw}"
    do_queue_mail(
        session,
        to=user.email,
        subject="Reset your AiXplore password",
        body=(
            f"Hello {user.display_name},\n\nChoose a new password here:\n{link}\n\nThe link is "
            f"valid for {settings.reset_token_minutes} minutes and works once. If you did not "
            "ask for it, ignore this mail: your password stays as it is.\n"
        ),
        kind="reset_password",
        user_id=user.id,
    )


def do_reset_password(session: Session, data: Any) -> None:
    """Set a new password from a mailed link and end every session of the account."""
    form: ResetPasswordInput = parse_input(ResetPasswordInput, data)
    user = consume_token(session, form.token, TokenPurpose.RESET_PASSWORD)
    user.password_hash = hash_password(form.password)
    user.password_changed_at = utcnow()
    # Following the mailed link proves ownership of the address.
    user.email_verified_at = user.email_verified_at or utcnow()
    session.add(user)
    assert user.id is not None
    revoke_all(session, user.id)
    security_event("password_reset", user_id=user.id)
    audit(session, user.id, "auth.password_reset", target=f"user:{user.id}")


def do_change_password(session: Session, actor: Actor | None, data: Any) -> None:
    """Change the actor's password; every other session of theirs ends."""
    actor = require_actor(actor)
    form: ChangePasswordInput = parse_input(ChangePasswordInput, data)
    user = get_user(session, actor.user_id)
    if not verify_password(user.password_hash, form.current_password):
        raise ValidationFailed("The current password is incorrect.", field="current_password")
    user.password_hash = hash_password(form.new_password)
    user.password_changed_at = utcnow()
    session.add(user)
    revoke_all(session, actor.user_id, except_session_id=actor.session_id)
    security_event("password_changed", user_id=actor.user_id)
    audit(session, actor.user_id, "auth.password_changed", target=f"user:{actor.user_id}")
