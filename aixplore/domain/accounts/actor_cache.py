"""Who is behind a session token, remembered for a few seconds and shared by every worker.

Every protected event re-checks the signed-in session; doing that in the database on every
event cost more than the rest of most handlers. The answer is cached under the token's keyed
digest (in Redis when configured, so all workers see the same entry; in-process otherwise)
for :data:`TTL` seconds, and **buried** whenever it may have changed:

- a session is ended (sign-out, "revoke", suspension, password change or reset);
- anything on the user row changes (role, suspension, name, email, password).

Burying happens after the change commits: it overwrites the entry with a tombstone that
outlives any reader still holding the old row, and readers only ever *add* entries (never
overwrite), so a reader that looked at the database just before the commit cannot put the old
answer back. The after-commit step re-reads the user's sessions in a fresh transaction, so a
session opened concurrently is buried too. If Redis cannot be reached, readers go to the
database and a failed burial is logged; an entry then lives at most :data:`TTL` seconds.

Each process also keeps the entries it read in memory until Redis announces a change to them
(:mod:`aixplore.core.near_cache`): a burial made by another worker takes effect in this one as
soon as its announcement arrives, and a burial made here at once.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timedelta
from typing import Any

import redis
from sqlalchemy import event
from sqlmodel import Session, col, or_, select, update

from aixplore.core import cache
from aixplore.core.db import read_scope, session_scope
from aixplore.core.events import publish_after_commit, subscribe
from aixplore.core.security import token_digest
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import Actor, PlatformRole, User, UserSession

log = logging.getLogger(__name__)

TTL = 30.0
LAST_SEEN_RESOLUTION = timedelta(minutes=1)
TOMBSTONE_TTL = 2 * TTL
_TOPIC = "accounts.actor_cache.bury"
_PENDING = "aixplore_actor_cache_pending"

# Last-seen writes already made by this process: {session id: monotonic time}. Only a write
# limiter (a second worker may touch once more); never consulted for identity.
_touched: dict[int, float] = {}
_touched_lock = threading.Lock()


def _key(digest: str) -> str:
    return f"actor:{digest}"


def _well_formed(raw_token: Any) -> bool:
    return isinstance(raw_token, str) and 16 <= len(raw_token) <= 128


def cache_keys(raw_token: Any) -> list[str]:
    """The cache entries :func:`authenticate` reads for ``raw_token`` (to prefetch them)."""
    return [_key(token_digest(raw_token))] if _well_formed(raw_token) else []


def authenticate(raw_token: Any) -> Actor | None:
    """The actor behind ``raw_token``, or None (unknown, ended, expired or suspended).

    Served from the shared cache when a live entry exists, else from the database.
    """
    if not _well_formed(raw_token):
        return None
    digest = token_digest(raw_token)
    entry = cache.peek(_key(digest))
    if isinstance(entry, dict):
        actor, last_seen, expires = _decode(entry)
        now = utcnow()
        if expires > now:
            _touch_if_stale(actor, last_seen, now)
            return actor
        return None
    with read_scope() as db:
        found = load(db, digest)
    if found is None:
        return None
    actor, last_seen, expires = found
    if entry is None:  # a tombstone means "changed recently": do not cache yet
        cache.add(_key(digest), _encode(actor, last_seen, expires), _ttl(expires))
    _touch_if_stale(actor, last_seen, utcnow())
    return actor


def load(db: Session, digest: str) -> tuple[Actor, datetime, datetime] | None:
    row = db.exec(
        select(UserSession, User)
        .join(User, col(User.id) == UserSession.user_id)
        .where(UserSession.token_hash == digest)
    ).first()
    if row is None:
        return None
    user_session, user = row
    if (
        user_session.revoked_at is not None
        or user_session.expires_at <= utcnow()
        or user.suspended_at is not None
    ):
        return None
    assert user.id is not None
    actor = Actor(
        user_id=user.id,
        email=user.email,
        display_name=user.display_name,
        role=user.role,
        session_id=user_session.id,
        joined_at=user.created_at,
        sso_connection_id=user_session.sso_connection_id,
    )
    return actor, user_session.last_seen_at, user_session.expires_at


def _ttl(expires: datetime) -> float:
    left = (expires - utcnow()).total_seconds()
    return max(1.0, min(TTL, left))


def _encode(actor: Actor, last_seen: datetime, expires: datetime) -> dict[str, Any]:
    return {
        "u": actor.user_id,
        "e": actor.email,
        "n": actor.display_name,
        "r": actor.role.value,
        "s": actor.session_id,
        "j": actor.joined_at.isoformat() if actor.joined_at else None,
        "c": actor.sso_connection_id,
        "seen": last_seen.isoformat(),
        "exp": expires.isoformat(),
    }


def _decode(entry: dict[str, Any]) -> tuple[Actor, datetime, datetime]:
    actor = Actor(
        user_id=int(entry["u"]),
        email=str(entry["e"]),
        display_name=str(entry["n"]),
        role=PlatformRole(entry["r"]),
        session_id=entry["s"],
        joined_at=datetime.fromisoformat(entry["j"]) if entry.get("j") else None,
        sso_connection_id=entry.get("c"),
    )
    return actor, datetime.fromisoformat(entry["seen"]), datetime.fromisoformat(entry["exp"])


def _touch_if_stale(actor: Actor, last_seen: datetime, now: datetime) -> None:
    """Record use of the session, at most once per resolution period per process."""
    if actor.session_id is None or now - last_seen <= LAST_SEEN_RESOLUTION:
        return
    clock = time.monotonic()
    period = LAST_SEEN_RESOLUTION.total_seconds()
    with _touched_lock:
        if clock - _touched.get(actor.session_id, -period) < period:
            return
        _touched[actor.session_id] = clock
        if len(_touched) > 10_000:
            for sid in [s for s, t in _touched.items() if clock - t >= period]:
                del _touched[sid]
    with session_scope() as db:
        touch_session(db, actor.session_id)


def touch_session(db: Session, session_id: int) -> None:
    """Record that a session was just used (a bulk update: buries nothing)."""
    db.execute(
        update(UserSession).where(col(UserSession.id) == session_id).values(last_seen_at=utcnow())
    )


# ---- Burial: after a change commits, make every worker re-read the database ----


def forget_after_commit(
    db: Session, *, digests: list[str] | None = None, user_ids: list[int] | None = None
) -> None:
    """Bury these sessions' entries (and all of these users' sessions) once ``db`` commits."""
    pending = db.info.setdefault(_PENDING, {"digests": set(), "users": set()})
    first = not pending["digests"] and not pending["users"]
    pending["digests"].update(digests or ())
    pending["users"].update(user_ids or ())
    if first:
        publish_after_commit(db, _TOPIC, pending)


def _bury(pending: dict[str, set[Any]]) -> None:
    digests = set(pending["digests"])
    users = sorted(pending["users"])
    try:
        if users:
            recent = utcnow() - timedelta(seconds=TOMBSTONE_TTL)
            with read_scope() as db:
                digests.update(
                    db.exec(
                        select(UserSession.token_hash).where(
                            col(UserSession.user_id).in_(users),
                            or_(
                                col(UserSession.revoked_at).is_(None),
                                col(UserSession.revoked_at) > recent,
                            ),
                            col(UserSession.expires_at) > utcnow(),
                        )
                    ).all()
                )
        cache.bury([_key(d) for d in sorted(digests)], TOMBSTONE_TTL)
    except redis.RedisError:
        log.exception("could not bury cached sessions", extra={"users": users})


subscribe(_TOPIC, _bury)


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _reset(db: Session) -> None:
    db.info.pop(_PENDING, None)


@event.listens_for(Session, "before_flush")
def _watch_users(db: Session, _context: Any, _instances: Any) -> None:
    """Any change to a user row or a session row makes their cached entries stale."""
    users = [o.id for o in db.dirty if isinstance(o, User) and o.id is not None]
    users += [o.id for o in db.deleted if isinstance(o, User) and o.id is not None]
    sessions = [o.token_hash for o in db.dirty if isinstance(o, UserSession)]
    sessions += [o.token_hash for o in db.deleted if isinstance(o, UserSession)]
    if users or sessions:
        forget_after_commit(db, digests=sessions, user_ids=users)
