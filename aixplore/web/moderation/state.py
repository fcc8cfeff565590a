"""States of the public moderation log and of the appeal page."""

from __future__ import annotations

from typing import Any

import reflex as rx

from aixplore.core.db import session_scope
from aixplore.core.errors import DomainError
from aixplore.domain.moderation import actions, inbox
from aixplore.domain.moderation.models import AppealCase, LogEntry
from aixplore.web.feedback import answer_error, pick, toast_ok
from aixplore.web.session import current_actor

WHEN = "%d %b %Y %H:%M UTC"


def _log_row(entry: LogEntry) -> dict[str, Any]:
    return {
        **entry.model_dump(mode="json"),
        "anchor": f"action-{entry.id}",
        "when": entry.created_at.strftime(WHEN),
        "until": entry.ends_at.strftime(WHEN) if entry.ends_at else "",
    }


class ModerationLogState(rx.State):
    """/moderation-log: what the moderators acted on and why, newest first."""

    entries: list[dict[str, Any]] = []
    next_before: int = 0

    @rx.event
    def load(self):
        """Read the newest page of the log."""
        with session_scope() as db:
            page, after = inbox.public_log(db)
        self.entries, self.next_before = [_log_row(e) for e in page], after or 0

    @rx.event
    def more(self):
        """Read the next page."""
        if not self.next_before:
            return None
        try:
            with session_scope() as db:
                page, after = inbox.public_log(db, before=self.next_before)
        except DomainError as exc:
            return answer_error(exc)
        self.entries = self.entries + [_log_row(e) for e in page]
        self.next_before = after or 0
        return None


class AppealState(rx.State):
    """/moderation/appeal/<id>: a decision as the person it affected sees it, and the form."""

    found: bool = True
    refusal: str = ""
    case: dict[str, Any] = {}
    error: str = ""

    def _action_id(self) -> Any:
        raw = str(self.router.page.params.get("action_id", ""))
        return int(raw) if raw.isdigit() and len(raw) < 19 else raw

    def _show(self, case: AppealCase) -> None:
        self.case = {
            **case.model_dump(mode="json"),
            "when": case.created_at.strftime(WHEN),
            "until": case.ends_at.strftime(WHEN) if case.ends_at else "",
        }

    @rx.event
    async def load(self):
        """Read the decision the address names (the affected person's, or a moderator's)."""
        actor = await current_actor(self)
        self.error = ""
        try:
            with session_scope() as db:
                self._show(inbox.get_case(db, actor, self._action_id()))
        except DomainError as exc:
            self.found, self.case, self.refusal = False, {}, exc.message
            return None
        self.found = True
        return None

    @rx.event
    async def appeal(self, form_data: dict):
        """Send the appeal; only the person the decision affected may."""
        actor = await current_actor(self)
        action_id = self._action_id()
        try:
            with session_scope() as db:
                actions.do_appeal(db, actor, action_id, pick(form_data, "body"))
                self._show(inbox.get_case(db, actor, action_id))
        except DomainError as exc:
            self.error = exc.message
            return answer_error(exc, next_path=self.router.page.path or "/")
        self.error = ""
        return toast_ok("Appeal sent. A moderator will look at it.")
