"""Copy trading's page state: the "Copy this trader" form and /trading/copies.

Every handler is a public endpoint: the follower is the session's member, the leader is the
handle in the page's URL (any handle is checked by the service), and a copy id names one of
the caller's own copies or nothing.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from aixplore.core.db import session_scope
from aixplore.core.errors import DomainError
from aixplore.domain.social.handles import resolve_handle
from aixplore.domain.social.people import person_cards
from aixplore.domain.trading import copying
from aixplore.web.feedback import answer_error, pick, toast_ok
from aixplore.web.session import current_actor

DISCLOSURE = (
    "Hypothetical results: paper trading with simulated prices; no real money moved. "
    "Past results, simulated or not, do not promise future ones, and a copy's results "
    "differ from its leader's (prices, fees and timing)."
)


class CopyFormState(rx.State):
    """The "Copy this trader" form on a trader's chain page."""

    error: str = ""

    @rx.event
    async def start(self, form: Any):
        """Copy the trader in the URL with part of the signed-in member's paper cash."""
        actor = await current_actor(self)
        handle = self.router.page.params.get("handle")
        data = pick(form, "allocation", "stop_percent", "mode")
        try:
            with session_scope() as db:
                profile, _old = resolve_handle(db, handle)
                if isinstance(data, dict):
                    data["leader_id"] = profile.user_id
                copying.do_start_copy(db, actor, data)
        except DomainError as exc:
            self.error = exc.message
            return answer_error(exc, next_path=f"/traders/{handle}/chain")
        self.error = ""
        return [toast_ok("Copy started."), rx.redirect("/trading/copies")]


class CopiesState(rx.State):
    """/trading/copies: the signed-in member's copies and what they hold."""

    copies: list[dict[str, Any]] = []

    async def _read(self):
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                shown = copying.list_my_copies(db, actor)
                cards = person_cards(db, {c.leader_id for c in shown})
        except DomainError as exc:
            return answer_error(exc, next_path="/trading/copies")
        self.copies = [
            {
                **c.model_dump(exclude={"equity_micros"}),
                "leader_name": cards[c.leader_id].name if c.leader_id in cards else "A trader",
                "href": f"/traders/{cards[c.leader_id].handle}/chain"
                if c.leader_id in cards
                else "",
                "rising": not c.pnl.startswith("-"),
            }
            for c in shown
        ]
        return None

    @rx.event
    async def load(self):
        """Read the member's copies."""
        return await self._read()

    async def _change(self, copy_id: Any, action: str):
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                if action == "stop":
                    copying.do_stop_copy(db, actor, copy_id)
                else:
                    copying.do_pause_copy(db, actor, copy_id, paused=action == "pause")
        except DomainError as exc:
            return answer_error(exc, next_path="/trading/copies")
        await self._read()
        done = {"pause": "Copy paused.", "resume": "Copy resumed.", "stop": "Copy stopped."}
        return toast_ok(done[action])

    @rx.event
    async def pause(self, copy_id: Any):
        """Pause one of the member's copies (no new positions)."""
        return await self._change(copy_id, "pause")

    @rx.event
    async def resume(self, copy_id: Any):
        """Resume one of the member's paused copies."""
        return await self._change(copy_id, "resume")

    @rx.event
    async def stop(self, copy_id: Any):
        """Stop one of the member's copies; its equity goes back to paper cash."""
        return await self._change(copy_id, "stop")
