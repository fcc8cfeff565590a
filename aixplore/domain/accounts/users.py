"""Finding accounts, and the acting user: refusing anyone not signed in, or not a platform admin.

Refusals are logged as security events (counted in ``aixplore_security_events_total``).
"""

from __future__ import annotations

import logging
from typing import Any

from sqlmodel import Session, select

from aixplore.core.errors import NotAuthenticated, NotFound, PermissionDenied
from aixplore.core.metrics import SECURITY_EVENTS
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import Actor, User

log = logging.getLogger("aixplore.security")


def normalize_email(email: str) -> str:
    """An address as accounts store it: trimmed and lower-case."""
    return email.strip().lower()


def security_event(event: str, **fields: Any) -> None:
    """Count and log a security-relevant event."""
    SECURITY_EVENTS.labels(event).inc()
    log.warning(event, extra={"security_event": event, **fields})


def get_user(session: Session, user_id: int) -> User:
    """Return a user or raise NotFound."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    return user


def get_user_by_email(session: Session, email: str) -> User | None:
    """Return the user with ``email`` (case-insensitive), if any."""
    return session.exec(select(User).where(User.email == normalize_email(email))).first()


def require_actor(actor: Actor | None) -> Actor:
    """Return ``actor`` or refuse when nobody is signed in."""
    if actor is None:
        raise NotAuthenticated("Sign in to continue.")
    return actor


def require_platform_admin(actor: Actor | None, action: str) -> Actor:
    """Refuse (and log) anyone but a platform admin."""
    actor = require_actor(actor)
    if not actor.is_platform_admin:
        security_event("admin_action_refused", user_id=actor.user_id, action=action)
        raise PermissionDenied("Only platform admins can do that.")
    return actor


def suspension_message(user: User) -> str:
    """What a suspended person reads when they try to sign in."""
    if user.suspended_until is None:
        return "This account is suspended. Contact support if you think this is a mistake."
    return (
        "This account is suspended until "
        f"{user.suspended_until.strftime('%d %b %Y, %H:%M UTC')} by the moderators. "
        "You can sign in again then and appeal the decision from its notification."
    )


def is_suspended(user: User) -> bool:
    """Whether ``user`` is suspended now; a moderator's suspension that ran out is lifted."""
    if user.suspended_at is None:
        return False
    if user.suspended_until is not None and user.suspended_until <= utcnow():
        user.suspended_at = user.suspended_until = None
        return False
    return True
