"""Each open tab listens to its member's live channel (``core/live.py``) while it is connected.

Every page's loads end with :meth:`LiveState.start` (``web/app.py``): it reads the bell's count
and starts :meth:`LiveState.listen`, a background task of this worker that waits on the
member's channel and, for each notice, updates the states the notice is about under the tab's
state lock: the bell (and the list on /notifications), the open conversation on /messages,
the "N new" button on /feed. Reflex runs a page's loads again on every reconnect, so a tab
whose socket moved to another worker (this one died) gets a new listener there, which first
catches up from the database. A listener ends when a newer one starts for its tab, or when
its tab's socket is no longer on this worker.

The browser tab's title shows the unread count, as "(3) Page title".
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import reflex as rx
from reflex_base.registry import RegistrationContext

from aixplore.core import live
from aixplore.domain.accounts import actor_cache
from aixplore.web import tab_view
from aixplore.web.messaging.state import MessagesState
from aixplore.web.notifications.state import (
    NotificationBellState,
    NotificationsState,
    title_script,
)
from aixplore.web.session import SessionState, current_actor
from aixplore.web.social.feed_state import FeedState

log = logging.getLogger(__name__)

WAKE_SECONDS = 5  # an idle listener checks its tab this often (and clears stale typing)
# This worker's newest listener per tab: (generation, task). A browser that calls ``listen``
# again for its tab gets no second task.
_listeners: dict[str, tuple[int, asyncio.Task[Any] | None]] = {}


def _socket_here(token: str) -> bool:
    """Whether the tab's socket is connected to this worker."""
    namespace = RegistrationContext.get().app.event_namespace
    if namespace is None:
        return False
    manager = namespace._token_manager
    record = manager.token_to_socket.get(token)
    return record is not None and record.instance_id == manager.instance_id


def _current(token: str, generation: int) -> bool:
    mine = _listeners.get(token)
    return mine is not None and mine[0] == generation and _socket_here(token)


class LiveState(rx.State):
    """Which listener is this tab's newest."""

    _generation: int = 0

    @rx.event
    async def start(self):
        """Count the bell, then listen for what happens next (ends any older listener)."""
        bell = await self.get_state(NotificationBellState)
        actor = await current_actor(self)
        if actor is None:
            bell._show(0)
            return title_script(0)
        bell._recount(actor)
        self._generation += 1
        return [LiveState.listen(self._generation), title_script(bell.unread)]

    @rx.event(background=True)
    async def listen(self, generation: Any):
        """Wait for the member's live notices and apply them until superseded.

        Public like every handler: it listens only to the signed-in member's own channel, and
        only for the tab's newest generation, once per worker.
        """
        async with self:
            token = self.router.session.client_token
            if generation != self._generation or not isinstance(generation, int):
                return
            mine = _listeners.get(token)
            if mine is not None and mine[0] == generation:
                return  # this tab's listener runs already
            if mine is not None and mine[1] is not None:
                mine[1].cancel()  # an older one of this tab (its state may have been lost)
            _listeners[token] = (generation, asyncio.current_task())
            actor = await current_actor(self)
            # Checked again against the server-side session at each notice; kept here because
            # a state lost while the page stays open (Redis restarted) no longer holds it.
            session_token = (await self.get_state(SessionState))._token()
            tab_view.start(token, generation, self.router.url.path or "")
        if actor is None:
            tab_view.end(token, generation)
            return
        try:
            async with live.subscribe(live.user_channel(actor.user_id)) as sub:
                # Whatever happened between the page's load and this subscription.
                item: dict[str, Any] | None = live.RESYNC
                typing = False
                while _current(token, generation):
                    if (item is None and typing) or (
                        item is not None and tab_view.wanted(token, item)
                    ):
                        applied = await self._apply(generation, item, session_token)
                        if applied is None:
                            return
                        shown, typing = applied
                        if shown >= 0:
                            yield title_script(shown)
                    item = await sub.get(WAKE_SECONDS)
        finally:
            tab_view.end(token, generation)
            if _listeners.get(token, (0, None))[0] == generation:
                del _listeners[token]

    async def _apply(
        self, generation: int, item: dict[str, Any] | None, session_token: str
    ) -> tuple[int, bool] | None:
        """Apply one notice (None: a wake to clear a stale "is typing").

        Returns the new unread count if it changed (else -1) and whether someone is shown
        typing; None when this listener should end (superseded, signed out).
        """
        async with self:
            if self._generation == 0:
                # The tab's state was lost (Redis restarted) while its page stayed open: this
                # listener carries on for it, and the page's own loads read the rest again.
                self._generation, item = generation, live.RESYNC
            if generation != self._generation:
                return None
            actor = actor_cache.authenticate(session_token)
            if actor is None:
                return None
            messaging = await self.get_state(MessagesState)
            if item is None:
                messaging._typing_expired()
                return -1, bool(messaging.typing)
            kind = item.get("kind")
            path = (self.router.url.path or "").rstrip("/")
            shown = -1
            if kind in ("notification", "resync"):
                bell = await self.get_state(NotificationBellState)
                before = bell.unread
                bell._recount(actor)
                if bell.unread != before or kind == "resync":
                    shown = bell.unread
                if path == "/notifications":
                    (await self.get_state(NotificationsState))._take_newest(actor)
            if path.startswith("/messages"):
                messaging._live(actor, item)
            if kind in ("feed", "resync") and path == "/feed":
                (await self.get_state(FeedState))._count_new(actor)
            return shown, bool(messaging.typing)
