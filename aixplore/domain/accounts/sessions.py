"""Sessions and the actor behind them: resolving a session token, opening, listing and ending
sessions.

Request handlers resolve tokens through :func:`actor_cache.authenticate`, which shares recent
answers; ending a session also drops it from that cache once the unit of work commits.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from aixplore.core.errors import NotFound, ValidationFailed
from aixplore.core.security import new_token, token_digest
from aixplore.core.settings import get_settings
from aixplore.core.time import utcnow
from aixplore.domain.accounts import actor_cache
from aixplore.domain.accounts.models import Actor, SessionPublic, User, UserSession
from aixplore.domain.accounts.users import require_actor
from aixplore.domain.audit_log.services import record as audit

LAST_SEEN_RESOLUTION = actor_cache.LAST_SEEN_RESOLUTION


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


def open_session(
    session: Session,
    user: User,
    *,
    ip: str,
    user_agent: str,
    provider: str,
    sso_connection_id: int | None = None,
) -> str:
    """Open a session for ``user`` and return its raw token (only the digest is stored)."""
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


def revoke_all(session: Session, user_id: int, *, except_session_id: int | None = None) -> int:
    """End every active session of a user (but one, if given); return how many ended."""
    stmt = update(UserSession).where(
        col(UserSession.user_id) == user_id, col(UserSession.revoked_at).is_(None)
    )
    if except_session_id is not None:
        stmt = stmt.where(col(UserSession.id) != except_session_id)
    result = session.execute(stmt.values(revoked_at=utcnow()))
    actor_cache.forget_after_commit(session, user_ids=[user_id])
    return int(getattr(result, "rowcount", 0) or 0)


def end_sessions_opened_by(
    session: Session, user_id: int, *, provider: str = "", sso_connection_id: int | None = None
) -> None:
    """End a user's active sessions opened through one SSO connection or one provider (a way
    to sign in that was just removed)."""
    stmt = update(UserSession).where(
        col(UserSession.user_id) == user_id, col(UserSession.revoked_at).is_(None)
    )
    if sso_connection_id is not None:
        stmt = stmt.where(col(UserSession.sso_connection_id) == sso_connection_id)
    else:
        stmt = stmt.where(col(UserSession.provider) == provider)
    session.execute(stmt.values(revoked_at=utcnow()))
    actor_cache.forget_after_commit(session, user_ids=[user_id])


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
