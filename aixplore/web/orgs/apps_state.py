"""An organization's own OAuth apps, on its page for its admins.

Every handler is a public endpoint: the organization comes from the page's route and the
services authorize each call (``apps.do_register_app`` and ``list_org_apps`` need an admin
of that organization; ``do_new_secret`` and ``do_delete_app`` an admin of the app's owner),
so an admin of one organization can do nothing to another's apps.
"""

from __future__ import annotations

import reflex as rx

from aixplore.core.db import read_scope
from aixplore.core.errors import DomainError
from aixplore.domain.oauth import apps
from aixplore.web.oauth.state import app_view, delete_app, register_app, replace_secret
from aixplore.web.orgs.state import route_org_id
from aixplore.web.session import current_actor


class OrgAppsState(rx.State):
    """The organization's apps; a new secret lives here only until dismissed."""

    apps: list[dict[str, object]] = []
    new_secret: str = ""
    new_client_id: str = ""
    error: str = ""

    def _path(self) -> str:
        try:
            return f"/orgs/{route_org_id(self) or ''}"
        except DomainError:  # a route no page has: the handler's service refuses it anyway
            return "/orgs"

    async def _reload(self) -> None:
        actor = await current_actor(self)
        with read_scope() as db:
            self.apps = [app_view(a) for a in apps.list_org_apps(db, actor, route_org_id(self))]

    @rx.event
    async def load(self):
        """Open the page: the apps for its admins (members see none; nothing to refuse)."""
        self.apps, self.new_secret, self.new_client_id, self.error = [], "", "", ""
        try:
            await self._reload()
        except DomainError:
            self.apps = []  # the page itself tells members and strangers what they may see

    @rx.event
    async def register(self, form_data: dict):
        """Register an app owned by the organization; show its client id (and secret) once."""
        done = "App registered for the organization."
        return await register_app(self, form_data, self._path(), done, lambda: route_org_id(self))

    def _ip(self) -> str:
        return self.router.session.client_ip or ""

    @rx.event
    async def new_app_secret(self, app_id: int):
        """Replace an app's secret and show the new one once."""
        return await replace_secret(self, app_id, self._path())

    @rx.event
    async def delete(self, app_id: int):
        """Delete an app: its authorizations and tokens stop working."""
        return await delete_app(self, app_id, self._path())

    @rx.event
    def dismiss_secret(self):
        """Forget the secret shown once."""
        self.new_secret, self.new_client_id = "", ""
