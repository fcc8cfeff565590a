"""Connect GitHub by signing in with the OAuth app: single-use login states, bound to a user
and a browser, and the outcome messages the wizard shows.

A sign-in goes: the wizard calls ``do_start_github_login`` (a state for the signed-in user and
their draft) -> the browser opens ``/api/github/oauth/start``, where ``do_bind_browser`` ties
the state to a random cookie and answers GitHub's authorize URL -> GitHub redirects back to
the callback, where ``consume_login_state`` uses the state up (conditional delete: of two
callbacks with one state exactly one gets it), then the code is exchanged and the token is
verified through the MCP server and stored with ``do_save_github_connection``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from aixplore.core import crypto
from aixplore.core.errors import DomainError, ValidationFailed
from aixplore.core.security import new_token, token_digest
from aixplore.core.settings import get_settings
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import Actor
from aixplore.domain.accounts.services import require_actor
from aixplore.domain.orders.models import GithubLoginState
from aixplore.domain.orders.services import get_order

LOGIN_TTL = timedelta(minutes=10)
MAX_OPEN_PER_USER = 5
VERIFIER_CONTEXT = "github_login_state.verifier"

# The outcome of a sign-in, by the code the callback puts in the wizard's URL (fixed texts:
# nothing GitHub or the URL says is shown back).
OUTCOMES: dict[str, str] = {
    "cancelled": "GitHub sign-in was cancelled.",
    "expired": "GitHub sign-in expired, try again.",
    "elsewhere": "This GitHub sign-in was started in another browser or account; try again.",
    "refused": "GitHub refused the sign-in; try again.",
    "unavailable": "GitHub could not be reached; try again in a moment.",
    "invalid": "The answer from GitHub could not be read; try again.",
    "off": "Signing in with GitHub is not set up here; paste a token instead.",
    "signed_out": "Sign in to AiXplore first, then connect GitHub.",
}


class GitHubSignInFailed(DomainError):
    """A sign-in that cannot go on; ``reason`` is a key of ``OUTCOMES``."""

    code = "github_sign_in"

    def __init__(self, reason: str) -> None:
        super().__init__(OUTCOMES[reason])
        self.reason = reason


@dataclass(frozen=True)
class GithubLogin:
    """A used-up login state: whose it was, their draft, and the PKCE verifier."""

    user_id: int
    order_id: int | None
    verifier: str


def purge_expired_states(session: Session) -> int:
    """Delete every expired login state; returns how many."""
    result = session.execute(
        delete(GithubLoginState).where(col(GithubLoginState.expires_at) <= utcnow())
    )
    return int(getattr(result, "rowcount", 0) or 0)


def do_start_github_login(session: Session, actor: Actor | None, order_id: Any = None) -> str:
    """Remember a new sign-in for the actor (and their draft ``order_id``); returns the state.

    Expired states are swept here too; a user keeps at most ``MAX_OPEN_PER_USER`` open ones.
    """
    actor = require_actor(actor)
    if not get_settings().github_oauth_enabled:
        raise ValidationFailed(OUTCOMES["off"])
    draft_id = get_order(session, actor, order_id).id if order_id else None
    purge_expired_states(session)
    open_ids = session.exec(
        select(GithubLoginState.id)
        .where(GithubLoginState.user_id == actor.user_id)
        .order_by(col(GithubLoginState.id).desc())
    ).all()
    stale = list(open_ids[MAX_OPEN_PER_USER - 1 :])
    if stale:
        session.execute(delete(GithubLoginState).where(col(GithubLoginState.id).in_(stale)))
    state, now = new_token(32), utcnow()
    session.add(
        GithubLoginState(
            user_id=actor.user_id,
            order_id=draft_id,
            state_hash=token_digest(state),
            verifier_enc=crypto.encrypt(new_token(48), context=VERIFIER_CONTEXT),
            created_at=now,
            expires_at=now + LOGIN_TTL,
        )
    )
    session.flush()
    return state


def _valid_token(value: Any) -> bool:
    return isinstance(value, str) and 20 <= len(value) <= 200


def do_bind_browser(session: Session, actor: Actor | None, state: Any) -> tuple[str, str]:
    """Tie an unbound state of the actor to a new browser secret (set as a cookie).

    Returns the browser secret and the PKCE verifier; a state binds once, so a leaked start
    link cannot be replayed from another browser.
    """
    if actor is None:
        raise GitHubSignInFailed("signed_out")
    if not _valid_token(state):
        raise GitHubSignInFailed("invalid")
    secret = new_token(32)
    result = session.execute(
        update(GithubLoginState)
        .where(
            col(GithubLoginState.state_hash) == token_digest(state),
            col(GithubLoginState.user_id) == actor.user_id,
            col(GithubLoginState.browser_hash) == "",
            col(GithubLoginState.expires_at) > utcnow(),
        )
        .values(browser_hash=token_digest(secret))
    )
    if getattr(result, "rowcount", 0) != 1:
        raise GitHubSignInFailed("expired")
    row = session.exec(
        select(GithubLoginState).where(GithubLoginState.state_hash == token_digest(state))
    ).one()
    return secret, crypto.decrypt(row.verifier_enc, context=VERIFIER_CONTEXT)


def consume_login_state(
    session: Session, actor: Actor | None, state: Any, browser_secret: Any
) -> GithubLogin:
    """Use a state up: it must be the actor's, bound to this browser and not expired.

    Commit before exchanging the code, so a failed exchange cannot be retried with the state.
    A state of another user or browser is left alone (its owner may still finish).
    """
    if actor is None:
        raise GitHubSignInFailed("signed_out")
    if not _valid_token(state):
        raise GitHubSignInFailed("invalid")
    digest = token_digest(state)
    row = session.exec(
        select(GithubLoginState).where(GithubLoginState.state_hash == digest)
    ).first()
    if row is None or row.expires_at <= utcnow():
        raise GitHubSignInFailed("expired")
    if (
        row.user_id != actor.user_id
        or not _valid_token(browser_secret)
        or row.browser_hash != token_digest(browser_secret)
    ):
        raise GitHubSignInFailed("elsewhere")
    login = GithubLogin(
        user_id=row.user_id,
        order_id=row.order_id,
        verifier=crypto.decrypt(row.verifier_enc, context=VERIFIER_CONTEXT),
    )
    result = session.execute(
        delete(GithubLoginState).where(
            col(GithubLoginState.id) == row.id,
            col(GithubLoginState.browser_hash) == row.browser_hash,
            col(GithubLoginState.expires_at) > utcnow(),
        )
    )
    if getattr(result, "rowcount", 0) != 1:
        raise GitHubSignInFailed("expired")  # another callback used it a moment ago
    return login
