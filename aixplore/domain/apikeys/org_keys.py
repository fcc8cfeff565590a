"""Organization API keys and the organization's key policy.

An organization's admins (and its owner) set the policy, create keys for the organization,
list and revoke them; its other members see none of it. Platform admins may list and revoke
any organization's keys. A key created for an organization records the creating admin as
``user_id`` and acts as them (never with platform-admin powers) while they stay an active
admin; ``services.resolve_key`` applies the policy in force at every request. Every change
is audited under the organization, so its admins see it in the organization's audit log.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from aixplore.core.errors import NotFound, PermissionDenied, ValidationFailed
from aixplore.core.settings import get_settings
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import Actor, User
from aixplore.domain.accounts.services import parse_input, require_actor
from aixplore.domain.apikeys import policy
from aixplore.domain.apikeys.models import ApiKey, ApiKeyPublic
from aixplore.domain.apikeys.services import (
    count_active,
    issue_key,
    key_id,
    org_key_refusal,
    org_key_sso_refusal,
    parse_key_form,
    revoke,
)
from aixplore.domain.audit.services import record as audit
from aixplore.domain.orgs.models import (
    KeyPolicyInput,
    KeyPolicyPublic,
    Organization,
    OrgMembership,
    OrgRole,
)
from aixplore.domain.orgs.services import get_membership, require_org_role

MAX_KEYS_PER_ORG = 25


def _overseen(
    session: Session, actor: Actor | None, org_id: Any, action: str
) -> tuple[Actor, Organization, bool]:
    """The organization whose keys the actor may read, and whether they may also manage them.

    Its active admins may manage; a platform admin outside it may read and revoke.
    """
    actor = require_actor(actor)
    if actor.is_platform_admin and isinstance(org_id, int) and not isinstance(org_id, bool):
        org = session.get(Organization, org_id) if 1 <= org_id < 2**31 else None
        if org is not None and org.id is not None:
            mine = get_membership(session, org.id, actor.user_id)
            manages = mine is not None and mine.suspended_at is None and mine.role != OrgRole.MEMBER
            return actor, org, manages
    actor, org, _membership = require_org_role(session, actor, org_id, OrgRole.ADMIN, action)
    return actor, org, True


def _policy_public(org: Organization, can_manage: bool) -> KeyPolicyPublic:
    assert org.id is not None
    levels = policy.ceilings(org.api_key_allowed_scopes)
    return KeyPolicyPublic(
        org_id=org.id,
        org_name=org.name,
        max_days=policy.max_days(org.api_key_max_days),
        own_max_days=org.api_key_max_days,
        allowed_scopes=[f"{r}:{policy.LEVELS[lv]}" for r, lv in levels.items()],
        restricted=bool(org.api_key_allowed_scopes.strip()),
        can_manage=can_manage,
    )


def get_key_policy(session: Session, actor: Actor | None, org_id: Any) -> KeyPolicyPublic:
    """The organization's key policy (its admins, and platform admins)."""
    _actor, org, manages = _overseen(session, actor, org_id, "view_key_policy")
    return _policy_public(org, manages)


def do_set_key_policy(
    session: Session, actor: Actor | None, org_id: Any, data: Any, *, ip: str = ""
) -> KeyPolicyPublic:
    """Set the longest key lifetime and the most a key may hold per resource (admins).

    It applies to existing keys from their next request on; none is changed in the database.
    """
    actor, org, _m = require_org_role(session, actor, org_id, OrgRole.ADMIN, "set_key_policy")
    form: KeyPolicyInput = parse_input(KeyPolicyInput, data)
    unknown = sorted(set(form.allowed_scopes) - set(policy.ORG_SCOPES))
    if unknown:
        raise ValidationFailed(
            f"Organization keys cannot hold {unknown[0]}.", field="allowed_scopes"
        )
    platform = get_settings().api_key_max_days
    if form.max_days > platform:
        raise ValidationFailed(
            f"Keys can live at most {platform} days on this platform.", field="max_days"
        )
    org.api_key_max_days = form.max_days
    org.api_key_allowed_scopes = policy.normalized(form.allowed_scopes)
    session.add(org)
    audit(
        session,
        actor.user_id,
        "org.api_key_policy_changed",
        f"org:{org.id}",
        org_id=org.id,
        ip=ip,
        detail={"max_days": org.api_key_max_days, "allowed_scopes": org.api_key_allowed_scopes},
    )
    return _policy_public(org, True)


def do_create_org_key(
    session: Session,
    actor: Actor | None,
    org_id: Any,
    data: Any,
    *,
    ip: str = "",
    user_agent: str = "",
) -> tuple[ApiKeyPublic, str]:
    """Create a key for the organization (admins), within its policy; the raw key, once."""
    actor, org, _m = require_org_role(session, actor, org_id, OrgRole.ADMIN, "create_org_key")
    form = parse_key_form(data)
    exceeding = policy.beyond(form.scopes, org.api_key_allowed_scopes)
    if exceeding:
        raise PermissionDenied(
            f"The organization's key policy does not allow {exceeding[0]}.", field="scopes"
        )
    max_days = policy.max_days(org.api_key_max_days)
    if form.expires_in_days > max_days:
        raise ValidationFailed(
            f"This organization's keys can live at most {max_days} days.",
            field="expires_in_days",
        )
    if count_active(session, ApiKey.org_id == org.id) >= MAX_KEYS_PER_ORG:
        raise ValidationFailed(f"An organization can hold at most {MAX_KEYS_PER_ORG} active keys.")
    return issue_key(session, actor, form, org_id=org.id, ip=ip, user_agent=user_agent)


def list_org_keys(session: Session, actor: Actor | None, org_id: Any) -> list[ApiKeyPublic]:
    """The organization's keys, newest first, as the policy in force makes them work now."""
    _actor, org, _manages = _overseen(session, actor, org_id, "list_org_keys")
    rows = session.exec(
        select(ApiKey, OrgMembership, User.display_name)
        .outerjoin(
            OrgMembership,
            (col(OrgMembership.org_id) == col(ApiKey.org_id))
            & (col(OrgMembership.user_id) == col(ApiKey.user_id)),
        )
        .outerjoin(User, col(User.id) == col(ApiKey.user_id))
        .where(ApiKey.org_id == org.id)
        .order_by(col(ApiKey.id).desc())
    ).all()
    items = []
    for key, creator, creator_name in rows:
        expires = policy.effective_expiry(key.expires_at, key.created_at, org.api_key_max_days)
        update = {
            "created_by_name": creator_name or "a former member",
            "expires_at": expires,
            "expired": expires <= utcnow(),
            "blocked": org_key_refusal(key, org, creator) or "",
            "suspended": org_key_sso_refusal(session, key, org, creator) or "",
        }
        items.append(ApiKeyPublic.of(key).model_copy(update=update))
    return items


def do_revoke_org_key(
    session: Session,
    actor: Actor | None,
    org_id: Any,
    key_id_: Any,
    *,
    ip: str = "",
    user_agent: str = "",
) -> None:
    """Revoke one of the organization's keys (its admins, or a platform admin)."""
    actor, org, _manages = _overseen(session, actor, org_id, "revoke_org_key")
    key = session.get(ApiKey, key_id(key_id_))
    if key is None or key.org_id != org.id:
        raise NotFound("Unknown key.")
    revoke(session, actor, key, ip=ip, user_agent=user_agent)
