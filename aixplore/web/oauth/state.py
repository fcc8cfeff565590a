"""Third-party apps in settings: the apps you registered (/settings/apps) and the apps you
authorized (/settings/authorized-apps).

Every handler is a public endpoint: identity comes from the session (``current_actor``) and
the services authorize each app and grant id they are given (someone else's is "unknown").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx

from aixplore.core.db import read_scope, session_scope
from aixplore.core.errors import DomainError, ValidationFailed
from aixplore.domain.oauth import apps, grants
from aixplore.web.feedback import answer_error, toast_ok
from aixplore.web.session import current_actor

APPS_PATH = "/settings/apps"
GRANTS_PATH = "/settings/authorized-apps"


def app_view(app: Any) -> dict[str, Any]:
    return {
        "id": app.id,
        "name": app.name,
        "client_id": app.client_id,
        "kind": "Confidential" if app.confidential else "Public (PKCE)",
        "confidential": app.confidential,
        "redirect_uris": ", ".join(app.redirect_uris),
        "created": app.created_at.strftime("%Y-%m-%d"),
    }


def app_data(form_data: object) -> dict[str, object]:
    """The registration form's values for ``apps.do_register_app`` (refused when unreadable)."""
    if not isinstance(form_data, dict):
        raise ValidationFailed("The form could not be read. Reload the page.")
    uris = form_data.get("redirect_uris", "")
    kind = form_data.get("kind", "")
    if not isinstance(uris, str) or kind not in ("confidential", "public"):
        raise ValidationFailed("Give the redirect URIs and the app's type.")
    return {
        "name": form_data.get("app_name", ""),
        "logo_url": form_data.get("logo_url", ""),
        "redirect_uris": [u.strip() for u in uris.splitlines() if u.strip()][:6],
        "confidential": kind == "confidential",
    }


def _grant_row(grant: Any) -> dict[str, Any]:
    return {
        "id": grant.id,
        "app_name": grant.app_name,
        "scopes": "; ".join(grant.scopes_in_words),
        "created": grant.created_at.strftime("%Y-%m-%d"),
        "last_used": (
            grant.last_used_at.strftime("%Y-%m-%d %H:%M") + " UTC"
            if grant.last_used_at
            else "Not used yet"
        ),
    }


async def register_app(
    state: Any,
    form_data: object,
    next_path: str,
    done: str,
    org_of: Callable[[], int | None] | None = None,
) -> Any:
    """A handler's work: register an app from the form (for the organization ``org_of`` names
    when given), list ``state``'s apps again and show its client id (and secret) once."""
    state.new_secret, state.new_client_id, state.error = "", "", ""
    actor = await current_actor(state)
    try:
        data = app_data(form_data)
        org_id = org_of() if org_of is not None else None
        with session_scope() as db:
            public, secret = apps.do_register_app(db, actor, data, org_id=org_id, ip=state._ip())
        await state._reload()
    except DomainError as exc:
        state.error = exc.message
        return answer_error(exc, next_path=next_path)
    state.new_client_id, state.new_secret = public.client_id, secret
    return toast_ok(done)


async def replace_secret(state: Any, app_id: Any, next_path: str) -> Any:
    """A handler's work: a new secret for an app the member manages, shown once on ``state``."""
    actor = await current_actor(state)
    try:
        with session_scope() as db:
            secret = apps.do_new_secret(db, actor, app_id, ip=state._ip())
    except DomainError as exc:
        return answer_error(exc, next_path=next_path)
    state.new_client_id, state.new_secret = "", secret
    return toast_ok("New secret made: the old one no longer works.")


async def delete_app(state: Any, app_id: Any, next_path: str) -> Any:
    """A handler's work: delete an app the member manages, then list ``state``'s apps again."""
    actor = await current_actor(state)
    try:
        with session_scope() as db:
            apps.do_delete_app(db, actor, app_id, ip=state._ip())
        await state._reload()
    except DomainError as exc:
        return answer_error(exc, next_path=next_path)
    return toast_ok("App deleted.")


class OAuthAppsState(rx.State):
    """The member's registered apps; a new secret lives here only until dismissed."""

    apps: list[dict[str, Any]] = []
    new_secret: str = ""
    new_client_id: str = ""
    error: str = ""

    def _ip(self) -> str:
        return self.router.session.client_ip or ""

    async def _reload(self) -> None:
        actor = await current_actor(self)
        with read_scope() as db:
            self.apps = [app_view(a) for a in apps.list_my_apps(db, actor)]

    @rx.event
    async def load(self):
        """Open the page: list the apps; a secret shown before is never shown again."""
        self.new_secret, self.new_client_id, self.error = "", "", ""
        try:
            await self._reload()
        except DomainError as exc:
            return answer_error(exc, next_path=APPS_PATH)
        return None

    @rx.event
    async def register(self, form_data: dict):
        """Register an app from the form; show its client id (and secret) once."""
        return await register_app(self, form_data, APPS_PATH, "App registered.")

    @rx.event
    async def new_app_secret(self, app_id: int):
        """Replace an app's secret and show the new one once."""
        return await replace_secret(self, app_id, APPS_PATH)

    @rx.event
    async def delete(self, app_id: int):
        """Delete an app: its authorizations and tokens stop working."""
        return await delete_app(self, app_id, APPS_PATH)

    @rx.event
    def dismiss_secret(self):
        """Forget the secret shown once."""
        self.new_secret, self.new_client_id = "", ""


class AuthorizedAppsState(rx.State):
    """The apps the member authorized, each revocable."""

    grants: list[dict[str, Any]] = []

    async def _reload(self) -> None:
        actor = await current_actor(self)
        with read_scope() as db:
            self.grants = [_grant_row(g) for g in grants.list_my_grants(db, actor)]

    @rx.event
    async def load(self):
        """Open the page: list the authorizations."""
        try:
            await self._reload()
        except DomainError as exc:
            return answer_error(exc, next_path=GRANTS_PATH)
        return None

    @rx.event
    async def revoke(self, grant_id: int):
        """Revoke an authorization: the app's tokens are refused from the next request."""
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                grants.do_revoke_grant(db, actor, grant_id, ip=self.router.session.client_ip or "")
            await self._reload()
        except DomainError as exc:
            return answer_error(exc, next_path=GRANTS_PATH)
        return toast_ok("Access revoked.")
