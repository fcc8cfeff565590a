"""Accounts: sign-up, verification, sign-in, sessions, passwords and platform roles.

``check_*`` validate and authorize, ``do_*`` change state, ``get_*``/``list_*`` read. The
caller owns the transaction. Messages are safe to show and never reveal whether an email
has an account.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, update
from sqlmodel import Session, col, select

from aixplore.core import ratelimit
from aixplore.core.errors import (
    Conflict,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from aixplore.core.metrics import SECURITY_EVENTS
from aixplore.core.security import (
    hash_password,
    new_token,
    password_needs_rehash,
    token_digest,
    verify_password,
)
from aixplore.core.settings import get_settings
from aixplore.core.time import utcnow
from aixplore.domain.accounts import actor_cache
from aixplore.domain.accounts.models import (
    AccountToken,
    Actor,
    ChangePasswordInput,
    EmailInput,
    ProfileInput,
    ResetPasswordInput,
    SessionPublic,
    SignInInput,
    SignUpInput,
    TokenPurpose,
    User,
    UserPublic,
    UserSession,
)
from aixplore.domain.audit_log.services import record as audit
from aixplore.domain.mail.services import do_queue_mail
from aixplore.domain.membership.services import check_password_sign_in

log = logging.getLogger("aixplore.security")

GENERIC_SIGN_IN_ERROR = "Email or password is incorrect."
THROTTLED_MESSAGE = "Too many sign-in attempts. Wait a few minutes and try again."
LAST_SEEN_RESOLUTION = actor_cache.LAST_SEEN_RESOLUTION


def parse_input(model: type[Any], data: Any) -> Any:
    """Validate untrusted ``data`` into ``model``; raise ValidationFailed with a clear message."""
    if not isinstance(data, dict):
        raise ValidationFailed("The form could not be read. Reload the page and try again.")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first.get("loc") else None
        message = str(first.get("msg", "Invalid value."))
        message = message.removeprefix("Value error, ")
        if first.get("type") == "extra_forbidden":
            message = "The form holds an unexpected field."
        elif field == "email":
            message = "Enter a valid email address."
        elif first.get("type") in {"string_type", "missing"}:
            message = "Fill in every field."
        elif first.get("type") == "string_too_long":
            message = f"{(field or 'A value').replace('_', ' ').capitalize()} is too long."
        elif first.get("type") == "string_too_short":
            message = f"{(field or 'A value').replace('_', ' ').capitalize()} is required."
        raise ValidationFailed(message, field=field) from exc


def _normalize_email(email: str) -> str:
    return email.strip().lower()


def _security(event: str, **fields: Any) -> None:
    SECURITY_EVENTS.labels(event).inc()
    log.warning(event, extra={"security_event": event, **fields})


# ---- Reading ----


def get_user(session: Session, user_id: int) -> User:
    """Return a user or raise NotFound."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    return user


def get_user_by_email(session: Session, email: str) -> User | None:
    """Return the user with ``email`` (case-insensitive), if any."""
    return session.exec(select(User).where(User.email == _normalize_email(email))).first()


def get_actor_by_token(session: Session, raw_token: Any) -> Actor | None:
    """Resolve a client's session token to the acting user, re-checked in the database.

    Returns None when the token is unknown, revoked, expired, or its user is suspended.
    Request handlers use :func:`actor_cache.authenticate`, which shares recent answers.
    """
    actor, stale = resolve_session(session, raw_token)
    if actor is not None and stale:
        do_touch_session(session, actor.session_id)
    return actor


def do_touch_session(session: Session, session_id: int | None) -> None:
    """Record that a session was just used (kept to one write a minute per session)."""
    if session_id is not None:
        actor_cache.touch_session(session, session_id)


def resolve_session(session: Session, raw_token: Any) -> tuple[Actor | None, bool]:
    """Read-only half of :func:`get_actor_by_token`: the actor, and whether last-seen is stale."""
    if not isinstance(raw_token, str) or not 16 <= len(raw_token) <= 128:
        return None, False
    found = actor_cache.load(session, token_digest(raw_token))
    if found is None:
        return None, False
    actor, last_seen, _expires = found
    return actor, utcnow() - last_seen > LAST_SEEN_RESOLUTION


def require_actor(actor: Actor | None) -> Actor:
    """Return ``actor`` or refuse when nobody is signed in."""
    if actor is None:
        raise NotAuthenticated("Sign in to continue.")
    return actor


def require_platform_admin(actor: Actor | None, action: str) -> Actor:
    """Refuse (and log) anyone but a platform admin."""
    actor = require_actor(actor)
    if not actor.is_platform_admin:
        _security("admin_action_refused", user_id=actor.user_id, action=action)
        raise PermissionDenied("Only platform admins can do that.")
    return actor


# ---- Tokens mailed to the user ----


def _issue_token(session: Session, user: User, purpose: TokenPurpose, ttl: timedelta) -> str:
    assert user.id is not None
    raw = new_token()
    session.add(
        AccountToken(
            user_id=user.id,
            purpose=purpose,
            token_hash=token_digest(raw),
            expires_at=utcnow() + ttl,
        )
    )
    return raw


def _consume_token(session: Session, raw: str, purpose: TokenPurpose) -> User:
    """Mark a mailed token used, atomically, and return its user."""
    now = utcnow()
    digest = token_digest(raw)
    # One UPDATE so two concurrent uses of one link cannot both succeed.
    result = session.execute(
        update(AccountToken)
        .where(
            col(AccountToken.token_hash) == digest,
            col(AccountToken.purpose) == purpose,
            col(AccountToken.used_at).is_(None),
            col(AccountToken.expires_at) > now,
        )
        .values(used_at=now)
    )
    if getattr(result, "rowcount", 0) != 1:
        raise ValidationFailed("This link is invalid or has expired. Ask for a new one.")
    token = session.exec(select(AccountToken).where(AccountToken.token_hash == digest)).one()
    return get_user(session, token.user_id)


def _send_verification(session: Session, user: User) -> None:
    settings = get_settings()
    raw = _issue_token(
        session, user, TokenPurpose.VERIFY_EMAIL, timedelta(hours=settings.verify_token_hours)
    )
    link = f"{settings.base_url.rstrip('/')}/verify?token={raw}"
    do_queue_mail(
        session,
        to=user.email,
        subject="Confirm your AiXplore email address",
        body=(
            f"Hello {user.display_name},\n\nConfirm your email address to finish signing up:\n"
            f"{link}\n\nThe link is valid for {settings.verify_token_hours} hours. If you did "
            "not sign up, ignore this mail.\n"
        ),
        kind="verify_email",
        user_id=user.id,
    )


# ---- Sign-up, verification, sign-in, sign-out ----


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
    email = _normalize_email(str(form.email))
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
    _send_verification(session, user)


def do_verify_email(session: Session, raw_token: Any) -> UserPublic:
    """Confirm an email address from the mailed link."""
    if not isinstance(raw_token, str) or not 16 <= len(raw_token) <= 128:
        raise ValidationFailed("This link is invalid or has expired. Ask for a new one.")
    user = _consume_token(session, raw_token, TokenPurpose.VERIFY_EMAIL)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
        session.add(user)
    return UserPublic.of(user)


def do_resend_verification(session: Session, data: Any) -> None:
    """Mail a fresh verification link to an unverified account (silently nothing otherwise)."""
    form: EmailInput = parse_input(EmailInput, data)
    user = get_user_by_email(session, str(form.email))
    if user is not None and user.email_verified_at is None and user.suspended_at is None:
        _send_verification(session, user)


def _open_session(
    session: Session,
    user: User,
    *,
    ip: str,
    user_agent: str,
    provider: str,
    sso_connection_id: int | None = None,
) -> str:
    assert user.id is not None
    raw = new_token()
    session.add(
        UserSession(
            user_id=user.id,
            token_hash=token_digest(raw),
            provider=provider,
            sso_connection_id=sso_connection_id,
            ip=ip[:64],
            user_agent=user_agent[:300],
            expires_at=utcnow() + timedelta(days=get_settings().session_days),
        )
    )
    return raw


def do_sign_in(session: Session, data: Any, *, ip: str = "", user_agent: str = "") -> str:
    """Check credentials and open a session; return the raw session token for the client.

    Throttled per account and per IP. A wrong email and a wrong password give the same error.
    """
    form: SignInInput = parse_input(SignInInput, data)
    settings = get_settings()
    email = _normalize_email(str(form.email))
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
        _security("sign_in_failed", email_hash=token_digest(email)[:16], ip=ip)
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
    if user.suspended_at is not None:
        _security("sign_in_suspended", user_id=user.id, ip=ip)
        audit(session, user.id, "auth.sign_in_refused", ip=ip, user_agent=user_agent)
        session.commit()
        raise PermissionDenied(
            "This account is suspended. Contact support if you think this is a mistake."
        )
    if user.email_verified_at is None:
        _send_verification(session, user)
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
    return _open_session(session, user, ip=ip, user_agent=user_agent, provider="password")


def do_sign_out(session: Session, raw_token: Any, *, ip: str = "", user_agent: str = "") -> None:
    """End the session behind ``raw_token`` server-side (a replayed token then gets nothing)."""
    if not isinstance(raw_token, str) or not raw_token:
        return
    digest = token_digest(raw_token)
    result = session.execute(
        update(UserSession)
        .where(col(UserSession.token_hash) == digest, col(UserSession.revoked_at).is_(None))
        .values(revoked_at=utcnow())
        .returning(col(UserSession.user_id))
    )
    for user_id in result.scalars().all():
        audit(session, user_id, "auth.sign_out", ip=ip, user_agent=user_agent)
    actor_cache.forget_after_commit(session, digests=[digest])


def _revoke_all(session: Session, user_id: int, *, except_session_id: int | None = None) -> int:
    stmt = update(UserSession).where(
        col(UserSession.user_id) == user_id, col(UserSession.revoked_at).is_(None)
    )
    if except_session_id is not None:
        stmt = stmt.where(col(UserSession.id) != except_session_id)
    result = session.execute(stmt.values(revoked_at=utcnow()))
    actor_cache.forget_after_commit(session, user_ids=[user_id])
    return int(getattr(result, "rowcount", 0) or 0)


# ---- Passwords ----


def do_request_password_reset(session: Session, data: Any, *, ip: str = "") -> None:
    """Mail a reset link when the account exists; the answer never says whether it does."""
    form: EmailInput = parse_input(EmailInput, data)
    email = _normalize_email(str(form.email))
    ratelimit.hit(
        get_settings().login_limit_per_ip, "reset-ip", ip or "unknown", message=THROTTLED_MESSAGE
    )
    user = get_user_by_email(session, email)
    if user is None or user.suspended_at is not None:
        return
    settings = get_settings()
    raw = _issue_token(
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
    user = _consume_token(session, form.token, TokenPurpose.RESET_PASSWORD)
    user.password_hash = hash_password(form.password)
    user.password_changed_at = utcnow()
    # Following the mailed link proves ownership of the address.
    user.email_verified_at = user.email_verified_at or utcnow()
    session.add(user)
    assert user.id is not None
    _revoke_all(session, user.id)
    _security("password_reset", user_id=user.id)
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
    _revoke_all(session, actor.user_id, except_session_id=actor.session_id)
    _security("password_changed", user_id=actor.user_id)
    audit(session, actor.user_id, "auth.password_changed", target=f"user:{actor.user_id}")


# ---- Profile and sessions ----


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


def list_my_sessions(session: Session, actor: Actor | None) -> list[SessionPublic]:
    """The actor's active sessions, current first."""
    actor = require_actor(actor)
    rows = session.exec(
        select(UserSession)
        .where(
            UserSession.user_id == actor.user_id,
            col(UserSession.revoked_at).is_(None),
            col(UserSession.expires_at) > utcnow(),
        )
        .order_by(col(UserSession.last_seen_at).desc())
    ).all()
    items = [
        SessionPublic(
            id=r.id or 0,
            provider=r.provider,
            ip=r.ip,
            user_agent=r.user_agent,
            created_at=r.created_at,
            last_seen_at=r.last_seen_at,
            current=r.id == actor.session_id,
        )
        for r in rows
    ]
    return sorted(items, key=lambda s: not s.current)


def do_revoke_session(session: Session, actor: Actor | None, session_id: Any) -> None:
    """End one of the actor's own sessions."""
    actor = require_actor(actor)
    if not isinstance(session_id, int) or isinstance(session_id, bool):
        raise ValidationFailed("Unknown session.")
    row = session.get(UserSession, session_id)
    if row is None or row.user_id != actor.user_id:
        raise NotFound("Unknown session.")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        session.add(row)


def count_users(session: Session) -> int:
    """How many accounts exist."""
    return int(session.exec(select(func.count()).select_from(User)).one())
