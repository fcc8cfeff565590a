"""Round trips to a sign-in provider: single-use states bound to one browser, and the fixed
messages a failed one ends with.

A sign-in from the sign-in or sign-up page: ``/api/auth/<provider>/start`` calls
:func:`do_start_sign_in` (a state, a nonce, a PKCE verifier, all bound at once to a random
browser secret set as an HttpOnly cookie). Linking from "Sign-in methods": the page's
handler calls ``methods.do_start_link`` (the owner's password checked; a state for that
account only), and the start route binds it to the browser with :func:`do_bind_browser`.
The callback uses the state up with :func:`consume` (a conditional delete: of two callbacks
with one state exactly one gets it) before anything is asked of the provider.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from aixplore.core import crypto
from aixplore.core.errors import DomainError
from aixplore.core.security import new_token, token_digest
from aixplore.core.settings import get_settings
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import Actor
from aixplore.domain.audit_log.services import record as audit
from aixplore.domain.orgs.sso_guards import safe_return_to
from aixplore.domain.social_login.models import SocialLogin, SocialProvider, SocialPurpose

VERIFIER_CONTEXT = "social_login.verifier"
MAX_OPEN_LINKS_PER_USER = 5

# Why a round trip failed, by the code the callback puts in the page's URL. Fixed texts
# ("{provider}" is the provider's name): nothing a provider or the URL says is shown back.
OUTCOMES: dict[str, str] = {
    "cancelled": "Signing in with {provider} was cancelled.",
    "expired": "Signing in with {provider} expired or was already finished; try again.",
    "elsewhere": "This {provider} sign-in was started in another browser or account; try again.",
    "refused": "{provider} did not confirm who you are (the answer failed our checks); try again.",
    "unavailable": "{provider} could not be reached; try again in a moment.",
    "off": "Signing in with {provider} is not set up here.",
    "unverified": (
        "{provider} has not verified the email address of that account, so it cannot sign "
        "you in here. Verify it at {provider}, or sign up with a password."
    ),
    "no_email": "{provider} did not tell us an email address, so it cannot sign you in here.",
    "sso_required": (
        "Your organization requires single sign-on for this account: use 'Sign in with "
        "single sign-on' instead of {provider}."
    ),
    "suspended": "This account is suspended. Contact support if you think this is a mistake.",
    "taken": "That {provider} account is already linked to another AiXplore account.",
    "other_linked": (
        "Another {provider} account is linked to this AiXplore account; remove it under "
        "Sign-in methods first."
    ),
    "no_password": (
        "An AiXplore account already uses this email address. Sign in the way you set it up, "
        "then link {provider} under Settings, Sign-in methods."
    ),
    "signed_out": "Sign in to AiXplore first, then link {provider}.",
}


class SocialSignInFailed(DomainError):
    """A round trip that cannot go on; ``reason`` is a key of :data:`OUTCOMES`."""

    code = "social_sign_in"

    def __init__(self, reason: str, provider: SocialProvider) -> None:
        super().__init__(OUTCOMES[reason].format(provider=provider.label))
        self.reason = reason
        self.provider = provider


# Refusals worth an audit entry: someone got past the provider and was still turned away.
AUDITED_REFUSALS = {
    "elsewhere",
    "refused",
    "unverified",
    "sso_required",
    "suspended",
    "taken",
    "other_linked",
}


def record_refusal(
    session: Session, failure: SocialSignInFailed, *, ip: str = "", user_agent: str = ""
) -> None:
    """Append a refused round trip to the audit log (its own unit of work: the caller's rolled
    back); nothing for a cancel or an expired state."""
    if failure.reason in AUDITED_REFUSALS:
        audit(
            session,
            None,
            "auth.social_refused",
            f"provider:{failure.provider.value}",
            ip=ip,
            user_agent=user_agent,
            detail={"provider": failure.provider.value, "reason": failure.reason},
        )


def outcome_message(reason: Any, provider: Any) -> str:
    """The message for a failure code from a URL ("" for an unknown code or provider)."""
    found = parse_provider(provider)
    if found is None or not isinstance(reason, str) or reason not in OUTCOMES:
        return ""
    return OUTCOMES[reason].format(provider=found.label)


def parse_provider(value: Any) -> SocialProvider | None:
    """A provider name from outside (a URL, a handler argument), or None."""
    if not isinstance(value, str):
        return None
    try:
        return SocialProvider(value)
    except ValueError:
        return None


def require_offered(value: Any) -> SocialProvider:
    """A provider that is configured here (anything else: ``off``)."""
    provider = parse_provider(value)
    if provider is None:
        raise SocialSignInFailed("off", SocialProvider.GOOGLE)
    if provider.value not in get_settings().social_providers:
        raise SocialSignInFailed("off", provider)
    return provider


@dataclass(frozen=True)
class StartedLogin:
    """What the start route needs: the state, nonce and verifier, and the browser secret."""

    state: str
    nonce: str
    verifier: str
    browser_secret: str


@dataclass(frozen=True)
class UsedLogin:
    """A used-up state: what it was for, whose it was, its nonce and PKCE verifier."""

    provider: SocialProvider
    purpose: SocialPurpose
    user_id: int | None
    nonce: str
    verifier: str
    return_to: str


def _ttl() -> timedelta:
    return timedelta(minutes=get_settings().sso_login_minutes)


def purge_expired(session: Session) -> None:
    """Delete expired round trips."""
    session.execute(delete(SocialLogin).where(col(SocialLogin.expires_at) <= utcnow()))


def _new_row(
    provider: SocialProvider, purpose: SocialPurpose, user_id: int | None, return_to: str
) -> tuple[SocialLogin, str, str, str]:
    state, nonce, verifier = new_token(32), new_token(24), new_token(48)
    now = utcnow()
    row = SocialLogin(
        state_hash=token_digest(state),
        provider=provider.value,
        purpose=purpose.value,
        user_id=user_id,
        nonce=nonce,
        verifier_enc=crypto.encrypt(verifier, context=VERIFIER_CONTEXT),
        return_to=safe_return_to(return_to),
        created_at=now,
        expires_at=now + _ttl(),
    )
    return row, state, nonce, verifier


def do_start_sign_in(session: Session, provider: Any, return_to: Any = "/") -> StartedLogin:
    """Begin a sign-in (nobody signed in needed): a state bound to a new browser secret."""
    found = require_offered(provider)
    purge_expired(session)
    row, state, nonce, verifier = _new_row(found, SocialPurpose.SIGN_IN, None, str(return_to))
    secret = new_token(32)
    row.browser_hash = token_digest(secret)
    session.add(row)
    session.flush()
    return StartedLogin(state, nonce, verifier, secret)


def start_link_state(session: Session, provider: SocialProvider, user_id: int) -> str:
    """A state for linking ``provider`` to the account ``user_id`` (bound at the start route).

    A user keeps at most a few open ones.
    """
    purge_expired(session)
    open_ids = session.exec(
        select(SocialLogin.id)
        .where(SocialLogin.user_id == user_id)
        .order_by(col(SocialLogin.id).desc())
    ).all()
    stale = list(open_ids[MAX_OPEN_LINKS_PER_USER - 1 :])
    if stale:
        session.execute(delete(SocialLogin).where(col(SocialLogin.id).in_(stale)))
    row, state, _nonce, _verifier = _new_row(
        provider, SocialPurpose.LINK, user_id, "/settings/sign-in"
    )
    session.add(row)
    session.flush()
    return state


def _valid_token(value: Any) -> bool:
    return isinstance(value, str) and 20 <= len(value) <= 200


def do_bind_browser(
    session: Session, actor: Actor | None, provider: SocialProvider, state: Any
) -> StartedLogin:
    """Tie the actor's unbound link state to a new browser secret (once)."""
    if actor is None:
        raise SocialSignInFailed("signed_out", provider)
    if not _valid_token(state):
        raise SocialSignInFailed("expired", provider)
    secret = new_token(32)
    result = session.execute(
        update(SocialLogin)
        .where(
            col(SocialLogin.state_hash) == token_digest(state),
            col(SocialLogin.provider) == provider.value,
            col(SocialLogin.user_id) == actor.user_id,
            col(SocialLogin.browser_hash) == "",
            col(SocialLogin.expires_at) > utcnow(),
        )
        .values(browser_hash=token_digest(secret))
    )
    if getattr(result, "rowcount", 0) != 1:
        raise SocialSignInFailed("expired", provider)
    row = session.exec(
        select(SocialLogin).where(SocialLogin.state_hash == token_digest(state))
    ).one()
    verifier = crypto.decrypt(row.verifier_enc, context=VERIFIER_CONTEXT)
    return StartedLogin(state, row.nonce, verifier, secret)


def consume(
    session: Session, provider: SocialProvider, state: Any, browser_secret: Any
) -> UsedLogin:
    """Use a state up: it must be this provider's, bound to this browser and not expired.

    Commit before talking to the provider, so a failed exchange cannot be retried with the
    state. A state bound to another browser is left alone (its owner may still finish).
    """
    if not _valid_token(state):
        raise SocialSignInFailed("expired", provider)
    row = session.exec(
        select(SocialLogin).where(SocialLogin.state_hash == token_digest(state))
    ).first()
    if row is None or row.expires_at <= utcnow() or row.provider != provider.value:
        raise SocialSignInFailed("expired", provider)
    if not _valid_token(browser_secret) or row.browser_hash != token_digest(browser_secret):
        raise SocialSignInFailed("elsewhere", provider)
    used = UsedLogin(
        provider=provider,
        purpose=SocialPurpose(row.purpose),
        user_id=row.user_id,
        nonce=row.nonce,
        verifier=crypto.decrypt(row.verifier_enc, context=VERIFIER_CONTEXT),
        return_to=row.return_to,
    )
    result = session.execute(
        delete(SocialLogin).where(
            col(SocialLogin.id) == row.id,
            col(SocialLogin.browser_hash) == row.browser_hash,
            col(SocialLogin.expires_at) > utcnow(),
        )
    )
    if getattr(result, "rowcount", 0) != 1:
        raise SocialSignInFailed("expired", provider)  # another callback used it a moment ago
    return used
