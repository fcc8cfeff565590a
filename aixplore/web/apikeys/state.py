"""Settings → API keys: create (shown once), list and revoke the signed-in user's keys."""

from __future__ import annotations

from typing import Any

import reflex as rx

from aixplore.core.db import read_scope, session_scope
from aixplore.core.errors import DomainError, ValidationFailed
from aixplore.domain.apikeys import services as apikeys
from aixplore.domain.apikeys.models import LEVELS, RESOURCES
from aixplore.web.feedback import answer_error, toast_ok
from aixplore.web.session import current_actor

PATH = "/settings/api-keys"
EXPIRY_CHOICES = ("7", "30", "90", "365")


def scopes_from_form(form_data: dict[str, Any]) -> list[str]:
    """``{"solutions": "write", "events": "none", ...}`` as scopes; unknown values refused."""
    scopes = []
    for resource in RESOURCES:
        level = form_data.get(f"scope_{resource}", "none")
        if level == "none" or level == "":
            continue
        if level not in LEVELS:
            raise ValidationFailed("Choose none, read, write or admin for each resource.")
        scopes.append(f"{resource}:{level}")
    return scopes


class ApiKeysState(rx.State):
    """The service re-checks the caller on every handler; the raw key lives here only once."""

    keys: list[dict[str, Any]] = []
    new_key: str = ""
    error: str = ""

    def _client(self) -> tuple[str, str]:
        return self.router.session.client_ip or "", self.router.headers.user_agent or ""

    async def _reload(self) -> None:
        actor = await current_actor(self)
        with read_scope() as db:
            rows = apikeys.list_my_keys(db, actor)
        self.keys = [
            {
                "id": k.id,
                "name": k.name,
                "prefix": k.prefix,
                "scopes": ", ".join(k.scopes),
                "created": k.created_at.strftime("%Y-%m-%d"),
                "expires": k.expires_at.strftime("%Y-%m-%d"),
                "last_used": (
                    f"{k.last_used_at.strftime('%Y-%m-%d %H:%M')} UTC from {k.last_used_ip}"
                    if k.last_used_at
                    else "Never used"
                ),
                "state": "revoked" if k.revoked else "expired" if k.expired else "active",
            }
            for k in rows
        ]

    @rx.event
    async def load(self):
        """Open the page: list my keys; a key shown before is never shown again."""
        self.new_key, self.error = "", ""
        try:
            await self._reload()
        except DomainError as exc:
            return answer_error(exc, next_path=PATH)
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
            if days not in EXPIRY_CHOICES:
                raise ValidationFailed("Choose how long the key lives.")
            data = {
                "name": form_data.get("name", ""),
                "scopes": scopes_from_form(form_data),
                "expires_in_days": int(days),
            }
            if not data["scopes"]:
                raise ValidationFailed("Give the key at least one scope.")
            with session_scope() as db:
                _key, raw = apikeys.do_create_key(db, actor, data, ip=ip, user_agent=user_agent)
            await self._reload()
        except DomainError as exc:
            self.error = exc.message
            return answer_error(exc, next_path=PATH)
        self.new_key = raw
        return toast_ok("Key created. Copy it now: it will not be shown again.")

    @rx.event
    async def revoke(self, key_id: int):
        """Revoke a key: the next request with it is refused."""
        actor = await current_actor(self)
        ip, user_agent = self._client()
        try:
            with session_scope() as db:
                apikeys.do_revoke_key(db, actor, key_id, ip=ip, user_agent=user_agent)
            await self._reload()
        except DomainError as exc:
            return answer_error(exc, next_path=PATH)
        return toast_ok("Key revoked.")

    @rx.event
    def dismiss_key(self):
        """Forget the key shown once."""
        self.new_key = ""
