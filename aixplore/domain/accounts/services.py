"""Accounts: sign-up, email verification, password sign-in and the profile.

``check_*`` validate and authorize, ``do_*`` change state, ``get_*``/``list_*`` read. The
caller owns the transaction. Messages are safe to show and never reveal whether an email
has an account.

Sessions (``sessions``), passwords (``passwords``), the tokens mailed in links (``tokens``),
finding accounts and the acting user (``users``) and form parsing (``forms``) have modules of
their own; their public names are importable from here too.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from aixplore.core import ratelimit
from aixplore.core.errors import Conflict, PermissionDenied, ValidationFailed
from aixplore.core.security import (
    hash_password,
    password_needs_rehash,
    token_digest,
    verify_password,
)
from aixplore.core.settings import get_settings
from aixplore.core.time import utcnow
from aixplore.domain.accounts.forms import parse_input
from aixplore.domain.accounts.models import (
    Actor,
    EmailInput,
    ProfileInput,
    SignInInput,
    SignUpInput,
    TokenPurpose,
    User,
    UserPublic,
)
from aixplore.domain.accounts.passwords import (
    THROTTLED_MESSAGE,
    do_change_password,
    do_request_password_reset,
    do_reset_password,
)
from aixplore.domain.accounts.sessions import (
    LAST_SEEN_RESOLUTION,
    do_revoke_session,
    do_sign_out,
    do_touch_session,
    get_actor_by_token,
    list_my_sessions,
    open_session,
    resolve_session,
)
from aixplore.domain.accounts.tokens import consume_token, send_verification
from aixplore.domain.accounts.users import (
    get_user,
    get_user_by_email,
    is_suspended,
    normalize_email,
    require_actor,
    require_platform_admin,
    security_event,
    suspension_message,
)
from aixplore.domain.audit_log.services import record as audit
from aixplore.domain.mail.services import do_queue_mail
from aixplore.domain.membership.services import check_password_sign_in

__all__ = [
    "GENERIC_SIGN_IN_ERROR",
    "LAST_SEEN_RESOLUTION",
    "THROTTLED_MESSAGE",
    "count_users",
    "do_change_password",
    "do_request_password_reset",
    "do_resend_verification",
    "do_reset_password",
    "do_revoke_session",
    "do_sign_in",
    "do_sign_out",
    "do_sign_up",
    "do_touch_session",
    "do_update_profile",
    "do_verify_email",
    "get_actor_by_token",
    "get_profile",
    "get_user",
    "get_user_by_email",
    "list_my_sessions",
    "parse_input",
    "require_actor",
    "require_platform_admin",
    "resolve_session",
]

log = logging.getLogger("aixplore.security")

GENERIC_SIGN_IN_ERROR = "Email or password is incorrect."


# ---- Sign-up, verification, sign-in ----


def do_sign_up(session: Session, data: Any, *, ip: str = "") -> None:
    """Create an unverified account and mail a verification link.

    The answer is the same whether or not the email is taken; the owner of a taken address
    gets a mail saying so instead.
    """
    form: SignUpInput = parse_input(SignUpInput, data)
    ratelimit.hit(
        get_settings().signup_limit_per_ip,
        "signup-ip",
        ip or "unknown",
        message="Too many sign-ups from this network. Try again later.",
    )
    email = normalize_email(str(form.email))
    existing = get_user_by_email(session, email)
    if existing is not None:
        do_queue_mail(
            session,
            to=existing.email,
            subject="Someone tried to sign up with your email",
            body=(
                "Someone (maybe you) tried to create an AiXplore account with this address, "
                "which already has one. To get back in, use 'Forgot password' on the sign-in "
                "page.\n"
            ),
            kind="signup_existing",
            user_id=existing.id,
        )
        return
    user = User(
        email=email, display_name=form.display_name, password_hash=hash_password(form.password)
    )
    user.password_changed_at = utcnow()
    session.add(user)
    session.flush()
    send_verification(session, user)


def do_verify_email(session: Session, raw_token: Any) -> UserPublic:
    """Confirm an email address from the mailed link."""
    if not isinstance(raw_token, str) or not 16 <= len(raw_token) <= 128:
        raise ValidationFailed("This link is invalid or has expired. Ask for a new one.")
    user = consume_token(session, raw_token, TokenPurpose.VERIFY_EMAIL)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
        session.add(user)
    return UserPublic.of(user)


def do_resend_verification(session: Session, data: Any) -> None:
    """Mail a fresh verification link to an unverified account (silently nothing otherwise)."""
    form: EmailInput = parse_input(EmailInput, data)
    user = get_user_by_email(session, str(form.email))
    if user is not None and user.email_verified_at is None and user.suspended_at is None:
        send_verification(session, user)


def do_sign_in(session: Session, data: Any, *, ip: str = "", user_agent: str = "") -> str:
    """Check credentials and open a session; return the raw session token for the client.

    Throttled per account and per IP. A wrong email and a wrong password give the same error.
    """
    form: SignInInput = parse_input(SignInInput, data)
    settings = get_settings()
    email = normalize_email(str(form.email))
    ratelimit.hit(
        settings.login_limit_per_ip, "login-ip", ip or "unknown", message=THROTTLED_MESSAGE
    )
    ratelimit.check(
        settings.login_limit_per_account, "login-account", email, message=THROTTLED_MESSAGE
    )
    user = get_user_by_email(session, email)
    # Before the password check, so the answer cannot tell a right password from a wrong one.
    check_password_sign_in(session, email, user.id if user else None)
    if not verify_password(user.password_hash if user else None, form.password) or user is None:
        ratelimit.hit(
            settings.login_limit_per_account, "login-account", email, message=THROTTLED_MESSAGE
        )
        security_event("sign_in_failed", email_hash=token_digest(email)[:16], ip=ip)
        audit(
            session,
            user.id if user else None,
            "auth.sign_in_failed",
            target=f"email:{token_digest(email)[:16]}",
            ip=ip,
            user_agent=user_agent,
        )
        # The refusal below rolls the caller's unit of work back; the entry must survive it.
        session.commit()
        raise ValidationFailed(GENERIC_SIGN_IN_ERROR)
    # From here on the caller has proven they hold the password: specific messages are safe.
    if is_suspended(user):
        security_event("sign_in_suspended", user_id=user.id, ip=ip)
        audit(session, user.id, "auth.sign_in_refused", ip=ip, user_agent=user_agent)
        session.commit()
        raise PermissionDenied(suspension_message(user))
    if user.email_verified_at is None:
        send_verification(session, user)
        # The refusal below rolls the caller's unit of work back; the new link must survive it.
        session.commit()
        raise Conflict("Confirm your email address first: we have sent you a new link.")
    assert user.password_hash is not None
    if password_needs_rehash(user.password_hash):
        user.password_hash = hash_password(form.password)
        session.add(user)
    ratelimit.reset(settings.login_limit_per_account, "login-account", email)
    log.info("sign_in", extra={"security_event": "sign_in", "user_id": user.id, "ip": ip})
    audit(session, user.id, "auth.sign_in", ip=ip, user_agent=user_agent)
    return open_session(session, user, ip=ip, user_agent=user_agent, provider="password")


# ---- Profile ----


def get_profile(session: Session, actor: Actor | None) -> UserPublic:
    """The actor's own account."""
    actor = require_actor(actor)
    return UserPublic.of(get_user(session, actor.user_id))


def do_update_profile(session: Session, actor: Actor | None, data: Any) -> UserPublic:
    """Change the actor's display name and bio."""
    actor = require_actor(actor)
    form: ProfileInput = parse_input(ProfileInput, data)
    user = get_user(session, actor.user_id)
    user.display_name = " ".join(form.display_name.split())
    user.bio = form.bio
    session.add(user)
    return UserPublic.of(user)


def count_users(session: Session) -> int:
    """How many accounts exist."""
    return int(session.exec(select(func.count()).select_from(User)).one())
