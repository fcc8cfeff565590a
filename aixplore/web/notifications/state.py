"""The bell's unread count (kept current by the tab's live listener, ``web/live.py``) and the
/notifications page."""

from __future__ import annotations

import json
from typing import Any

import reflex as rx

from aixplore.core.db import read_scope, session_scope
from aixplore.core.errors import DomainError
from aixplore.domain.accounts.models import Actor
from aixplore.domain.notifications import services as notifications
from aixplore.domain.notifications.models import NotificationPublic
from aixplore.web.feedback import answer_error, toast_ok
from aixplore.web.session import current_actor

PAGE = "/notifications"


def title_script(unread: int) -> rx.event.EventSpec:
    """Put the unread count in front of the browser tab's title (or take it away)."""
    prefix = json.dumps(f"({unread if unread < 100 else '99+'}) " if unread else "")
    return rx.call_script(
        f"document.title = {prefix} + document.title.replace(/^\\(\\d+\\+?\\) /, '')"
    )


class NotificationBellState(rx.State):
    """The unread count behind the bell; every tab re-reads it from the database."""

    unread: int = 0

    @rx.var
    def badge(self) -> str:
        """The number on the bell."""
        return "99+" if self.unread > 99 else str(self.unread)

    @rx.var
    def bell_label(self) -> str:
        """The bell's accessible name."""
        return f"Notifications, {self.unread} unread" if self.unread else "Notifications"

    def _show(self, count: int) -> None:
        if count != self.unread:  # an unchanged count sends nothing to the browser
            self.unread = count

    def _recount(self, actor: Actor) -> None:
        """Read the unread count now (one indexed count).

        Private (underscored): Reflex makes every public state method an event handler that
        any browser can call with any arguments, and this one takes the actor.
        """
        with read_scope() as db:
            self._show(notifications.unread_count(db, actor))


def _row(n: NotificationPublic) -> dict[str, Any]:
    return {
        "id": n.id,
        "kind": n.kind,
        "title": n.title,
        "body": n.body,
        "link": n.link,
        "when": n.created_at.strftime("%Y-%m-%d %H:%M UTC"),
        "read": n.read,
        "group_key": n.group_key,
    }


class NotificationsState(rx.State):
    """/notifications: newest first, a page at a time."""

    rows: list[dict[str, Any]] = []
    more: bool = False
    loaded: bool = False

    def _read(self, actor: Actor | None, before_id: int | None) -> None:
        with read_scope() as db:
            page = notifications.list_my_notifications(db, actor, before_id=before_id)
        fresh = [_row(n) for n in page.items]
        self.rows = fresh if before_id is None else [*self.rows, *fresh]
        self.more, self.loaded = page.more, True

    def _take_newest(self, actor: Actor) -> None:
        """Put notifications newer than the top row at the top (the pages below stay)."""
        if not self.loaded:
            return
        with read_scope() as db:
            page = notifications.list_my_notifications(db, actor, before_id=None)
        top = self.rows[0]["id"] if self.rows else 0
        fresh = [_row(n) for n in page.items if (n.id or 0) > top]
        if fresh:
            # A grouped notification replaces the unread row it took in: drop that one (a read
            # row with the same key stays: the server groups only unread ones).
            regrouped = {r["group_key"] for r in fresh if r["group_key"]}
            kept = [r for r in self.rows if r["read"] or r.get("group_key", "") not in regrouped]
            self.rows = [*fresh, *kept]

    async def _recount_bell(self, actor: Actor | None) -> rx.event.EventSpec | None:
        """Count the bell again; the tab title's new count."""
        if actor is None:
            return None
        bell = await self.get_state(NotificationBellState)
        bell._recount(actor)
        return title_script(bell.unread)

    @rx.event
    async def load(self):
        """Read the newest page."""
        actor = await current_actor(self)
        try:
            self._read(actor, None)
        except DomainError as exc:
            return answer_error(exc, next_path=PAGE)
        return None

    @rx.event
    async def load_more(self):
        """Append the next older page."""
        actor = await current_actor(self)
        try:
            self._read(actor, self.rows[-1]["id"] if self.rows else None)
        except DomainError as exc:
            return answer_error(exc, next_path=PAGE)
        return None

    @rx.event
    async def open(self, notification_id: int):
        """Mark one read as its link is followed (the browser navigates by itself)."""
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                opened = notifications.do_mark_read(db, actor, notification_id)
            title = await self._recount_bell(actor)
        except DomainError as exc:
            return answer_error(exc, next_path=PAGE)
        self.rows = [{**r, "read": True} if r["id"] == opened.id else r for r in self.rows]
        return title

    @rx.event
    async def mark_all_read(self):
        """Mark every notification read."""
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                notifications.do_mark_all_read(db, actor)
            title = await self._recount_bell(actor)
        except DomainError as exc:
            return answer_error(exc, next_path=PAGE)
        self.rows = [{**r, "read": True} for r in self.rows]
        return [toast_ok("All notifications are marked as read."), title]
