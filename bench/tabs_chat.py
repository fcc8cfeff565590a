"""The many-tabs benchmark's client side: chatters on two workers, what each tab was shown.

A :class:`Chatter` is a signed-in member's tab on ``/messages/<id>`` (``sioload.Tab``); every
``event`` frame it receives after hydration is parsed for the conversation's rows
(:func:`rows_in`), and each message body seen there for the first time is matched against the
:class:`Ledger` of sends: the time from the sender's frame leaving the client to the first
frame that shows the message to the other member is one delivery sample. A message shown twice
in one update, or two bodies under one sequence number, is a problem; a sent message the other
member was never shown is lost. Pairs are placed so that the two members' sockets are on
different backend workers (:func:`workers_by_port`, from ``/proc``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import os
import random
import time
from dataclasses import dataclass, field
from pathlib import Path

from sioload import EVENT_FRAME, Tab

COOKIE = "aixplore_session"
ROWS = "rows_rx_state_"


def summary(samples_ms: list[float]) -> dict[str, float]:
    """n, p50, p95 (nearest rank) and max of a list of milliseconds (NaN when empty)."""
    ordered = sorted(samples_ms)
    if not ordered:
        return {"n": 0, "p50": float("nan"), "p95": float("nan"), "max": float("nan")}

    def rank(p: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, math.ceil(len(ordered) * p / 100) - 1))]

    return {"n": len(ordered), "p50": rank(50), "p95": rank(95), "max": ordered[-1]}


def rows_in(frame: str, state: str) -> list[dict] | None:
    """The rows of ``state`` an ``event`` frame carries (None: the frame does not change them)."""
    if not frame.startswith(EVENT_FRAME) or state not in frame:
        return None
    delta = json.loads(frame[len(EVENT_FRAME) : -1]).get("delta") or {}
    return (delta.get(state) or {}).get(ROWS)


def workers_by_port(app_port: int, workers: set[int]) -> dict[int, int]:
    """Client port -> the worker pid holding the server end of that connection to ``app_port``."""
    inode_of: dict[str, int] = {}  # socket inode -> client port
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                cols = line.split()
                if cols[3] == "01" and int(cols[1].rsplit(":", 1)[1], 16) == app_port:
                    inode_of[cols[9]] = int(cols[2].rsplit(":", 1)[1], 16)
    found: dict[int, int] = {}
    for pid in workers:
        with contextlib.suppress(OSError):
            for fd in os.scandir(f"/proc/{pid}/fd"):
                with contextlib.suppress(OSError):
                    link = os.readlink(fd.path)
                    if link.startswith("socket:[") and link[8:-1] in inode_of:
                        found[inode_of[link[8:-1]]] = pid
    return found


@dataclass
class Ledger:
    """Every message sent, and when each was shown to the member it was for."""

    sent: dict[str, tuple[float, int]] = field(default_factory=dict)  # body: (at, reader)
    shown: dict[str, float] = field(default_factory=dict)  # body: ms until the reader saw it
    stored: dict[str, float] = field(default_factory=dict)  # body: ms until the sender saw it
    late: list[str] = field(default_factory=list)  # shown before it was recorded as sent
    problems: list[str] = field(default_factory=list)
    counted_from: float = 0.0  # sends before this are warm-up

    def seconds(self) -> list[tuple[int, dict[str, float]]]:
        """Delivery per second of the chat phase (by when each message was sent), worst p95
        first: a slow moment (a pause of the server) shows apart from a slow average."""
        by_second: dict[int, list[float]] = {}
        for body, (at, _) in self.sent.items():
            if at >= self.counted_from and body in self.shown:
                by_second.setdefault(int(at - self.counted_from), []).append(self.shown[body])
        found = [(second, summary(ms)) for second, ms in by_second.items()]
        return sorted(found, key=lambda pair: -pair[1]["p95"])

    def samples(self) -> tuple[list[float], list[float]]:
        """Delivery and stored-at-sender milliseconds of the sends after the warm-up."""
        keep = [b for b, (at, _) in self.sent.items() if at >= self.counted_from]
        return [self.shown[b] for b in keep if b in self.shown], [
            self.stored[b] for b in keep if b in self.stored
        ]


class Chatter:
    """One member's tab on their conversation with one other member."""

    def __init__(self, tab: Tab, index: int, state: str, ledger: Ledger) -> None:
        """Tab ``index`` (its sends are ``m<index>-<n>``); ``state`` is the messages state."""
        self.tab, self.index, self.state, self.ledger = tab, index, state, ledger
        self.seen: dict[int, str] = {}  # sequence number -> body
        self.partner = -1
        self.sends = 0
        tab.on_event = self._on_event

    def _on_event(self, frame: str) -> None:
        now = time.perf_counter()
        rows = rows_in(frame, self.state)
        if not rows:
            return
        seqs = [r["seq"] for r in rows]
        if seqs != sorted(set(seqs)):
            self.ledger.problems.append(f"tab {self.index}: rows out of order or twice: {seqs}")
        for r in rows:
            body = r["body"]
            if self.seen.setdefault(r["seq"], body) != body:
                self.ledger.problems.append(f"tab {self.index}: sequence {r['seq']} changed")
            sent = self.ledger.sent.get(body)
            if sent is None:
                if body.startswith("m") and body not in self.ledger.late:
                    self.ledger.late.append(body)
                continue
            at, reader = sent
            book = self.ledger.shown if reader == self.index else self.ledger.stored
            book.setdefault(body, (now - at) * 1000)

    async def send(self, name: str) -> None:
        """Send the next numbered message through the composer's handler."""
        self.sends += 1
        body = f"m{self.index}-{self.sends}"
        frame = self.tab.frame(name, {"form": {"body": body}})
        self.ledger.sent[body] = (time.perf_counter(), self.partner)
        await self.tab.send(frame)

    async def run(self, name: str, every: float, end: float, phase: float) -> None:
        """Send every ``every`` seconds from ``phase`` seconds on, until ``end``."""
        next_at = time.perf_counter() + phase
        while next_at < end:
            await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
            if self.tab.closed:
                return
            await self.send(name)
            next_at += every


def verdict(chatters: list[Chatter], ledger: Ledger) -> dict:
    """Sent, shown to the other member, stored (shown to the sender), lost, problems."""
    unseen = [b for b in ledger.sent if b not in ledger.shown]
    return {
        "sent": len(ledger.sent),
        "shown_to_reader": len(ledger.shown),
        "shown_to_sender": len(ledger.stored),
        "lost": len(unseen),
        "lost_examples": unseen[:10],
        "duplicates_or_disorder": len(ledger.problems),
        "problem_examples": ledger.problems[:5],
        "dropped_sockets": sum(c.tab.closed for c in chatters),
    }


class LoopLag:
    """How late the client's own event loop wakes up: a busy client delays what it measures."""

    def __init__(self, every: float = 0.05) -> None:
        """Sample every ``every`` seconds once :meth:`run` runs."""
        self.every, self.lags_ms = every, []

    async def run(self, end: float) -> None:
        """Sleep ``every`` seconds at a time until ``end``, recording each oversleep."""
        while time.perf_counter() < end:
            started = time.perf_counter()
            await asyncio.sleep(self.every)
            self.lags_ms.append((time.perf_counter() - started - self.every) * 1000)


async def place_chatters(
    http, url: str, app, pairs: list[tuple[int, str, int, str, int]], storage: dict, state: str
) -> tuple[list[Chatter], Ledger, int]:
    """Open each pair's two tabs, the second reopened until it is on the other worker."""
    ledger, port = Ledger(), int(url.rsplit(":", 1)[1])
    chatters: list[Chatter] = []

    async def opened(index: int, token: str, conversation: int) -> Chatter:
        path = f"/messages/{conversation}"
        tab = Tab(http, url, path=path, cookies={COOKIE: token}, storage=storage,
                  query={"conversation_id": str(conversation)})  # fmt: skip
        chatter = Chatter(tab, index, state, ledger)
        await tab.open(limit_s=60)
        return chatter

    for k in range(0, len(pairs), 25):  # 50 tabs at a time
        opening = []
        for n, (conversation, first, _, second, _) in enumerate(pairs[k : k + 25], k):
            opening += [opened(2 * n, first, conversation), opened(2 * n + 1, second, conversation)]
        chatters += await asyncio.gather(*opening)
    for i, chatter in enumerate(chatters):
        chatter.partner = i ^ 1
    moved = 0
    for _ in range(30):
        where = workers_by_port(port, app.worker_pids())
        wrong = [
            i for i in range(1, len(chatters), 2)
            if where.get(chatters[i].tab.local_port()) in (None, where.get(chatters[i - 1].tab.local_port()))
        ]  # fmt: skip
        if not wrong:
            return chatters, ledger, moved
        moved += len(wrong)
        for i in wrong:
            await chatters[i].tab.close()
        fresh = await asyncio.gather(
            *(opened(i, pairs[i // 2][3], pairs[i // 2][0]) for i in wrong)
        )
        for i, chatter in zip(wrong, fresh, strict=True):
            chatter.partner, chatters[i] = i - 1, chatter
    raise RuntimeError("could not put every pair's two tabs on different workers")


async def push_notifications(
    idle: list[tuple[Tab, int]], bell: str, rate: float, window: tuple[float, float], notify
) -> dict:
    """``rate`` notifications a second to idle members (``notify(user_id)`` in a thread) in
    ``window``; the time from the call to the frame that changes the bell (``bell``: its state).
    """
    start, end = window
    samples, lost = [], 0
    order = random.sample(idle, len(idle))

    async def one(tab: Tab, user_id: int) -> None:
        nonlocal lost
        shown = asyncio.get_running_loop().create_future()
        tab.on_event = lambda f: (
            None if bell not in f or shown.done() else shown.set_result(time.perf_counter())
        )
        began = time.perf_counter()
        await asyncio.to_thread(notify, user_id)
        try:
            samples.append((await asyncio.wait_for(shown, 10) - began) * 1000)
        except TimeoutError:
            lost += 1

    jobs, at = [], start
    for tab, user_id in order:
        at += 1 / rate
        if at >= end:
            break
        await asyncio.sleep(max(0.0, at - time.perf_counter()))
        jobs.append(asyncio.create_task(one(tab, user_id)))
    await asyncio.gather(*jobs)
    return {**summary(samples), "lost": lost}
