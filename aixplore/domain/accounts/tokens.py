"""The one-time tokens mailed in links (email verification, password reset): issuing one, using
it once, and the verification mail.

Only a token's digest is stored; the raw value is in the mail.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from aixplore.core.errors import ValidationFailed
from aixplore.core.security import new_token, token_digest
from aixplore.core.settings import get_settings
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import AccountToken, TokenPurpose, User
from aixplore.domain.accounts.users import get_user
from aixplore.domain.mail.services import do_queue_mail


def issue_token(session: Session, user: User, purpose: TokenPurpose, ttl: timedelta) -> str:
    """Store a one-time token for ``user`` valid for ``ttl``; return the raw value to mail."""
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


def consume_token(session: Session, raw: str, purpose: TokenPurpose) -> User:
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


def send_verification(session: Session, user: User) -> None:
    """Mail ``user`` a fresh link that confirms their email address."""
    settings = get_settings()
    raw = issue_token(
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
