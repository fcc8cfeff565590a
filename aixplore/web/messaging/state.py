"""/messages and /messages/[conversation_id]: the list, the open conversation, the composer.

What the page shows comes from the database: on load, then after each live notice
(:meth:`MessagesState._live`, called by ``web/live.py``) it reads what changed after the last
change it saw. The composer is not bound to state: what was typed stays in the browser while
the socket is down, and is cleared only once the server stored the message.
"""

from __future__ import annotations

import time
from typing import Any

import reflex as rx

from aixplore.core.db import read_scope, session_scope
from aixplore.core.errors import DomainError
from aixplore.domain.accounts.models import Actor
from aixplore.domain.messaging import messages
from aixplore.domain.messaging import services as conversations
from aixplore.domain.messaging.models import MessagePublic
from aixplore.domain.solutions.media import SHOT_MAX_BYTES as IMAGE_MAX_BYTES
from aixplore.web import tab_view
from aixplore.web.feedback import answer_error, toast_ok
from aixplore.web.messaging.rows import excerpt, message_row, number, summary_row, with_excerpts
from aixplore.web.session import current_actor

PAGE = "/messages"
COMPOSER = "message-body"
ATTACHMENT = "message-image"
TYPING_SECONDS = 6


class MessagesState(rx.State):
    """The signed-in member's conversations and the one open."""

    conversations: list[dict[str, Any]] = []
    requests: list[dict[str, Any]] = []
    open_id: int = 0
    title: str = ""
    status: str = ""
    muted: bool = False
    rows: list[dict[str, Any]] = []
    older: bool = False
    typing: str = ""
    seen: str = ""
    announcement: str = ""
    reply_to: int = 0
    reply_excerpt: str = ""
    editing: int = 0
    receipts_on: bool = True
    missing: bool = False
    _cursor: int = 0
    # How far the others read, for those who share it: user id -> (name, last read sequence).
    _read_by: dict[int, tuple[str, int]] = {}
    _typing_until: float = 0.0

    @rx.var
    def composer_label(self) -> str:
        """The composer's label: what pressing Send will do."""
        if self.editing:
            return "Edit your message"
        return f"Reply to: {self.reply_excerpt}" if self.reply_to else "Write a message"

    def _read_list(self, actor: Actor) -> None:
        with read_scope() as db:
            mine = conversations.list_conversations(db, actor)
            asked = conversations.list_conversations(db, actor, requests=True)
            self.receipts_on = conversations.read_receipts_on(db, actor.user_id)
        self.conversations = [summary_row(c) for c in mine]
        self.requests = [summary_row(c) for c in asked]
        self._note_view()

    def _note_view(self) -> None:
        """Tell this worker's live listener what the tab shows (``web/tab_view.py``)."""
        first = self.conversations[0]["id"] if self.conversations else 0
        tab_view.note(
            self.router.session.client_token,
            open_id=self.open_id,
            cursor=self._cursor,
            first_id=first,
        )

    def _to_top(self, actor: Actor) -> None:
        """The open conversation just had a message of mine: first in my list now."""
        found = next((c for c in self.conversations if c["id"] == self.open_id), None)
        if found is None:
            self._read_list(actor)  # a request that my answer accepted
            return
        if self.conversations[0]["id"] != self.open_id:
            # By id: each read of a state list's item is a new proxy, never the same object.
            rest = [c for c in self.conversations if c["id"] != self.open_id]
            self.conversations = [dict(found), *rest]
        self._note_view()

    def _open(self, actor: Actor, value: Any) -> None:
        with session_scope() as db:
            summary = conversations.get_summary(db, actor, value)
            batch = messages.read_history(db, actor, summary.id)
            messages.do_mark_read(db, actor, summary.id, batch.cursor)
        self.open_id, self.title, self.status = summary.id, summary.title, summary.status
        self.muted, self.older, self._cursor = summary.muted, batch.more, batch.cursor
        self.rows = with_excerpts([message_row(m, actor.user_id) for m in batch.items])
        self.typing, self.reply_to, self.editing, self.missing = "", 0, 0, False
        self._read_receipts(actor)
        self._note_view()

    def _read_receipts(self, actor: Actor) -> None:
        """Read how far the others have read (those who share it; none if I do not)."""
        self._read_by = {}
        if self.receipts_on and self.open_id:
            with read_scope() as db:
                found = messages.receipts(db, actor, self.open_id)
            self._read_by = {r.user_id: (r.name, r.last_read_seq) for r in found}
        self._show_seen()

    def _receipt(self, actor: Actor, item: dict[str, Any]) -> None:
        """Someone read further (a live notice naming them and how far)."""
        user, upto = item.get("user"), item.get("upto")
        if not isinstance(user, int) or not isinstance(upto, int) or user not in self._read_by:
            self._read_receipts(actor)  # someone new to this page (or an older notice)
            return
        name, before = self._read_by[user]
        self._read_by = {**self._read_by, user: (name, max(before, upto))}
        self._show_seen()

    def _show_seen(self) -> None:
        """ "Seen by ..." under the last of my messages (from what is known, no query)."""
        last_mine = max((r["seq"] for r in self.rows if r["mine"]), default=0)
        names = sorted(n for n, upto in self._read_by.values() if last_mine and upto >= last_mine)
        self.seen = "Seen by " + ", ".join(names[:3]) + (" and others" if len(names) > 3 else "")
        if not names:
            self.seen = ""

    @rx.event
    async def load(self):
        """Open the page: the list, and the conversation the address names."""
        actor = await current_actor(self)
        if actor is None:
            return None
        self.announcement = ""
        try:
            self._read_list(actor)
            wanted = self.router.page.params.get("conversation_id")
            if wanted:
                self._open(actor, wanted)
                self._read_list(actor)  # its unread count is read now
            else:
                self.open_id, self.rows = 0, []
                self._note_view()
        except DomainError as exc:
            self.open_id, self.rows, self.missing = 0, [], True
            return answer_error(exc, next_path=PAGE)
        return None

    def _live(self, actor: Actor, item: dict[str, Any]) -> None:
        """Apply a live notice (``web/live.py``): read what changed since the last change seen.

        Private: Reflex makes every public method a handler any browser may call.
        """
        kind, about = item.get("kind"), item.get("conversation")
        if kind == "typing":
            if about == self.open_id and item.get("user") != actor.user_id:
                self.typing = f"{str(item.get('name', 'Someone'))[:60]} is typing…"
                self._typing_until = time.monotonic() + TYPING_SECONDS
            return
        if self.open_id and (kind == "resync" or about == self.open_id):
            if kind == "read":
                self._receipt(actor, item)
                return
            seq = item.get("seq")
            if kind == "resync" or not isinstance(seq, int) or seq > self._cursor:
                self._catch_up(actor)  # (a message this tab sent is shown already)
        open_first = bool(self.conversations) and self.conversations[0]["id"] == self.open_id
        if kind == "resync" or (kind == "message" and not (about == self.open_id and open_first)):
            self._read_list(actor)  # (the open conversation, first already, stays read)

    def _catch_up(self, actor: Actor) -> None:
        with session_scope() as db:
            batch = messages.read_changes(db, actor, self.open_id, after=self._cursor)
            if batch.items:
                messages.do_mark_read(db, actor, self.open_id, batch.cursor)
        self._cursor = batch.cursor
        self._note_view()
        if not batch.items:
            return
        by_seq = {r["seq"]: r for r in self.rows}
        arrived = [m for m in batch.items if m.seq not in by_seq and m.sender_id != actor.user_id]
        for m in batch.items:
            by_seq[m.seq] = message_row(m, actor.user_id)
        self.rows = with_excerpts([by_seq[s] for s in sorted(by_seq)])
        if arrived:
            last = arrived[-1]
            self.announcement = f"New message from {last.sender_name}: {excerpt(last.body)}"
            self.typing = ""
        self._show_seen()

    def _typing_expired(self) -> bool:
        """Clear "is typing" once it is stale; whether it was cleared."""
        if self.typing and time.monotonic() > self._typing_until:
            self.typing = ""
            return True
        return False

    @rx.event
    async def load_older(self):
        """Put the previous page of messages above the first one shown."""
        actor = await current_actor(self)
        first = self.rows[0]["seq"] if self.rows else None
        try:
            with read_scope() as db:
                batch = messages.read_history(db, actor, self.open_id, before=first)
        except DomainError as exc:
            return answer_error(exc, next_path=PAGE)
        me = actor.user_id if actor else 0
        self.rows = with_excerpts([*[message_row(m, me) for m in batch.items], *self.rows])
        self.older = batch.more
        return None

    @rx.event
    async def send(self, form: dict[str, Any]):
        """Send (or save the edit of) the composer's text; cleared once stored."""
        actor = await current_actor(self)
        body = form.get("body") if isinstance(form, dict) else None
        new = not self.editing
        sent = None
        try:
            with session_scope() as db:
                if not new:
                    messages.do_edit(db, actor, self.open_id, self.editing, body)
                else:
                    sent = messages.do_send(db, actor, self.open_id, body, self.reply_to or None)
        except DomainError as exc:
            return answer_error(exc, next_path=PAGE)
        self.reply_to, self.editing, self.status = 0, 0, "active"
        if actor is None:
            return rx.set_value(COMPOSER, "")
        if sent is not None and sent.seq == self._cursor + 1:
            self._add_mine(sent, actor)  # nothing else changed since: shown without a read
        else:
            self._catch_up(actor)
        if sent is not None:
            self._to_top(actor)
        return rx.set_value(COMPOSER, "")

    def _add_mine(self, sent: MessagePublic, actor: Actor) -> None:
        """Show the message I just sent, the one change after what the page shows."""
        self.rows = with_excerpts([*self.rows, message_row(sent, actor.user_id)])
        self._cursor = sent.seq
        self._note_view()
        self._show_seen()

    @rx.event
    async def send_image(self, files: list[rx.UploadFile]):
        """Send the image chosen in the composer's file field (checked by the service)."""
        actor = await current_actor(self)
        if not isinstance(files, list) or len(files) != 1:
            return answer_error(DomainError("Choose one image."))
        data = await files[0].read(IMAGE_MAX_BYTES + 1)
        try:
            with session_scope() as db:
                messages.do_send(db, actor, self.open_id, "", self.reply_to or None, image=data)
        except DomainError as exc:
            return answer_error(exc, next_path=PAGE)
        self.reply_to, self.status = 0, "active"
        if actor is not None:
            self._catch_up(actor)
            self._to_top(actor)
        return rx.clear_selected_files(ATTACHMENT)

    @rx.event
    async def typed(self, _value: Any = None):
        """The composer changed (throttled by the page): tell the others."""
        actor = await current_actor(self)
        if actor is None or not self.open_id:
            return None
        try:
            with read_scope() as db:
                messages.do_typing(db, actor, self.open_id)
        except DomainError:
            return None  # typing is a courtesy: a refusal is not worth a toast
        return None

    @rx.event
    def reply(self, seq: Any):
        """Answer one message (shown above the composer)."""
        found = next((r for r in self.rows if r["seq"] == number(seq)), None)
        if found is None:
            return None
        self.reply_to, self.editing = found["seq"], 0
        self.reply_excerpt = excerpt(found["body"])
        return rx.set_focus(COMPOSER)

    @rx.event
    def edit(self, seq: Any):
        """Put one of my messages into the composer to change it."""
        found = next((r for r in self.rows if r["seq"] == number(seq) and r["mine"]), None)
        if found is None or found["deleted"]:
            return None
        self.editing, self.reply_to = found["seq"], 0
        return [rx.set_value(COMPOSER, found["body"]), rx.set_focus(COMPOSER)]

    @rx.event
    def cancel(self):
        """Stop replying or editing."""
        self.reply_to, self.editing = 0, 0
        return rx.set_value(COMPOSER, "")

    @rx.event
    async def delete(self, seq: Any):
        """Delete one of my messages for everyone."""
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                messages.do_delete(db, actor, self.open_id, seq)
        except DomainError as exc:
            return answer_error(exc, next_path=PAGE)
        if actor is not None:
            self._catch_up(actor)
        return toast_ok("Message deleted for everyone.")

    @rx.event
    async def accept(self):
        """Accept the open message request."""
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                conversations.do_accept(db, actor, self.open_id)
        except DomainError as exc:
            return answer_error(exc, next_path=PAGE)
        self.status = "active"
        if actor is not None:
            self._read_list(actor)
        return None

    @rx.event
    async def toggle_mute(self):
        """Mute or unmute the open conversation."""
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                conversations.do_set_muted(db, actor, self.open_id, not self.muted)
        except DomainError as exc:
            return answer_error(exc, next_path=PAGE)
        self.muted = not self.muted
        if actor is not None:
            self._read_list(actor)
        return toast_ok("Conversation muted." if self.muted else "Conversation unmuted.")

    @rx.event
    async def set_receipts(self, on: Any):
        """Send read receipts, or stop."""
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                conversations.do_set_read_receipts(db, actor, on)
        except DomainError as exc:
            return answer_error(exc, next_path=PAGE)
        self.receipts_on = bool(on)
        if actor is not None and self.open_id:
            self._read_receipts(actor)
        return None

    @rx.event
    async def start(self, form: dict[str, Any]):
        """Start a conversation with one person, or a named group with several."""
        actor = await current_actor(self)
        people = form.get("people") if isinstance(form, dict) else None
        name = form.get("title", "") if isinstance(form, dict) else ""
        handles = [h for h in str(people or "").replace(",", " ").split() if h]
        try:
            with session_scope() as db:
                if len(handles) == 1 and not str(name).strip():
                    made = conversations.do_start_direct(db, actor, handles[0])
                else:
                    made = conversations.do_start_group(db, actor, name, handles)
        except DomainError as exc:
            return answer_error(exc, next_path=PAGE)
        return rx.redirect(f"{PAGE}/{made}")
