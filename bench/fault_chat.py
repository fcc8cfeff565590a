"""The fault drill's conversation: two members on two backend workers, writing to each other.

Each member has one tab on ``/messages/<id>`` (``tests/support/reflex_client.py``), placed so
that the two tabs' sockets are on different backend workers (found from ``/proc``: which
worker holds the server end of the tab's connection). Both send a message every ``pause``
seconds through the composer's handler while the faults happen; a send counts as *confirmed*
when the page cleared the composer or showed the message (it was stored). A tab whose socket dropped
reconnects with its tab token and cookies and loads the page again, as the front end does;
the other tab never reloads: what it shows arrives as pushed state.

Every state update a tab receives is checked as it arrives: the messages it shows are in
sequence order, each sequence number and each message once. The drill then checks (see
:func:`verdict`) that every stored message reached both tabs with its sequence number,
that every confirmed send is stored exactly once, and that after the faults a message still
arrives live in both directions.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aixplore.web.messaging.state import MessagesState
from tests.support.reflex_client import ReflexClient

LIVE_LIMIT = 15.0  # seconds for the closing messages to arrive by themselves


@dataclass
class Send:
    """One message a tab tried to send."""

    body: str
    started: float
    finished: float = 0.0
    confirmed: bool = False
    error: str = ""


class ChatTab(ReflexClient):
    """A tab on one conversation that records every message it was shown."""

    def __init__(self, base_url: str, cookies: dict[str, str], token: str | None = None) -> None:
        """A tab of the member whose session cookie is in ``cookies``."""
        super().__init__(base_url, cookies=cookies, token=token, timeout=8.0)
        self.shown: dict[int, str] = {}  # sequence number -> body, over every update
        self.problems: list[str] = []

    async def _on_update(self, update: dict[str, Any]) -> None:
        await super()._on_update(update)
        changes = (update.get("delta") or {}).get(MessagesState.get_full_name(), {})
        rows = changes.get("rows_rx_state_")
        if rows:
            self._check(rows)

    def _check(self, rows: list[dict[str, Any]]) -> None:
        seqs = [r["seq"] for r in rows]
        bodies = [r["body"] for r in rows if not r["deleted"]]
        if seqs != sorted(set(seqs)):
            self.problems.append(f"shown out of order or twice: sequence {seqs}")
        if len(bodies) != len(set(bodies)):
            self.problems.append("a message shown twice: " + repr(sorted(bodies)))
        for r in rows:
            if self.shown.setdefault(r["seq"], r["body"]) != r["body"]:
                self.problems.append(f"sequence {r['seq']} shown with two bodies")

    def sock_port(self) -> int:
        """The local port of this tab's socket."""
        ws: Any = self._sio.eio.ws  # type: ignore[attr-defined]
        return ws.get_extra_info("sockname")[1]


def _server_inode(app_port: int, client_port: int) -> str | None:
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                cols = line.split()
                local, remote, state, inode = cols[1], cols[2], cols[3], cols[9]
                if (
                    state == "01"
                    and int(local.rsplit(":", 1)[1], 16) == app_port
                    and int(remote.rsplit(":", 1)[1], 16) == client_port
                ):
                    return inode
    return None


def worker_of(tab: ChatTab, app_port: int, workers: set[int]) -> int | None:
    """The backend worker process that holds the server end of ``tab``'s socket."""
    inode = _server_inode(app_port, tab.sock_port())
    for pid in workers:
        with contextlib.suppress(OSError):
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                with contextlib.suppress(OSError):
                    if os.readlink(fd) == f"socket:[{inode}]":
                        return pid
    return None


@dataclass
class Chatter:
    """One member's tab in the conversation, sending until told to stop."""

    name: str
    user_id: int
    tab: ChatTab
    conversation: int
    sends: list[Send] = field(default_factory=list)
    reconnects: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def path(self) -> str:
        """The conversation's page."""
        return f"/messages/{self.conversation}"

    async def open(self) -> None:
        """Load the conversation's page (connecting first)."""
        await self.tab.hydrate(self.path, params={"conversation_id": str(self.conversation)})

    async def ensure_connected(self) -> None:
        """Reconnect as the front end does: the same tab token and cookies, then the page."""
        if self.tab.connected:
            return
        fresh = ChatTab(self.tab.base_url, self.tab.cookies, self.tab.token)
        fresh.shown, fresh.problems = self.tab.shown, self.tab.problems
        await self.tab.close()
        self.tab = fresh
        self.reconnects += 1
        await self.open()

    async def send(self, body: str) -> Send:
        """Send one message from the composer; confirmed when cleared or shown."""
        attempt = Send(body, time.monotonic())
        self.sends.append(attempt)
        try:
            await self.ensure_connected()
            result = await self.tab.call(MessagesState.send, form={"body": body}, settle=0.3)
            attempt.confirmed = body in self.tab.shown.values() or any(
                e.get("name") == "_set_value" for e in result.events
            )
            if not attempt.confirmed:
                attempt.error = "; ".join(t.message for t in result.toasts)[:200] or "no answer"
        except Exception as exc:  # a dropped socket or a timeout: the text stays typed
            attempt.error = f"{type(exc).__name__}: {exc}"[:200]
            await self.tab.close()
        finally:
            attempt.finished = time.monotonic()
        return attempt

    async def run(self, stop: asyncio.Event, pause: float) -> None:
        """Send a numbered message every ``pause`` seconds until ``stop``."""
        n = 0
        while not stop.is_set():
            n += 1
            await self.send(f"{self.name} says {n}")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), pause)


async def until(check, seconds: float) -> bool:
    """Wait for ``check()`` to hold; whether it did within ``seconds``."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


async def closing_round(chatters: list[Chatter]) -> list[str]:
    """After the faults: each member sends once more; the other must be shown it live."""
    failures = []
    for sender, reader in (chatters, chatters[::-1]):
        for c in chatters:
            await c.ensure_connected()
        sent = await sender.send(f"{sender.name} closes")
        # Under load the answer may come late: what counts is that both are shown it.
        if not await until(lambda s=sent, w=sender: s.body in w.tab.shown.values(), LIVE_LIMIT):
            failures.append(f"{sender.name}'s closing message was not stored: {sent.error}")
            continue
        if not await until(lambda s=sent, r=reader: s.body in r.tab.shown.values(), LIVE_LIMIT):
            failures.append(
                f"{reader.name} was not shown {sender.name}'s closing message live "
                f"within {LIVE_LIMIT:.0f} s"
            )
    return failures


def verdict(chatters: list[Chatter], stored: list[tuple[int, str]]) -> tuple[list[str], list[str]]:
    """Notes and failures: ``stored`` is the conversation's (sequence, body) from the database."""
    notes, failures = [], []
    bodies = [b for _, b in stored]
    by_seq = dict(stored)
    if len(bodies) != len(set(bodies)):
        failures.append("a message was stored twice")
    if sorted(by_seq) != list(range(1, len(stored) + 1)):
        failures.append(f"sequence numbers have gaps: {sorted(by_seq)}")
    for c in chatters:
        confirmed = [s for s in c.sends if s.confirmed]
        lost = [s.body for s in confirmed if s.body not in bodies]
        unconfirmed_stored = [s for s in c.sends if not s.confirmed and s.body in bodies]
        missing = sorted(set(by_seq) - set(c.tab.shown))
        wrong = [q for q, b in c.tab.shown.items() if by_seq.get(q) != b]
        notes.append(
            f"{c.name}: {len(c.sends)} sent, {len(confirmed)} confirmed, "
            f"{len(unconfirmed_stored)} stored unconfirmed, {c.reconnects} reconnect(s); "
            f"shown {len(c.tab.shown)} of {len(stored)} stored messages"
        )
        failures += [f"{c.name}: {p}" for p in c.problems + c.tab.problems]
        if lost:
            failures.append(f"{c.name}: confirmed messages lost: {lost}")
        if missing:
            failures.append(f"{c.name} was never shown sequence numbers {missing}")
        if wrong:
            failures.append(f"{c.name} was shown sequence numbers {wrong} with other bodies")
    return notes, failures


def start_conversation(people: list[tuple[str, int]]) -> int:
    """A group conversation of these members (name, user id); its id."""
    from aixplore.core.db import session_scope
    from aixplore.domain.messaging.models import Conversation, ConversationMember

    with session_scope() as db:
        talk = Conversation(kind="group", title="Fault drill", created_by=people[0][1])
        db.add(talk)
        db.flush()
        for _name, user_id in people:
            db.add(ConversationMember(conversation_id=talk.id or 0, user_id=user_id))
    return talk.id or 0


def stored_messages(conversation: int) -> list[tuple[int, str]]:
    """The conversation's messages in the database: (sequence number, body)."""
    from sqlmodel import col, select

    from aixplore.core.db import read_scope
    from aixplore.domain.messaging.models import Message

    with read_scope() as db:
        rows = db.exec(
            select(Message.seq, Message.body)
            .where(Message.conversation_id == conversation)
            .order_by(col(Message.seq))
        ).all()
    return [(seq, body) for seq, body in rows]


async def place(
    base_url: str, workers, people: list[tuple[str, int, str]], conversation: int
) -> tuple[list[Chatter], int]:
    """Open each member's tab (name, user id, session token) on a worker of its own.

    ``workers()`` lists the backend worker pids. A tab that lands on a worker already taken
    is closed and opened again with a new tab token (at most 20 tries). Returns the chatters
    and the worker the first one is on.
    """
    port = int(base_url.rsplit(":", 1)[1])
    chatters: list[Chatter] = []
    taken: list[int] = []
    for name, user_id, token in people:
        for _ in range(20):
            tab = ChatTab(base_url, {"aixplore_session": token})
            chatter = Chatter(name, user_id, tab, conversation)
            await chatter.open()
            pid = worker_of(tab, port, workers())
            if pid is not None and pid not in taken:
                break
            await tab.close()
        else:
            raise RuntimeError(f"{name}'s tab found no backend worker of its own")
        taken.append(pid)
        chatters.append(chatter)
    return chatters, taken[0]
