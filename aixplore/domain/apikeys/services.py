"""Creating, listing, revoking and authenticating API keys.

A key is ``axp_<8 characters>_<secret>``. The first part is stored in clear (``prefix``) so
owners can tell their keys apart; the whole key is stored only as ``token_digest`` (a keyed
SHA-256). Every authenticated request reads the key's row from the database: revocation,
expiry and suspension apply to the very next request in every worker, with no cache to go
stale. ``last_used_at``/``last_used_ip`` are written at most once a minute per key (or when
the IP changes).
"""

from __future__ import annotations

import secrets
import string
from datetime import timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from aixplore.core.errors import NotAuthenticated, NotFound, PermissionDenied, ValidationFailed
from aixplore.core.security import token_digest
from aixplore.core.settings import get_settings
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import Actor, User
from aixplore.domain.accounts.services import parse_input, require_actor
from aixplore.domain.apikeys.models import (
    ALL_SCOPES,
    KEY_PREFIX,
    ApiKey,
    ApiKeyInput,
    ApiKeyPublic,
    KeyPrincipal,
)
from aixplore.domain.audit.services import record as audit

MAX_KEYS_PER_USER = 25
LAST_USED_RESOLUTION = timedelta(minutes=1)
_ALPHABET = string.ascii_letters + string.digits


def _new_key() -> tuple[str, str]:
    prefix = KEY_PREFIX + "".join(secrets.choice(_ALPHABET) for _ in range(8))
    return prefix, f"{prefix}_{secrets.token_urlsafe(32)}"


def do_create_key(
    session: Session, actor: Actor | None, data: Any, *, ip: str = "", user_agent: str = ""
) -> tuple[ApiKeyPublic, str]:
    """Create a key for the actor; returns it and the raw key, which is never shown again."""
    actor = require_actor(actor)
    form: ApiKeyInput = parse_input(ApiKeyInput, data)
    unknown = sorted(set(form.scopes) - set(ALL_SCOPES))
    if unknown:
        raise ValidationFailed(f"Unknown scope: {unknown[0]}.", field="scopes")
    if any(s.startswith("audit:") for s in form.scopes) and not actor.is_platform_admin:
        raise PermissionDenied("Only platform admins can give a key access to the audit log.")
    max_days = get_settings().api_key_max_days
    if form.expires_in_days > max_days:
        raise ValidationFailed(f"A key can live at most {max_days} days.", field="expires_in_days")
    active = session.exec(
        select(ApiKey.id).where(
            ApiKey.user_id == actor.user_id,
            col(ApiKey.revoked_at).is_(None),
            col(ApiKey.expires_at) > utcnow(),
        )
    ).all()
    if len(active) >= MAX_KEYS_PER_USER:
        raise ValidationFailed(f"You can hold at most {MAX_KEYS_PER_USER} active keys.")
    prefix, raw = _new_key()
    key = ApiKey(
        user_id=actor.user_id,
        name=" ".join(form.name.split()),
        prefix=prefix,
        key_hash=token_digest(raw),
        scopes=" ".join(sorted(set(form.scopes))),
        expires_at=utcnow() + timedelta(days=form.expires_in_days),
    )
    session.add(key)
    session.flush()
    audit(
        session,
        actor.user_id,
        "api_key.created",
        target=f"api_key:{key.id}",
        ip=ip,
        user_agent=user_agent,
        detail={"prefix": prefix, "scopes": key.scopes, "expires_at": key.expires_at},
    )
    return ApiKeyPublic.of(key), raw


def list_my_keys(session: Session, actor: Actor | None) -> list[ApiKeyPublic]:
    """The actor's keys, newest first (revoked ones included, marked)."""
    actor = require_actor(actor)
    rows = session.exec(
        select(ApiKey).where(ApiKey.user_id == actor.user_id).order_by(col(ApiKey.id).desc())
    ).all()
    return [ApiKeyPublic.of(k) for k in rows]


def do_revoke_key(
    session: Session, actor: Actor | None, key_id: Any, *, ip: str = "", user_agent: str = ""
) -> None:
    """Revoke one of the actor's keys; the next request with it is refused."""
    actor = require_actor(actor)
    if not isinstance(key_id, int) or isinstance(key_id, bool):
        raise ValidationFailed("Unknown key.")
    key = session.get(ApiKey, key_id)
    if key is None or key.user_id != actor.user_id:
        raise NotFound("Unknown key.")
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        session.add(key)
        audit(
            session,
            actor.user_id,
            "api_key.revoked",
            target=f"api_key:{key.id}",
            ip=ip,
            user_agent=user_agent,
            detail={"prefix": key.prefix},
        )


def resolve_key(session: Session, raw_key: Any) -> tuple[KeyPrincipal, bool, str]:
    """Check a presented key (read-only): the principal, whether last-used is stale, and IP.

    Raises NotAuthenticated with the reason when the key is malformed, unknown, revoked or
    expired, or its owner is suspended.
    """
    if (
        not isinstance(raw_key, str)
        or not raw_key.startswith(KEY_PREFIX)
        or not 20 <= len(raw_key) <= 100
    ):
        raise NotAuthenticated("The API key is malformed.")
    row = session.exec(
        select(ApiKey, User)
        .join(User, col(User.id) == col(ApiKey.user_id))
        .where(ApiKey.key_hash == token_digest(raw_key))
    ).first()
    if row is None:
        raise NotAuthenticated("The API key is not valid.")
    key, user = row
    now = utcnow()
    if key.revoked_at is not None:
        raise NotAuthenticated("The API key was revoked.")
    if key.expires_at <= now:
        raise NotAuthenticated("The API key has expired.")
    if user.suspended_at is not None:
        raise NotAuthenticated("The account that owns this API key is suspended.")
    assert key.id is not None and user.id is not None
    principal = KeyPrincipal(
        actor=Actor(
            user_id=user.id, email=user.email, display_name=user.display_name, role=user.role
        ),
        key_id=key.id,
        scopes=frozenset(key.scopes.split()),
        org_id=key.org_id,
    )
    stale = key.last_used_at is None or now - key.last_used_at > LAST_USED_RESOLUTION
    return principal, stale, key.last_used_ip


def do_touch_key(session: Session, key_id: int, ip: str) -> None:
    """Record that a key was just used, from ``ip``."""
    session.execute(
        update(ApiKey)
        .where(col(ApiKey.id) == key_id)
        .values(last_used_at=utcnow(), last_used_ip=ip[:64])
    )
