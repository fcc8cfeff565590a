"""The bell's unread count (polled while signed in) and the /notifications page."""

from __future__ import annotations

from typing import Any

import reflex as rx

from aixplore.core.db import read_scope, session_scope
from aixplore.core.errors import DomainError
from aixplore.domain.accounts.models import Actor
from aixplore.domain.notifications import services as notifications
from aixplore.domain.notifications.models import NotificationPublic
from aixplore.web.feedback import answer_error, toast_ok
from aixplore.web.session import current_actor
from aixplore.web.social.feed_state import FeedState

POLL_SECONDS = 20
PAGE = "/notifications"


def _loop_number(value: Any) -> bool:
    """Whether ``value`` can be a poll loop's number."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31


class NotificationBellState(rx.State):
    """The unread count behind the bell; every tab re-reads it from the database."""

    unread: int = 0
    _loop: int = 0

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

    @rx.event
    async def start(self):
        """A page's top bar appeared: count, then poll; a newer loop ends older ones."""
        self._loop += 1
        actor = await current_actor(self)
        if actor is None:
            self._show(0)
            return None
        self._recount(actor)
        return self._next_poll()

    def _next_poll(self) -> Any:
        # The browser waits (longer while the tab is hidden), then calls tick with the loop's
        # number; only the newest loop carries on.
        wait = (
            "new Promise((resolve) => { const wait = () => setTimeout(() => document.hidden ? "
            f"wait() : resolve({self._loop}), {POLL_SECONDS * 1000}); wait(); }})"
        )
        return rx.call_script(wait, callback=NotificationBellState.tick)

    @rx.event
    async def tick(self, loop: Any = None):
        """The poll's callback: recount while signed in; stops on sign-out or a newer loop."""
        if self._loop == 0 and _loop_number(loop):
            self._loop = loop  # the tab's state was lost (web/lost_state.py): carry its loop on
        if loop != self._loop:
            return None
        actor = await current_actor(self)
        if actor is None:
            self._show(0)
            return None
        self._recount(actor)
        if (self.router.url.path or "").rstrip("/") == "/feed":
            # The feed is open: count what arrived above it, without moving what is shown.
            (await self.get_state(FeedState))._count_new(actor)
        if (self.router.url.path or "").rstrip("/") == PAGE:
            # The list is open: what arrived since shows at its top, without a reload.
            listing = await self.get_state(NotificationsState)
            listing._take_newest(actor)
        return self._next_poll()


def _row(n: NotificationPublic) -> dict[str, Any]:
    return {
        "id": n.id,
        "kind": n.kind,
        "title": n.title,
        "body": n.body,
        "link": n.link,
        "when": n.created_at.strftime("%Y-%m-%d %H:%M UTC"),
        "read": n.read,
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
            self.rows = [*fresh, *self.rows]

    async def _recount_bell(self, actor: Actor | None) -> None:
        if actor is not None:
            bell = await self.get_state(NotificationBellState)
            bell._recount(actor)

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
            await self._recount_bell(actor)
        except DomainError as exc:
            return answer_error(exc, next_path=PAGE)
        self.rows = [{**r, "read": True} if r["id"] == opened.id else r for r in self.rows]
        return None

    @rx.event
    async def mark_all_read(self):
        """Mark every notification read."""
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                notifications.do_mark_all_read(db, actor)
            await self._recount_bell(actor)
        except DomainError as exc:
            return answer_error(exc, next_path=PAGE)
        self.rows = [{**r, "read": True} for r in self.rows]
        return toast_ok("All notifications are marked as read.")
