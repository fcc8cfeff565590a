"""The member's GitHub connection: their token kept encrypted, and the login it belongs to."""

from __future__ import annotations

import logging

from sqlmodel import Session, select

from aixplore.core.crypto import DecryptionError, decrypt, encrypt
from aixplore.core.errors import ValidationFailed
from aixplore.domain.accounts.models import Actor
from aixplore.domain.accounts.services import require_actor
from aixplore.domain.audit.services import record as audit
from aixplore.domain.orders.models import GithubConnection

log = logging.getLogger(__name__)


def token_context(user_id: int) -> str:
    return f"github_connection.token:{user_id}"


def do_save_github_connection(
    session: Session,
    actor: Actor | None,
    login: str,
    token: str,
    *,
    method: str = "token",
    ip: str = "",
) -> None:
    """Store the actor's GitHub token encrypted (``login`` verified by the caller via MCP).

    ``method`` says how it was obtained ("token": pasted; "oauth": the OAuth app sign-in).
    """
    actor = require_actor(actor)
    if not isinstance(token, str) or not 1 <= len(token) <= 500:
        raise ValidationFailed("Paste a GitHub token.", field="token")
    row = session.exec(
        select(GithubConnection).where(GithubConnection.user_id == actor.user_id)
    ).first()
    row = row or GithubConnection(user_id=actor.user_id, login=login, token_encrypted="")
    row.login = login[:100]
    row.token_encrypted = encrypt(token, context=token_context(actor.user_id))
    session.add(row)
    session.flush()
    audit(
        session,
        actor.user_id,
        "github.connected",
        f"github:{row.login}",
        ip=ip,
        detail={"method": method},
    )


def github_login(session: Session, actor: Actor | None) -> str:
    """The GitHub login the actor connected ("" when none)."""
    actor = require_actor(actor)
    row = session.exec(
        select(GithubConnection).where(GithubConnection.user_id == actor.user_id)
    ).first()
    return row.login if row else ""


def github_token_for(session: Session, user_id: int) -> str | None:
    """The decrypted token of ``user_id`` (server-side callers only)."""
    row = session.exec(select(GithubConnection).where(GithubConnection.user_id == user_id)).first()
    if row is None:
        return None
    try:
        return decrypt(row.token_encrypted, context=token_context(user_id))
    except DecryptionError:
        # Stored under a key this deployment no longer has: the user connects GitHub again.
        log.warning("github token of user %s cannot be decrypted; asking to reconnect", user_id)
        return None
