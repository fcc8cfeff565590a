"""Creating, listing, revoking and authenticating API keys.

A key is ``axp_<8 characters>_<secret>``. The first part is stored in clear (``prefix``) so
owners can tell their keys apart; the whole key is stored only as ``token_digest`` (a keyed
SHA-256). Every authenticated request reads the key's row from the database: revocation,
expiry and suspension apply to the very next request in every worker, with no cache to go
stale. ``last_used_at``/``last_used_ip`` are written at most once a minute per key (or when
the IP changes). Organization keys (``org_id`` set) are managed in ``org_keys``; the checks
they share with personal keys live here.
"""

from __future__ import annotations

import secrets
import string
from datetime import timedelta
from typing import Any

from sqlalchemy import and_, update
from sqlmodel import Session, col, select

from aixplore.core.errors import NotAuthenticated, NotFound, PermissionDenied, ValidationFailed
from aixplore.core.security import token_digest
from aixplore.core.settings import get_settings
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import Actor, PlatformRole, User
from aixplore.domain.accounts.services import parse_input, require_actor
from aixplore.domain.apikeys import policy
from aixplore.domain.apikeys.models import (
    ALL_SCOPES,
    KEY_PREFIX,
    ApiKey,
    ApiKeyInput,
    ApiKeyPublic,
    KeyPrincipal,
)
from aixplore.domain.audit.services import record as audit
from aixplore.domain.orgs import sso_policy
from aixplore.domain.orgs.models import Organization, OrgMembership, OrgRole

MAX_KEYS_PER_USER = 25
LAST_USED_RESOLUTION = timedelta(minutes=1)
_ALPHABET = string.ascii_letters + string.digits


def _new_key() -> tuple[str, str]:
    prefix = KEY_PREFIX + "".join(secrets.choice(_ALPHABET) for _ in range(8))
    return prefix, f"{prefix}_{secrets.token_urlsafe(32)}"


def parse_key_form(data: Any) -> ApiKeyInput:
    """A new key's form, with every scope known."""
    form: ApiKeyInput = parse_input(ApiKeyInput, data)
    unknown = sorted(set(form.scopes) - set(ALL_SCOPES))
    if unknown:
        raise ValidationFailed(f"Unknown scope: {unknown[0]}.", field="scopes")
    return form


def issue_key(
    session: Session,
    actor: Actor,
    form: ApiKeyInput,
    *,
    org_id: int | None = None,
    ip: str = "",
    user_agent: str = "",
) -> tuple[ApiKeyPublic, str]:
    """Store a checked key for the actor (or their organization) and audit it; the raw key."""
    prefix, raw = _new_key()
    key = ApiKey(
        user_id=actor.user_id,
        org_id=org_id,
        sso_connection_id=actor.sso_connection_id,
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
        org_id=org_id,
        ip=ip,
        user_agent=user_agent,
        detail={
            "prefix": prefix,
            "scopes": key.scopes,
            "expires_at": key.expires_at,
            "sso_connection_id": key.sso_connection_id,
        },
    )
    return ApiKeyPublic.of(key), raw


def count_active(session: Session, *conditions: Any) -> int:
    """How many unrevoked, unexpired keys match ``conditions``."""
    rows = session.exec(
        select(ApiKey.id).where(
            *conditions, col(ApiKey.revoked_at).is_(None), col(ApiKey.expires_at) > utcnow()
        )
    ).all()
    return len(rows)


def do_create_key(
    session: Session, actor: Actor | None, data: Any, *, ip: str = "", user_agent: str = ""
) -> tuple[ApiKeyPublic, str]:
    """Create a key for the actor; returns it and the raw key, which is never shown again."""
    actor = require_actor(actor)
    form = parse_key_form(data)
    if any(s.startswith("audit:") for s in form.scopes) and not actor.is_platform_admin:
        raise PermissionDenied("Only platform admins can give a key access to the audit log.")
    max_days = get_settings().api_key_max_days
    if form.expires_in_days > max_days:
        raise ValidationFailed(f"A key can live at most {max_days} days.", field="expires_in_days")
    mine = (ApiKey.user_id == actor.user_id, col(ApiKey.org_id).is_(None))
    if count_active(session, *mine) >= MAX_KEYS_PER_USER:
        raise ValidationFailed(f"You can hold at most {MAX_KEYS_PER_USER} active keys.")
    return issue_key(session, actor, form, ip=ip, user_agent=user_agent)


def list_my_keys(session: Session, actor: Actor | None) -> list[ApiKeyPublic]:
    """The actor's personal keys, newest first (revoked ones included, marked)."""
    actor = require_actor(actor)
    rows = session.exec(
        select(ApiKey)
        .where(ApiKey.user_id == actor.user_id, col(ApiKey.org_id).is_(None))
        .order_by(col(ApiKey.id).desc())
    ).all()
    user = session.get(User, actor.user_id)
    items = []
    for key in rows:
        why = (
            sso_policy.personal_key_refusal(session, user, key.sso_connection_id) if user else None
        )
        items.append(ApiKeyPublic.of(key).model_copy(update={"suspended": why or ""}))
    return items


def revoke(
    session: Session, actor: Actor, key: ApiKey, *, ip: str = "", user_agent: str = ""
) -> None:
    """Mark a key revoked (once) and audit it, under its organization for an org key."""
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        session.add(key)
        audit(
            session,
            actor.user_id,
            "api_key.revoked",
            target=f"api_key:{key.id}",
            org_id=key.org_id,
            ip=ip,
            user_agent=user_agent,
            detail={"prefix": key.prefix},
        )


def key_id(value: Any) -> int:
    """A key number from untrusted input."""
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value < 2**31:
        raise ValidationFailed("Unknown key.")
    return value


def do_revoke_key(
    session: Session, actor: Actor | None, key_id_: Any, *, ip: str = "", user_agent: str = ""
) -> None:
    """Revoke one of the actor's personal keys; the next request with it is refused."""
    actor = require_actor(actor)
    key = session.get(ApiKey, key_id(key_id_))
    if key is None or key.user_id != actor.user_id or key.org_id is not None:
        raise NotFound("Unknown key.")
    revoke(session, actor, key, ip=ip, user_agent=user_agent)


def org_key_refusal(
    key: ApiKey, org: Organization | None, creator: OrgMembership | None
) -> str | None:
    """Why an organization key is refused under the org's policy and roles now, if it is."""
    if org is None:
        return "The organization of this API key no longer exists."
    if creator is None or creator.suspended_at is not None or creator.role == OrgRole.MEMBER:
        return (
            "The person who created this organization API key is no longer an active admin "
            "of the organization."
        )
    if not policy.effective_scopes(key.scopes.split(), org.api_key_allowed_scopes):
        return "The organization's API key policy no longer allows any of this key's scopes."
    return None


def org_key_sso_refusal(
    session: Session, key: ApiKey, org: Organization | None, creator: OrgMembership | None
) -> str | None:
    """Why the organization's enforce-SSO policy suspends its key, if it does: the key acts
    as its creator, so it must come from a session its creator opened through the org."""
    if org is None or creator is None or not org.enforce_sso:
        return None
    conn_org = sso_policy.connection_org(session, key.sso_connection_id)
    if sso_policy.admits(org, creator.role, key.sso_connection_id, conn_org):
        return None
    return sso_policy.key_message(org)


def resolve_key(session: Session, raw_key: Any) -> tuple[KeyPrincipal, bool, str]:
    """Check a presented key (read-only): the principal, whether last-used is stale, and IP.

    Raises NotAuthenticated with the reason when the key is malformed, unknown, revoked or
    expired, or its owner is suspended; ``SsoRequired`` (403) when an organization that
    enforces single sign-on suspends it (not created in a session opened through it). An organization key is also refused when its creator
    is no longer an active admin there or the org's policy now allows none of its scopes; its
    scopes and expiry are those of the policy in force. One query, whatever the key.
    """
    if (
        not isinstance(raw_key, str)
        or not raw_key.startswith(KEY_PREFIX)
        or not 20 <= len(raw_key) <= 100
    ):
        raise NotAuthenticated("The API key is malformed.")
    row = session.exec(
        select(ApiKey, User, Organization, OrgMembership)
        .join(User, col(User.id) == col(ApiKey.user_id))
        .outerjoin(Organization, col(Organization.id) == col(ApiKey.org_id))
        .outerjoin(
            OrgMembership,
            and_(
                col(OrgMembership.org_id) == col(ApiKey.org_id),
                col(OrgMembership.user_id) == col(ApiKey.user_id),
            ),
        )
        .where(ApiKey.key_hash == token_digest(raw_key))
    ).first()
    if row is None:
        raise NotAuthenticated("The API key is not valid.")
    key, user, org, creator = row
    now = utcnow()
    scopes = frozenset(key.scopes.split())
    expires_at = key.expires_at
    role = user.role
    if key.org_id is not None:
        refusal = org_key_refusal(key, org, creator)
        if refusal is None and org is not None:
            scopes = policy.effective_scopes(scopes, org.api_key_allowed_scopes)
            expires_at = policy.effective_expiry(
                key.expires_at, key.created_at, org.api_key_max_days
            )
        # An organization's key never carries its creator's platform-admin powers.
        role = PlatformRole.MEMBER
    else:
        refusal = None
    if key.revoked_at is not None:
        raise NotAuthenticated("The API key was revoked.")
    if expires_at <= now:
        raise NotAuthenticated("The API key has expired.")
    # A moderator's timed suspension stops refusing at its end (this check only reads).
    if user.suspended_at is not None and (
        user.suspended_until is None or user.suspended_until > now
    ):
        raise NotAuthenticated("The account that owns this API key is suspended.")
    if refusal is not None:
        raise NotAuthenticated(refusal)
    suspended = (
        org_key_sso_refusal(session, key, org, creator)
        if key.org_id is not None
        else sso_policy.personal_key_refusal(session, user, key.sso_connection_id)
    )
    if suspended is not None:
        raise sso_policy.SsoRequired(suspended)
    assert key.id is not None and user.id is not None
    principal = KeyPrincipal(
        actor=Actor(
            user_id=user.id,
            email=user.email,
            display_name=user.display_name,
            role=role,
            sso_connection_id=key.sso_connection_id,
        ),
        key_id=key.id,
        scopes=scopes,
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
