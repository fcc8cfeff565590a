"""An organization's API key policy, as pure functions over its two columns.

The allowed scopes are a ceiling per resource (``write`` includes ``read``, ``admin``
includes both), so "∩" between a key's scopes and the policy lowers each scope to the
ceiling of its resource and drops resources the policy leaves out: a ``solutions:admin`` key
under a ``solutions:write`` policy acts with ``solutions:write``. The audit log is never open
to organization keys. Authentication applies the policy in force at each request, so
tightening it takes effect at once for keys created before.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from aixplore.core.settings import get_settings
from aixplore.domain.apikeys.models import LEVELS, RESOURCES

# The audit log is for platform admins; orders and notifications are personal (the API
# refuses org keys there).
ORG_RESOURCES = tuple(r for r in RESOURCES if r not in ("audit", "orders", "notifications"))
ORG_SCOPES = tuple(f"{r}:{lv}" for r in ORG_RESOURCES for lv in LEVELS)


def ceilings(allowed_scopes: str) -> dict[str, int]:
    """The highest level index allowed per resource (every resource at admin when empty)."""
    if not allowed_scopes.strip():
        return dict.fromkeys(ORG_RESOURCES, len(LEVELS) - 1)
    found: dict[str, int] = {}
    for scope in allowed_scopes.split():
        resource, _, level = scope.partition(":")
        if resource in ORG_RESOURCES and level in LEVELS:
            found[resource] = max(found.get(resource, 0), LEVELS.index(level))
    return found


def normalized(scopes: Iterable[str]) -> str:
    """Allowed scopes as stored: one ceiling per resource, in resource order."""
    levels = ceilings(" ".join(scopes) or "-")
    return " ".join(f"{r}:{LEVELS[levels[r]]}" for r in ORG_RESOURCES if r in levels)


def effective_scopes(key_scopes: Iterable[str], allowed_scopes: str) -> frozenset[str]:
    """The key's scopes, each lowered to the policy's ceiling; resources it forbids dropped."""
    levels = ceilings(allowed_scopes)
    out: set[str] = set()
    for scope in key_scopes:
        resource, _, level = scope.partition(":")
        if resource in levels and level in LEVELS:
            out.add(f"{resource}:{LEVELS[min(LEVELS.index(level), levels[resource])]}")
    return frozenset(out)


def beyond(key_scopes: Iterable[str], allowed_scopes: str) -> list[str]:
    """The scopes of a would-be key that exceed the policy."""
    return sorted(set(key_scopes) - effective_scopes(key_scopes, allowed_scopes))


def max_days(own_max_days: int) -> int:
    """The longest key lifetime in force: the org's own, never above the platform's."""
    platform = get_settings().api_key_max_days
    return min(own_max_days, platform) if own_max_days > 0 else platform


def effective_expiry(expires_at: datetime, created_at: datetime, own_max_days: int) -> datetime:
    """When an organization key stops working under the policy in force now."""
    return min(expires_at, created_at + timedelta(days=max_days(own_max_days)))
