"""/live: streams live now, coming up and recently over; scheduling one; the stream key."""

from __future__ import annotations

from typing import Any

import reflex as rx

from aixplore.core.db import read_scope, session_scope
from aixplore.core.errors import DomainError
from aixplore.domain.streams import services as streams
from aixplore.domain.streams.models import StreamPublic
from aixplore.web.feedback import answer_error, toast_ok
from aixplore.web.session import current_actor

PAGE = "/live"


def stream_row(s: StreamPublic) -> dict[str, Any]:
    """A stream as the lists show it."""
    return {
        "id": s.id,
        "title": s.title,
        "streamer": s.streamer_name,
        "when": s.starts_at.strftime("%a %d %b %Y, %H:%M UTC"),
        "status": s.status,
        "href": f"{PAGE}/{s.id}",
    }


def _form_data(form: dict[str, Any]) -> dict[str, Any]:
    """The schedule form as the service takes it (a form sends text; the service checks it)."""
    event = str(form.get("event_id", "") or "")
    return {
        "title": form.get("title"),
        "starts_at": form.get("starts_at"),
        "timezone": str(form.get("timezone", "") or "UTC").strip() or "UTC",
        "source": form.get("source"),
        "hls_url": form.get("hls_url", ""),
        "event_id": int(event) if event.isdigit() and len(event) < 10 else (event or None),
        "group": form.get("group") or None,
        "keep_recording": form.get("keep_recording") == "on",
    }


class LiveListState(rx.State):
    """The lists, the schedule form's choices and a new stream key shown once."""

    live: list[dict[str, Any]] = []
    upcoming: list[dict[str, Any]] = []
    ended: list[dict[str, Any]] = []
    signed_in: bool = False
    event_choices: list[list[str]] = []
    group_choices: list[list[str]] = []
    has_key: bool = False
    new_key: str = ""
    server_url: str = ""
    error: str = ""

    @rx.event
    async def load(self):
        """Read the lists (anyone) and, for a member, what they may tie a stream to."""
        actor = await current_actor(self)
        self.error, self.new_key = "", ""
        with read_scope() as db:
            found = streams.list_streams(db, actor)
            if actor is not None:
                events, groups = streams.tie_choices(db, actor)
                self.has_key = streams.has_stream_key(db, actor)
        self.live = [stream_row(s) for s in found["live"]]
        self.upcoming = [stream_row(s) for s in found["scheduled"]]
        self.ended = [stream_row(s) for s in found["ended"]]
        self.signed_in = actor is not None
        if actor is not None:
            self.event_choices = [["", "No event"], *[[str(i), t] for i, t in events]]
            self.group_choices = [["", "No group"], *[[s, n] for s, n in groups]]

    @rx.event
    async def schedule(self, form: dict[str, Any]):
        """Schedule a stream and open its page."""
        actor = await current_actor(self)
        data = _form_data(form if isinstance(form, dict) else {})
        try:
            with session_scope() as db:
                made = streams.do_schedule(db, actor, data)
        except DomainError as exc:
            self.error = exc.message
            return answer_error(exc, next_path=PAGE)
        self.error = ""
        return rx.redirect(f"{PAGE}/{made.id}")

    @rx.event
    async def make_key(self):
        """Make (or replace) the member's stream key and show it this once."""
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                shown = streams.do_new_stream_key(db, actor)
        except DomainError as exc:
            return answer_error(exc, next_path=PAGE)
        self.new_key, self.server_url, self.has_key = shown.stream_key, shown.server_url, True
        return toast_ok("New stream key made; the old one no longer works.")

    @rx.event
    def key_done(self):
        """Forget the shown key (it is never shown again)."""
        self.new_key = ""
