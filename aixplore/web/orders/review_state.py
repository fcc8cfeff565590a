"""State of /orders/[order_id]/review: a local delivery's files, patch and decision."""

from __future__ import annotations

from typing import Any

import reflex as rx

from aixplore.core.errors import DomainError
from aixplore.domain.orders import review
from aixplore.web.feedback import answer_error, toast_ok
from aixplore.web.session import current_actor

DONE = {
    "accept": "Accepted: the branch is merged.",
    "reject_delete": "Rejected: the branch is deleted.",
    "reject_keep": "Rejected: the branch is kept.",
}


class ReviewState(rx.State):
    """One review request; the services decide who may see and decide it."""

    view: dict[str, Any] = {}
    files: list[dict[str, Any]] = []
    lines: list[dict[str, str]] = []
    missing: bool = False
    busy: bool = False
    error: str = ""
    current_id: int = 0

    def _show(self, found: dict[str, Any]) -> None:
        self.files, self.lines = found.pop("files"), found.pop("lines")
        self.view = found
        self.missing, self.busy = False, False

    @rx.event
    async def load(self):
        """Read the review request and its patch."""
        actor = await current_actor(self)
        raw = str(self.router.page.params.get("order_id", ""))
        self.current_id = int(raw) if raw.isdigit() and len(raw) < 12 else 0
        self.error = ""
        try:
            found = await review.load_review(actor, self.current_id)
        except DomainError as exc:
            self.missing, self.view, self.files, self.lines = True, {}, [], []
            return answer_error(exc, next_path="/orders")
        self._show(found)
        return None

    @rx.event
    async def decide(self, decision: str):
        """Accept, or reject deleting or keeping the branch (the service checks who may)."""
        actor = await current_actor(self)
        self.busy, self.error = True, ""
        yield
        try:
            await review.decide(actor, self.current_id, decision)
            found = await review.load_review(actor, self.current_id)
        except DomainError as exc:
            self.busy, self.error = False, exc.message
            yield answer_error(exc, next_path="/orders")
            return
        self._show(found)
        yield toast_ok(DONE.get(str(decision), "Done."))
