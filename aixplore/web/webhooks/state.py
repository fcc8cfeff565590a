"""Webhooks: endpoints, their secrets (shown once), delivery logs and replays, on two pages.

``/settings/webhooks`` holds the signed-in user's endpoints; ``/orgs/[org_id]/webhooks`` an
organization's (its admins). Every handler takes the organization from the route.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from aixplore.core.db import read_scope, session_scope
from aixplore.core.errors import DomainError, ValidationFailed
from aixplore.domain.orgs import services as orgs
from aixplore.domain.webhooks import services as webhooks
from aixplore.domain.webhooks.models import EVENT_TYPES
from aixplore.web.feedback import answer_error, toast_ok
from aixplore.web.orgs.state import route_org_id
from aixplore.web.session import current_actor

PATH = "/settings/webhooks"
LOG_LINES = 10


class WebhooksState(rx.State):
    """Every handler re-checks the caller in the service layer."""

    endpoints: list[dict[str, Any]] = []
    deliveries: list[dict[str, Any]] = []
    selected: int = 0
    new_secret: str = ""
    error: str = ""
    org_id: int = 0  # 0: the viewer's own endpoints
    org_name: str = ""
    refusal: str = ""  # why the page shows nothing (an org page the viewer may not manage)

    def _ip(self) -> str:
        return self.router.session.client_ip or ""

    def _path(self) -> str:
        return self.router.url.path or PATH

    def _owner(self) -> dict[str, Any]:
        """The services' ``org_id`` argument for this page."""
        return {"org_id": route_org_id(self)}

    async def _reload(self) -> None:
        actor = await current_actor(self)
        owner = self._owner()
        with read_scope() as db:
            rows = webhooks.list_endpoints(db, actor, **owner)
            ids = [e.id for e in rows]
            if self.selected not in ids:
                self.selected = ids[0] if ids else 0
            log = (
                webhooks.list_deliveries(db, actor, self.selected, **owner) if self.selected else []
            )
            org = orgs.get_org(db, actor, owner["org_id"]) if owner["org_id"] else None
        self.org_id, self.org_name = (org.id, org.name) if org else (0, "")
        self.refusal = ""
        self.endpoints = [
            {
                "id": e.id,
                "url": e.url,
                "events": ", ".join(e.event_types),
                "enabled": e.enabled,
                "reason": e.disabled_reason,
                "rotating": e.rotating,
                "failures": e.consecutive_failures,
            }
            for e in rows
        ]
        self.deliveries = [
            {
                "id": d.id,
                "event": d.event_type,
                "status": d.status.value,
                "code": "-" if d.last_status_code is None else str(d.last_status_code),
                "ms": "-" if d.last_duration_ms is None else f"{d.last_duration_ms} ms",
                "attempts": d.attempts,
                "error": d.last_error,
                "when": d.created_at.strftime("%Y-%m-%d %H:%M:%S"),
            }
            for d in log[:LOG_LINES]
        ]

    async def _run(self, work: Any, message: str = ""):
        self.error = ""
        try:
            result = work(await current_actor(self))
            await self._reload()
        except DomainError as exc:
            self.error = exc.message if isinstance(exc, ValidationFailed) else ""
            return answer_error(exc, next_path=self._path())
        return (result, toast_ok(message) if message else None)

    @rx.event
    async def load(self):
        """Open the page."""
        self.new_secret, self.error, self.selected = "", "", 0
        try:
            await self._reload()
        except DomainError as exc:
            self.endpoints, self.deliveries, self.org_id = [], [], 0
            self.refusal = exc.message
            return answer_error(exc, next_path=self._path())
        return None

    @rx.event
    async def refresh(self):
        """Read the delivery log again."""
        try:
            await self._reload()
        except DomainError as exc:
            return answer_error(exc, next_path=self._path())
        return None

    @rx.event
    async def create(self, form_data: dict):
        """Register an endpoint from the form; show its secret once."""
        self.new_secret = ""
        if not isinstance(form_data, dict):
            return answer_error(ValidationFailed("The form could not be read."))
        data = {
            "url": form_data.get("url", ""),
            "description": form_data.get("description", ""),
            "event_types": [t for t in EVENT_TYPES if form_data.get(f"event_{t}") == "on"],
        }

        def work(actor: Any) -> str:
            with session_scope() as db:
                _endpoint, secret = webhooks.do_create_endpoint(
                    db, actor, data, ip=self._ip(), **self._owner()
                )
            return secret

        outcome = await self._run(work)
        if isinstance(outcome, tuple):
            self.new_secret = outcome[0]
            return toast_ok("Endpoint added. Copy its signing secret now.")
        return outcome

    @rx.event
    async def select(self, endpoint_id: int):
        """Show one endpoint's delivery log."""
        if not isinstance(endpoint_id, int) or isinstance(endpoint_id, bool):
            return answer_error(ValidationFailed("Unknown endpoint."))
        self.selected = endpoint_id
        return await self.refresh()

    async def _act(self, work: Any, message: str):
        outcome = await self._run(work, message)
        return outcome[1] if isinstance(outcome, tuple) else outcome

    @rx.event
    async def rotate(self, endpoint_id: int):
        """New secret, shown once; the old one signs too for a while."""

        def work(actor: Any) -> str:
            with session_scope() as db:
                _endpoint, secret = webhooks.do_rotate_secret(
                    db, actor, endpoint_id, ip=self._ip(), **self._owner()
                )
            return secret

        outcome = await self._run(work, "Secret rotated. The previous one keeps working for now.")
        if isinstance(outcome, tuple):
            self.new_secret = outcome[0]
            return outcome[1]
        return outcome

    @rx.event
    async def set_enabled(self, endpoint_id: int, enabled: bool):
        """Turn an endpoint on or off."""

        def work(actor: Any) -> None:
            with session_scope() as db:
                webhooks.do_set_enabled(
                    db, actor, endpoint_id, enabled, ip=self._ip(), **self._owner()
                )

        return await self._act(work, "Endpoint turned on." if enabled else "Endpoint turned off.")

    @rx.event
    async def ping(self, endpoint_id: int):
        """Queue a test delivery."""

        def work(actor: Any) -> None:
            with session_scope() as db:
                webhooks.do_send_ping(db, actor, endpoint_id, **self._owner())

        self.selected = endpoint_id if isinstance(endpoint_id, int) else self.selected
        return await self._act(work, "Test delivery queued.")

    @rx.event
    async def delete(self, endpoint_id: int):
        """Remove an endpoint."""

        def work(actor: Any) -> None:
            with session_scope() as db:
                webhooks.do_delete_endpoint(db, actor, endpoint_id, ip=self._ip(), **self._owner())

        return await self._act(work, "Endpoint removed.")

    @rx.event
    async def replay(self, delivery_id: int):
        """Send a delivery again."""

        def work(actor: Any) -> None:
            with session_scope() as db:
                webhooks.do_replay(db, actor, delivery_id, **self._owner())

        return await self._act(work, "Delivery queued again.")

    @rx.event
    def dismiss_secret(self):
        """Forget the secret shown once."""
        self.new_secret = ""
