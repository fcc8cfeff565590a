""" "Sign-in methods" in settings: the password and the providers linked to the account.

Linking from here needs the account's password (when it has one) at the moment the link is
started, so a session left open on someone else's screen cannot add a way in. Unlinking
keeps at least one way to sign in: the last one is refused with a message that says what to
do instead. Unlinking a provider ends the sessions it opened.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from aixplore.core.errors import Conflict, ValidationFailed
from aixplore.core.settings import get_settings
from aixplore.domain.accounts.models import Actor, User
from aixplore.domain.accounts.reauth import check_password_of
from aixplore.domain.accounts.sessions import end_sessions_opened_by
from aixplore.domain.accounts.users import get_user, require_actor
from aixplore.domain.audit_log.services import record as audit
from aixplore.domain.social_login.flows import (
    SocialSignInFailed,
    UsedLogin,
    parse_provider,
    start_link_state,
)
from aixplore.domain.social_login.models import (
    ProviderIdentity,
    SignInMethod,
    SocialIdentity,
    SocialProvider,
)
from aixplore.domain.social_login.sign_in import refuse_if_sso_required, save_identity

LAST_METHOD = (
    "This is your only way to sign in, so it cannot be removed. Link another provider or set "
    "a password first (sign out and use 'Forgot password?' on the sign-in page)."
)


def _identities(session: Session, user_id: int) -> list[SocialIdentity]:
    return list(
        session.exec(
            select(SocialIdentity)
            .where(SocialIdentity.user_id == user_id)
            .order_by(col(SocialIdentity.provider))
        ).all()
    )


def list_methods(session: Session, actor: Actor | None) -> list[SignInMethod]:
    """The password and every provider: linked (as which address) or offered to link."""
    actor = require_actor(actor)
    user = get_user(session, actor.user_id)
    linked = {row.provider: row for row in _identities(session, actor.user_id)}
    offered = get_settings().social_providers
    methods = [
        SignInMethod(
            key="password",
            label="Password",
            linked=user.password_hash is not None,
            detail="Set"
            if user.password_hash is not None
            else "Not set: choose one with 'Forgot password?' on the sign-in page",
            offered=True,
        )
    ]
    for provider in SocialProvider:
        row = linked.get(provider.value)
        if row is None and provider.value not in offered:
            continue
        methods.append(
            SignInMethod(
                key=provider.value,
                label=provider.label,
                linked=row is not None,
                detail=(row.email or row.subject) if row is not None else "Not linked",
                offered=provider.value in offered,
            )
        )
    return methods


def do_start_link(
    session: Session,
    actor: Actor | None,
    provider: Any,
    password: Any,
    *,
    ip: str = "",
    user_agent: str = "",
) -> str:
    """Start linking a provider to the actor's account; returns the state for the start route.

    An account with a password proves it here (throttled like the sign-in form).
    """
    actor = require_actor(actor)
    found = parse_provider(provider)
    if found is None or found.value not in get_settings().social_providers:
        raise ValidationFailed("That sign-in provider is not offered here.")
    user = get_user(session, actor.user_id)
    if user.password_hash is not None:
        check_password_of(session, user, password, ip=ip, user_agent=user_agent)
    try:
        refuse_if_sso_required(session, found, user.email, user.id)
    except SocialSignInFailed as exc:
        raise Conflict(exc.message) from exc
    return start_link_state(session, found, actor.user_id)


def do_link_identity(
    session: Session,
    actor: Actor | None,
    login: UsedLogin,
    identity: ProviderIdentity,
    *,
    ip: str = "",
    user_agent: str = "",
) -> None:
    """Finish a link started from settings: only for the account that started it."""
    if actor is None or login.user_id is None or actor.user_id != login.user_id:
        raise SocialSignInFailed("elsewhere", identity.provider)
    user = session.get(User, actor.user_id)
    if user is None or user.suspended_at is not None:
        raise SocialSignInFailed("suspended", identity.provider)
    subject = identity.subject
    if not isinstance(subject, str) or not 1 <= len(subject) <= 255:
        raise SocialSignInFailed("refused", identity.provider)
    email = identity.email if isinstance(identity.email, str) else ""
    save_identity(
        session,
        user,
        identity.provider,
        subject,
        email[:254],
        ip=ip,
        user_agent=user_agent,
        how="settings",
    )


def do_unlink(
    session: Session, actor: Actor | None, provider: Any, *, ip: str = "", user_agent: str = ""
) -> None:
    """Remove a linked provider while another way to sign in remains; its sessions end."""
    actor = require_actor(actor)
    found = parse_provider(provider)
    if found is None:
        raise ValidationFailed("Unknown sign-in provider.")
    user = get_user(session, actor.user_id)
    rows = _identities(session, actor.user_id)
    row = next((r for r in rows if r.provider == found.value), None)
    if row is None:
        raise ValidationFailed(f"{found.label} is not linked to your account.")
    if user.password_hash is None and len(rows) == 1:
        raise Conflict(LAST_METHOD)
    session.delete(row)
    end_sessions_opened_by(session, actor.user_id, provider=found.value)
    audit(
        session,
        actor.user_id,
        "auth.social_unlinked",
        f"user:{actor.user_id}",
        ip=ip,
        user_agent=user_agent,
        detail={"provider": found.value, "subject": row.subject},
    )
