"""Turning a provider identity into a session, a new account, or a link to confirm.

Whom "Continue with Google/GitHub" signs in:

1. the account that linked this provider identity (provider and subject);
2. otherwise, when the provider *verified* the address and an account has it: nobody yet.
   That account's owner confirms the link with its password on a confirmation page
   (:func:`do_confirm_pending`); accounts are never merged silently;
3. otherwise, when the provider verified the address and no account has it: a new account,
   email-verified (the provider said so), without a password;
4. an address the provider has not verified never links, claims or creates an account.

An organization that enforces single sign-on for the account (a member, or an address of its
verified domains; its owner excepted, as for passwords) refuses these sign-ins. The session
remembers the provider (``user_session.provider``) and has no SSO connection, so enforcing
organizations treat it as they treat a password session.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from aixplore.core.errors import PermissionDenied, ValidationFailed
from aixplore.core.security import new_token, token_digest
from aixplore.core.settings import get_settings
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import User
from aixplore.domain.accounts.reauth import check_password_of
from aixplore.domain.accounts.sessions import open_session
from aixplore.domain.accounts.users import (
    get_user_by_email,
    is_suspended,
    normalize_email,
    security_event,
)
from aixplore.domain.audit_log.services import record as audit
from aixplore.domain.mail.services import do_queue_mail
from aixplore.domain.membership.services import sso_required_for
from aixplore.domain.orgs.sso_guards import safe_return_to
from aixplore.domain.social_login.flows import SocialSignInFailed
from aixplore.domain.social_login.models import (
    ProviderIdentity,
    SocialIdentity,
    SocialPendingLink,
    SocialProvider,
)

log = logging.getLogger("aixplore.security")

EXPIRED_LINK = "This link request expired or was already used. Start again from the sign-in page."


@dataclass(frozen=True)
class Outcome:
    """A session opened (its raw token) or a link waiting for the password (its secret)."""

    token: str | None = None
    link_secret: str | None = None


def find_identity(
    session: Session, provider: SocialProvider, subject: str
) -> SocialIdentity | None:
    """The link of a provider identity, if someone made one."""
    return session.exec(
        select(SocialIdentity).where(
            SocialIdentity.provider == provider.value, SocialIdentity.subject == subject
        )
    ).first()


def _check_identity(identity: ProviderIdentity) -> str:
    subject = identity.subject
    if not isinstance(subject, str) or not 1 <= len(subject) <= 255:
        raise SocialSignInFailed("refused", identity.provider)
    return subject


def _verified_email(identity: ProviderIdentity) -> str:
    email = identity.email
    if not isinstance(email, str) or "@" not in email or len(email) > 254:
        raise SocialSignInFailed("no_email", identity.provider)
    if not identity.email_verified:
        security_event("social_unverified_email", provider=identity.provider.value)
        raise SocialSignInFailed("unverified", identity.provider)
    return normalize_email(email)


def refuse_if_sso_required(
    session: Session, provider: SocialProvider, email: str, user_id: int | None
) -> None:
    """Refuse where an organization enforces single sign-on (its owner excepted)."""
    if sso_required_for(session, email, user_id) is not None:
        security_event("social_refused_sso", provider=provider.value, user_id=user_id)
        raise SocialSignInFailed("sso_required", provider)


def _usable(session: Session, provider: SocialProvider, user: User | None) -> User:
    if user is None or user.id is None:
        raise SocialSignInFailed("refused", provider)
    refuse_if_sso_required(session, provider, user.email, user.id)
    if is_suspended(user):
        raise SocialSignInFailed("suspended", provider)
    return user


def open_social_session(
    session: Session, user: User, provider: SocialProvider, *, ip: str, user_agent: str
) -> str:
    """Open a session that remembers the provider behind it; audited."""
    assert user.id is not None
    log.info("social_sign_in", extra={"security_event": "social_sign_in", "user_id": user.id})
    audit(
        session,
        user.id,
        "auth.social_sign_in",
        f"user:{user.id}",
        ip=ip,
        user_agent=user_agent,
        detail={"provider": provider.value},
    )
    return open_session(session, user, ip=ip, user_agent=user_agent, provider=provider.value)


def sign_in_identity(
    session: Session,
    identity: ProviderIdentity,
    *,
    return_to: str = "/",
    ip: str = "",
    user_agent: str = "",
) -> Outcome:
    """Sign in (or sign up) with a provider identity, or start a link for its owner."""
    provider, subject = identity.provider, _check_identity(identity)
    linked = find_identity(session, provider, subject)
    if linked is not None:
        user = _usable(session, provider, session.get(User, linked.user_id))
        linked.last_used_at = utcnow()
        if isinstance(identity.email, str) and identity.email_verified:
            linked.email = normalize_email(identity.email)[:254]
        session.add(linked)
        return Outcome(
            token=open_social_session(session, user, provider, ip=ip, user_agent=user_agent)
        )
    email = _verified_email(identity)
    existing = get_user_by_email(session, email)
    if existing is not None:
        user = _usable(session, provider, existing)
        if user.password_hash is None:
            raise SocialSignInFailed("no_password", provider)
        return Outcome(link_secret=_start_pending(session, user, identity, subject, return_to))
    refuse_if_sso_required(session, provider, email, None)
    name = " ".join(identity.name.split())[:80] if identity.name else ""
    user = User(
        email=email,
        display_name=name or email.split("@")[0][:80],
        password_hash=None,
        email_verified_at=utcnow(),  # only a verified address gets this far
    )
    session.add(user)
    session.flush()
    assert user.id is not None
    session.add(
        SocialIdentity(user_id=user.id, provider=provider.value, subject=subject, email=email)
    )
    audit(
        session,
        user.id,
        "auth.social_signed_up",
        f"user:{user.id}",
        ip=ip,
        user_agent=user_agent,
        detail={"provider": provider.value, "subject": subject},
    )
    return Outcome(token=open_social_session(session, user, provider, ip=ip, user_agent=user_agent))


def _start_pending(
    session: Session, user: User, identity: ProviderIdentity, subject: str, return_to: str
) -> str:
    assert user.id is not None
    now = utcnow()
    session.execute(delete(SocialPendingLink).where(col(SocialPendingLink.expires_at) < now))
    raw = new_token()
    session.add(
        SocialPendingLink(
            token_hash=token_digest(raw),
            user_id=user.id,
            provider=identity.provider.value,
            subject=subject,
            email=user.email,
            return_to=safe_return_to(return_to),
            expires_at=now + timedelta(minutes=get_settings().sso_login_minutes),
        )
    )
    log.info("social_link_pending", extra={"security_event": "social_link_pending"})
    return raw


def get_pending(session: Session, raw: Any) -> SocialPendingLink | None:
    """A pending link that is neither used nor expired."""
    if not isinstance(raw, str) or not 16 <= len(raw) <= 128:
        return None
    return session.exec(
        select(SocialPendingLink).where(
            SocialPendingLink.token_hash == token_digest(raw),
            col(SocialPendingLink.used_at).is_(None),
            col(SocialPendingLink.expires_at) > utcnow(),
        )
    ).first()


def save_identity(
    session: Session,
    user: User,
    provider: SocialProvider,
    subject: str,
    email: str,
    *,
    ip: str,
    user_agent: str,
    how: str,
) -> SocialIdentity:
    """Link a provider identity to ``user`` (audited, mailed); refuse one linked elsewhere."""
    assert user.id is not None
    linked = find_identity(session, provider, subject)
    if linked is not None and linked.user_id != user.id:
        security_event("social_link_taken", provider=provider.value, user_id=user.id)
        raise SocialSignInFailed("taken", provider)
    mine = session.exec(
        select(SocialIdentity).where(
            SocialIdentity.user_id == user.id, SocialIdentity.provider == provider.value
        )
    ).first()
    if mine is not None and mine.subject != subject:
        raise SocialSignInFailed("other_linked", provider)
    row = mine or SocialIdentity(user_id=user.id, provider=provider.value, subject=subject)
    row.email, row.last_used_at = email[:254], utcnow()
    session.add(row)
    session.flush()
    if mine is None:
        audit(
            session,
            user.id,
            "auth.social_linked",
            f"user:{user.id}",
            ip=ip,
            user_agent=user_agent,
            detail={"provider": provider.value, "subject": subject, "how": how},
        )
        base = get_settings().base_url.rstrip("/")
        do_queue_mail(
            session,
            to=user.email,
            subject=f"{provider.label} can now sign you in to AiXplore",
            body=(
                f"Hello {user.display_name},\n\nYour {provider.label} account ({email or subject}) "
                f"was linked to your AiXplore account from {ip or 'an unknown address'}, and "
                f"can now sign you in.\n\nIf this was not you, remove it under Sign-in methods "
                f"and change your password at {base}/settings/sign-in.\n"
            ),
            kind="social_identity_linked",
            user_id=user.id,
        )
    return row


def do_confirm_pending(
    session: Session, secret: Any, password: Any, *, ip: str = "", user_agent: str = ""
) -> tuple[str, str]:
    """Link the waiting identity once the account's password is confirmed; sign in.

    Returns the raw session token and where to go.
    """
    pending = get_pending(session, secret)
    if pending is None:
        raise ValidationFailed(EXPIRED_LINK)
    provider = SocialProvider(pending.provider)
    user = session.get(User, pending.user_id)
    if user is None or user.email != pending.email:
        raise ValidationFailed(EXPIRED_LINK)
    check_password_of(session, user, password, ip=ip, user_agent=user_agent)
    try:
        user = _usable(session, provider, user)
    except SocialSignInFailed as exc:
        raise PermissionDenied(exc.message) from exc
    used = session.execute(
        update(SocialPendingLink)
        .where(
            col(SocialPendingLink.id) == pending.id,
            col(SocialPendingLink.used_at).is_(None),
            col(SocialPendingLink.expires_at) > utcnow(),
        )
        .values(used_at=utcnow())
    )
    if getattr(used, "rowcount", 0) != 1:
        raise ValidationFailed(EXPIRED_LINK)
    try:
        save_identity(
            session,
            user,
            provider,
            pending.subject,
            pending.email,
            ip=ip,
            user_agent=user_agent,
            how="confirmed_with_password",
        )
    except SocialSignInFailed as exc:
        raise ValidationFailed(exc.message) from exc
    if user.email_verified_at is None:  # the provider verified this very address
        user.email_verified_at = utcnow()
        session.add(user)
    token = open_social_session(session, user, provider, ip=ip, user_agent=user_agent)
    return token, pending.return_to
