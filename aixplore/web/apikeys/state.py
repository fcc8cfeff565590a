"""API keys: create (shown once), list and revoke keys, on two pages.

``/settings/api-keys`` holds the signed-in user's own keys; ``/orgs/[org_id]/keys`` the
organization's keys and its key policy (org admins; platform admins may list and revoke).
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from aixplore.core.db import read_scope, session_scope
from aixplore.core.errors import DomainError, ValidationFailed
from aixplore.core.settings import get_settings
from aixplore.domain.apikeys import org_keys
from aixplore.domain.apikeys import services as apikeys
from aixplore.domain.apikeys.models import LEVELS, RESOURCES
from aixplore.domain.apikeys.policy import ORG_RESOURCES
from aixplore.web.feedback import answer_error, toast_ok
from aixplore.web.orgs.state import route_org_id
from aixplore.web.session import current_actor

PATH = "/settings/api-keys"
EXPIRY_CHOICES = ("7", "30", "90", "365")


def expiry_choices(max_days: int) -> list[str]:
    """The lifetimes the form offers under a limit: the usual ones that fit, and the limit."""
    fitting = [d for d in EXPIRY_CHOICES if int(d) < max_days]
    return (
        [*fitting, str(max_days)]
        if 0 < max_days < int(EXPIRY_CHOICES[-1])
        else list(EXPIRY_CHOICES)
    )


def scopes_from_form(form_data: dict[str, Any], prefix: str = "scope") -> list[str]:
    """``{"scope_solutions": "write", ...}`` as scopes; unknown values refused."""
    scopes = []
    for resource in RESOURCES:
        # None: a picker the page does not show (its form ref is still collected).
        level = form_data.get(f"{prefix}_{resource}")
        if level is None or level == "none" or level == "":
            continue
        if level not in LEVELS:
            raise ValidationFailed("Choose none, read, write or admin for each resource.")
        scopes.append(f"{resource}:{level}")
    return scopes


def _key_row(k: Any) -> dict[str, Any]:
    state = "revoked" if k.revoked else "expired" if k.expired else "active"
    return {
        "id": k.id,
        "name": k.name,
        "prefix": k.prefix,
        "scopes": ", ".join(k.scopes),
        "created": k.created_at.strftime("%Y-%m-%d"),
        "created_by": k.created_by_name,
        "expires": k.expires_at.strftime("%Y-%m-%d"),
        "last_used": (
            f"{k.last_used_at.strftime('%Y-%m-%d %H:%M')} UTC from {k.last_used_ip}"
            if k.last_used_at
            else "Never used"
        ),
        "state": (
            "blocked"
            if state == "active" and k.blocked
            else "suspended"
            if state == "active" and k.suspended
            else state
        ),
        "blocked": k.blocked or (k.suspended if state == "active" else ""),
    }


class ApiKeysState(rx.State):
    """The service re-checks the caller on every handler; the raw key lives here only once.

    On an organization's page every handler takes the org from the route, not from state.
    """

    keys: list[dict[str, Any]] = []
    new_key: str = ""
    error: str = ""
    org_id: int = 0  # 0: the viewer's own keys
    org_name: str = ""
    can_manage: bool = True
    max_days: int = 0
    own_max_days: str = "0"
    ceilings: dict[str, str] = {}
    restricted: bool = False
    policy_key: str = ""  # changes with the saved policy, so its form shows the new values
    policy_error: str = ""
    # The form's lifetimes: those the platform's and the organization's limits allow (the
    # services check the limit again; these only spare a person a refused form).
    expiry_options: list[str] = list(EXPIRY_CHOICES)
    expiry_default: str = "90"
    refusal: str = ""  # why the page shows nothing (an org page the viewer may not manage)

    def _client(self) -> tuple[str, str]:
        return self.router.session.client_ip or "", self.router.headers.user_agent or ""

    def _path(self) -> str:
        return self.router.url.path or PATH

    async def _reload(self) -> None:
        actor = await current_actor(self)
        org_id = route_org_id(self)
        with read_scope() as db:
            if org_id is None:
                rows = apikeys.list_my_keys(db, actor)
            else:
                rows = org_keys.list_org_keys(db, actor, org_id)
                policy = org_keys.get_key_policy(db, actor, org_id)
        self.org_id = org_id or 0
        if org_id is not None:
            levels = dict(s.split(":", 1) for s in policy.allowed_scopes)
            self.org_name, self.can_manage = policy.org_name, policy.can_manage
            self.max_days, self.own_max_days = policy.max_days, str(policy.own_max_days)
            self.ceilings = {r: levels.get(r, "none") for r in ORG_RESOURCES}
            self.restricted = policy.restricted
            self.policy_key = f"{policy.own_max_days}:{' '.join(policy.allowed_scopes)}"
        else:
            self.org_name, self.can_manage = "", True
        limit = self.max_days if org_id is not None else get_settings().api_key_max_days
        self.expiry_options = expiry_choices(limit)
        self.expiry_default = "90" if "90" in self.expiry_options else self.expiry_options[-1]
        self.keys = [_key_row(k) for k in rows]
        self.refusal = ""

    @rx.event
    async def load(self):
        """Open the page: list the keys; a key shown before is never shown again."""
        self.new_key, self.error, self.policy_error = "", "", ""
        try:
            await self._reload()
        except DomainError as exc:
            self.keys, self.org_id, self.refusal = [], 0, exc.message
            return answer_error(exc, next_path=self._path())
        return None

    @rx.event
    async def create(self, form_data: dict):
        """Create a key from the form and show it once."""
        self.new_key, self.error = "", ""
        actor = await current_actor(self)
        ip, user_agent = self._client()
        try:
            if not isinstance(form_data, dict):
                raise ValidationFailed("The form could not be read. Reload the page.")
            days = form_data.get("expires_in_days", "")
            if not isinstance(days, str) or not days.isdigit() or not 1 <= len(days) <= 4:
                raise ValidationFailed("Choose how long the key lives.")
            data = {
                "name": form_data.get("name", ""),
                "scopes": scopes_from_form(form_data),
                "expires_in_days": int(days),
            }
            if not data["scopes"]:
                raise ValidationFailed("Give the key at least one scope.")
            org_id = route_org_id(self)
            with session_scope() as db:
                if org_id is None:
                    _key, raw = apikeys.do_create_key(db, actor, data, ip=ip, user_agent=user_agent)
                else:
                    _key, raw = org_keys.do_create_org_key(
                        db, actor, org_id, data, ip=ip, user_agent=user_agent
                    )
            await self._reload()
        except DomainError as exc:
            self.error = exc.message
            return answer_error(exc, next_path=self._path())
        self.new_key = raw
        return toast_ok("Key created. Copy it now: it will not be shown again.")

    @rx.event
    async def revoke(self, key_id: int):
        """Revoke a key: the next request with it is refused."""
        actor = await current_actor(self)
        ip, user_agent = self._client()
        try:
            org_id = route_org_id(self)
            with session_scope() as db:
                if org_id is None:
                    apikeys.do_revoke_key(db, actor, key_id, ip=ip, user_agent=user_agent)
                else:
                    org_keys.do_revoke_org_key(
                        db, actor, org_id, key_id, ip=ip, user_agent=user_agent
                    )
            await self._reload()
        except DomainError as exc:
            return answer_error(exc, next_path=self._path())
        return toast_ok("Key revoked.")

    @rx.event
    async def save_policy(self, form_data: dict):
        """Set the organization's key policy: longest lifetime, most per resource."""
        self.policy_error = ""
        actor = await current_actor(self)
        ip, _user_agent = self._client()
        try:
            if not isinstance(form_data, dict):
                raise ValidationFailed("The form could not be read. Reload the page.")
            days = form_data.get("max_days", "")
            if not isinstance(days, str) or not days.strip().isdigit() or len(days) > 5:
                raise ValidationFailed("Enter the longest lifetime in days (0: no own limit).")
            allowed = scopes_from_form(form_data, prefix="allow")
            if not allowed:
                raise ValidationFailed("Allow at least one resource, at read level or more.")
            org_id = route_org_id(self)
            if org_id is None:
                raise ValidationFailed("Open an organization's API keys page.")
            with session_scope() as db:
                org_keys.do_set_key_policy(
                    db, actor, org_id, {"max_days": int(days), "allowed_scopes": allowed}, ip=ip
                )
            await self._reload()
        except DomainError as exc:
            self.policy_error = exc.message if isinstance(exc, ValidationFailed) else ""
            return answer_error(exc, next_path=self._path())
        return toast_ok("Key policy saved. It applies to existing keys at once.")

    @rx.event
    def dismiss_key(self):
        """Forget the key shown once."""
        self.new_key = ""
