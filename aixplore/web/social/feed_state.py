"""The home feed's state: a page of items, more on request, "N new" without moving the page."""

from __future__ import annotations

from typing import Any

import reflex as rx

from aixplore.core.db import session_scope
from aixplore.core.errors import DomainError
from aixplore.domain.accounts.models import Actor
from aixplore.domain.social import feed, graph
from aixplore.web.feedback import answer_error
from aixplore.web.session import current_actor
from aixplore.web.social.profile_state import entry_row, person_row

PAGE = 20


class FeedState(rx.State):
    """/feed: newest first; new items wait behind a button so nothing moves while reading."""

    items: list[dict[str, Any]] = []
    next_before: int = 0
    newest: int = 0
    new_count: int = 0
    suggestions: list[dict[str, Any]] = []
    loaded: bool = False

    @rx.var
    def new_label(self) -> str:
        """The button that shows what arrived."""
        count = "99+" if self.new_count > feed.NEW_MAX else str(self.new_count)
        return f"{count} new {'item' if self.new_count == 1 else 'items'}"

    @rx.event
    async def load(self):
        """Read the first page and who to follow."""
        return await self._read_first()

    async def _read_first(self):
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                page = feed.read_feed(db, actor, limit=PAGE)
                picks = graph.suggestions(db, actor)
        except DomainError as exc:
            return answer_error(exc, next_path="/feed")
        self.items = [entry_row(e) for e in page.items]
        self.next_before = page.next_before or 0
        self.newest = page.items[0].id if page.items else 0
        self.new_count, self.loaded = 0, True
        self.suggestions = [person_row(p) for p in picks]
        return None

    @rx.event
    async def load_more(self):
        """Append the next page (the cursor is the last item shown: nothing shifts)."""
        if not self.next_before:
            return None
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                page = feed.read_feed(db, actor, before=self.next_before, limit=PAGE)
        except DomainError as exc:
            return answer_error(exc, next_path="/feed")
        self.items = self.items + [entry_row(e) for e in page.items]
        self.next_before = page.next_before or 0
        return None

    def _count_new(self, actor: Actor) -> None:
        """Count what arrived above the newest item shown (called by the tab's live listener).

        Private: a public method would be a handler any browser could call with an actor.
        """
        with session_scope() as db:
            count = feed.count_new(db, actor, self.newest) if self.newest else 0
            if not self.newest:
                count = len(feed.read_feed(db, actor, limit=PAGE).items)
        if count != self.new_count:
            self.new_count = count

    @rx.event
    async def check_new(self):
        """Count new items now (the live listener does this as items arrive)."""
        actor = await current_actor(self)
        if actor is not None and self.loaded:
            self._count_new(actor)

    @rx.event
    async def show_new(self):
        """Show what arrived: read the first page again and go to its top."""
        refused = await self._read_first()
        return refused or rx.scroll_to("feed-top")
