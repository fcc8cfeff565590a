"""/live/[stream_id]: the stream, its chat, its viewer count, and the streamer's controls.

While the page is open, :meth:`StreamState.watch` (a background task of this worker) listens
on the stream's live channel (``core/live.py``) and, for each notice, reads from the database
what changed after the last chat change it saw; it also counts the tab as watching every
:data:`BEAT` seconds. Reflex runs the page's loads again on every reconnect, which starts a
new watcher (on whichever worker the socket now reaches): nothing is lost, nothing shown twice.
"""

from __future__ import annotations

import hashlib
from typing import Any

import reflex as rx

from aixplore.core import live
from aixplore.core.db import read_scope, session_scope
from aixplore.core.errors import DomainError
from aixplore.core.settings import get_settings
from aixplore.domain.accounts import actor_cache
from aixplore.domain.accounts.models import Actor
from aixplore.domain.streams import chat, ingest
from aixplore.domain.streams import reporting as _reporting  # noqa: F401 - registers "chat line"
from aixplore.domain.streams import services as streams
from aixplore.domain.streams.models import ChatLinePublic, StreamPublic
from aixplore.web.feedback import answer_error, toast_ok
from aixplore.web.live import _socket_here
from aixplore.web.session import SessionState, current_actor

PAGE = "/live"
COMPOSER = "chat-line"
BEAT = 10  # seconds between a watching tab's heartbeats (and status re-reads)
SLOW_CHOICES = [0, 5, 10, 30, 60, 120]


def _line(line: ChatLinePublic, me: int) -> dict[str, Any]:
    return {
        "id": line.id,
        "seq": line.seq,
        "author": line.author_name,
        "author_id": line.author_id,
        "mine": line.author_id == me,
        "body": "Removed by a moderator." if line.deleted else line.body,
        "deleted": line.deleted,
        "when": line.created_at.strftime("%H:%M"),
    }


def _tab(token: str) -> str:
    """The tab as the viewer count stores it (never the raw client token)."""
    return hashlib.sha256(token.encode()).hexdigest()[:32]


class StreamState(rx.State):
    """One stream's page."""

    sid: int = 0
    title: str = ""
    streamer: str = ""
    streamer_handle: str = ""
    status: str = ""
    source: str = ""
    when: str = ""
    play_url: str = ""
    recording_url: str = ""
    recording_label: str = ""
    event_title: str = ""
    event_href: str = ""
    group_name: str = ""
    group_href: str = ""
    slow_mode: int = 0
    slow_choice: str = "0"  # the slow-mode select's value
    followers_only: bool = False
    is_streamer: bool = False
    is_moderator: bool = False
    signed_in: bool = False
    moderators: list[str] = []
    viewers: int = 0
    rows: list[dict[str, Any]] = []
    announcement: str = ""
    missing: bool = False
    server_url: str = ""
    _cursor: int = 0
    _generation: int = 0

    def _show(self, s: StreamPublic, actor: Actor | None) -> None:
        self.sid, self.title, self.status, self.source = s.id, s.title, s.status, s.source
        self.streamer, self.streamer_handle = s.streamer_name, s.streamer_handle
        self.when = s.starts_at.strftime("%a %d %b %Y, %H:%M UTC")
        self.play_url, self.recording_url = s.play_url, s.recording_url
        # The MP4 once the job has remuxed it; nginx's FLV until then.
        mp4 = s.recording_url.endswith(".mp4")
        self.recording_label = f"{'Watch or download' if mp4 else 'Download'} the recording " + (
            "(MP4)" if mp4 else "(FLV)"
        )
        self.event_title = s.event_title
        self.event_href = f"/events/{s.event_id}" if s.event_id else ""
        self.group_name = s.group_name
        self.group_href = f"/groups/{s.group_slug}" if s.group_slug else ""
        self.slow_mode, self.followers_only = s.slow_mode_seconds, s.followers_only
        self.slow_choice = str(s.slow_mode_seconds)
        self.is_streamer = actor is not None and actor.user_id == s.streamer_id

    def _read(self, actor: Actor | None) -> None:
        """Read the stream and whether the viewer moderates it."""
        with read_scope() as db:
            row = streams.visible_stream(db, actor, self.sid)
            self._show(streams.public(db, row), actor)
            self.is_moderator = actor is not None and streams.is_chat_moderator(
                db, row, actor.user_id
            )
            self.moderators = streams.list_moderators(db, row) if self.is_streamer else []

    def _catch_up(self, actor: Actor | None) -> None:
        with read_scope() as db:
            batch = chat.read_chat(db, actor, self.sid, after=self._cursor)
        self._cursor = batch.cursor
        if not batch.items:
            return
        me = actor.user_id if actor else 0
        by_seq = {r["seq"]: r for r in self.rows}
        arrived = [x for x in batch.items if x.seq not in by_seq and x.author_id != me]
        for x in batch.items:
            by_seq[x.seq] = _line(x, me)
        self.rows = [by_seq[s] for s in sorted(by_seq)][-chat.PAGE * 4 :]
        if arrived and not arrived[-1].deleted:
            self.announcement = f"{arrived[-1].author_name}: {arrived[-1].body}"

    @rx.event
    async def load(self):
        """Open the page: the stream, the newest chat lines, then watch for what comes."""
        actor = await current_actor(self)
        self.missing, self.announcement, self.viewers = False, "", 0
        self.signed_in = actor is not None
        wanted = self.router.page.params.get("stream_id", "")
        try:
            self.sid = int(wanted) if wanted.isdigit() and len(wanted) < 10 else 0
            self._read(actor)
            with read_scope() as db:
                batch = chat.read_chat(db, actor, self.sid)
        except DomainError:
            self.sid, self.missing, self.rows = 0, True, []
            return None
        me = actor.user_id if actor else 0
        self.rows, self._cursor = [_line(x, me) for x in batch.items], batch.cursor
        self.server_url = ""
        if self.is_streamer and self.source == "rtmp":
            self.server_url = get_settings().stream_rtmp_url
        self._generation += 1
        return StreamState.watch(self._generation)

    @rx.event(background=True)
    async def watch(self, generation: Any):
        """Follow the stream's chat, status and viewers until the page goes or is superseded.

        Public like every handler: it reads only what the tab's own viewer may read, for the
        tab's newest generation only.
        """
        async with self:
            if not isinstance(generation, int) or generation != self._generation or not self.sid:
                return
            token = self.router.session.client_token
            sid = self.sid
            session_token = (await self.get_state(SessionState))._token()
        tab = _tab(token)
        leave = True  # a newer watcher of this tab keeps counting it
        try:
            async with live.subscribe(ingest.stream_channel(sid)) as sub:
                item: dict[str, Any] | None = live.RESYNC
                while _socket_here(token):
                    async with self:
                        if generation != self._generation:
                            leave = False
                            return
                        if (self.router.url.path or "").rstrip("/") != f"{PAGE}/{sid}":
                            return  # the tab moved on to another page
                        actor = actor_cache.authenticate(session_token)
                        try:
                            if item is None or item.get("kind") in ("status", "resync"):
                                self._read(actor)
                                with session_scope() as db:
                                    self.viewers = chat.do_seen(db, actor, sid, tab)
                            if item is None or item.get("kind") in ("chat", "resync"):
                                self._catch_up(actor)  # a notice is a hint: look anyway
                        except DomainError:
                            return  # the stream is gone or out of the viewer's sight
                    item = await sub.get(BEAT)
        finally:
            if leave:
                with session_scope() as db:
                    chat.do_leave(db, sid, tab)

    async def _act(self, action: Any, *args: Any, done: str = ""):
        """Run a service as the signed-in member on this stream, then show what changed."""
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                action(db, actor, self.sid, *args)
            self._read(actor)
            self._catch_up(actor)
        except DomainError as exc:
            return answer_error(exc, next_path=f"{PAGE}/{self.sid}")
        return toast_ok(done) if done else None

    @rx.event
    async def send(self, form: dict[str, Any]):
        """Send the composer's line; cleared once stored (kept while refused or offline)."""
        body = form.get("body") if isinstance(form, dict) else None
        refused = await self._act(chat.do_send_line, body)
        return refused if refused is not None else rx.set_value(COMPOSER, "")

    @rx.event
    async def delete_line(self, seq: Any):
        """Delete a chat line for everyone (moderators)."""
        return await self._act(chat.do_delete_line, seq, done="Line removed.")

    @rx.event
    async def time_out(self, user_id: Any):
        """Keep a chatter out of the chat for ten minutes (moderators)."""
        return await self._act(chat.do_timeout, user_id, 10, done="Timed out for 10 minutes.")

    @rx.event
    async def set_modes(self, form: dict[str, Any]):
        """Set slow mode and followers-only mode (the streamer)."""
        raw = str(form.get("slow_mode", "")) if isinstance(form, dict) else ""
        seconds: Any = int(raw) if raw.isdigit() and len(raw) < 6 else raw
        followers = isinstance(form, dict) and form.get("followers_only") == "on"
        return await self._act(streams.do_set_chat_modes, seconds, followers, done="Chat updated.")

    @rx.event
    async def add_moderator(self, form: dict[str, Any]):
        """Name a chat moderator by @handle (the streamer)."""
        handle = form.get("handle") if isinstance(form, dict) else None
        return await self._act(streams.do_add_moderator, handle, done="Moderator added.")

    @rx.event
    async def remove_moderator(self, handle: Any):
        """Take someone's chat moderation away (the streamer)."""
        return await self._act(streams.do_remove_moderator, handle, done="Moderator removed.")

    @rx.event
    async def go_live(self):
        """Start a stream played from the streamer's own origin."""
        return await self._act(ingest.do_go_live, done="You are live.")

    @rx.event
    async def end(self):
        """End the stream now."""
        return await self._act(ingest.do_end, done="The stream has ended.")
