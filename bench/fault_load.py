"""The fault drill's load: signed-in tabs that write, and a prober that asks "is it up?".

Each writer is one browser tab of one signed-in member, driven over the event socket the way
the compiled front end drives it (``tests/support/reflex_client.py``): it opens a solution
page and bookmarks it, or writes a review, then moves on to the next solution. A write
counts as *confirmed* only when the page showed its success toast; the drill later checks
that every confirmed write is in the database (*stored*). When the socket drops, the tab
reconnects with the same tab token and its cookies and rehydrates, as the front end's
``reconnect()`` does. A toast that says "Sign in to continue" or a redirect to /login is a
sign-in prompt: a fault must never show one to a signed-in member.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field

import httpx

from aixplore.web.solutions.detail_state import SolutionPageState
from tests.support.reflex_client import CallResult, ReflexClient

SIGN_IN_PROMPT = "Sign in to continue"
OUR_FAULT = "went wrong on our side"


@dataclass
class Attempt:
    """One write a tab tried."""

    user_id: int
    kind: str  # "bookmark" or "review"
    slug: str
    started: float
    finished: float = 0.0
    confirmed: bool = False
    error: str = ""  # what the user saw instead of a success, if anything
    sign_in_prompt: bool = False


@dataclass
class Ledger:
    """Every attempt and every probe, with their times (time.monotonic)."""

    attempts: list[Attempt] = field(default_factory=list)
    probes: list[tuple[float, bool]] = field(default_factory=list)

    def between(self, start: float, end: float) -> list[Attempt]:
        """The attempts that ended in [start, end) (one caught by a fault counts for it)."""
        return [a for a in self.attempts if start <= (a.finished or a.started) < end]


def _judge(attempt: Attempt, result: CallResult, success: str) -> None:
    messages = [t.message for t in result.toasts]
    if any(m.startswith(success) for m in messages):
        attempt.confirmed = True
        return
    prompt = any(SIGN_IN_PROMPT in m for m in messages) or any(
        path.startswith("/login") for path in result.redirects
    )
    attempt.sign_in_prompt = prompt
    attempt.error = "; ".join(messages)[:200] or ("redirect to sign-in" if prompt else "no answer")


class Writer:
    """One signed-in tab writing bookmarks and reviews, one solution after another."""

    def __init__(
        self, base_url: str, token: str, user_id: int, slugs: list[str], ledger: Ledger
    ) -> None:
        """A tab of ``user_id`` (session ``token``) that will write on each of ``slugs``."""
        self.base_url, self.user_id, self.slugs, self.ledger = base_url, user_id, slugs, ledger
        self.tab = ReflexClient(base_url, cookies={"aixplore_session": token}, timeout=8.0)

    async def _ensure_connected(self) -> None:
        if not self.tab.connected:
            # The front end's reconnect: same tab token, cookies in the hydrate event.
            fresh = ReflexClient(
                self.base_url, cookies=self.tab.cookies, token=self.tab.token, timeout=8.0
            )
            await self.tab.close()
            self.tab = fresh

    async def _write(self, slug: str, kind: str, index: int) -> None:
        attempt = Attempt(self.user_id, kind, slug, time.monotonic())
        self.ledger.attempts.append(attempt)
        try:
            await self._ensure_connected()
            loaded = await self.tab.hydrate(f"/solutions/{slug}", params={"slug": slug})
            if any(SIGN_IN_PROMPT in t.message for t in loaded.toasts):
                _judge(attempt, loaded, "\0")
                return
            if kind == "bookmark":
                result = await self.tab.call(SolutionPageState.toggle_bookmark, settle=0.1)
                _judge(attempt, result, "Bookmarked.")
            else:
                form = {
                    "rating": str(index % 5 + 1),
                    "title": f"Drill review {index}",
                    "body": "Written during the fault drill; it must survive every fault.",
                }
                result = await self.tab.call(
                    SolutionPageState.write_review, form_data=form, settle=0.1
                )
                _judge(attempt, result, "Thanks! Your review is published.")
        except Exception as exc:  # a dropped socket or a timeout: the user saw nothing
            attempt.error = f"{type(exc).__name__}: {exc}"[:200] or type(exc).__name__
            await self.tab.close()
        finally:
            attempt.finished = time.monotonic()

    async def run(self, stop: asyncio.Event, pause: float) -> None:
        """Write until ``stop`` is set or the solutions run out, ``pause`` s apart."""
        for index, slug in enumerate(self.slugs):
            if stop.is_set():
                break
            await self._write(slug, "review" if index % 3 == 2 else "bookmark", index)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), pause)
        await self.tab.close()


async def probe(base_url: str, ledger: Ledger, stop: asyncio.Event, every: float = 0.2) -> None:
    """Ask for a page and /api/health every ``every`` s; record whether both answered."""
    async with httpx.AsyncClient(timeout=2.0) as client:
        while not stop.is_set():
            at = time.monotonic()
            try:
                health = await client.get(f"{base_url}/api/health")
                page = await client.get(f"{base_url}/")
                ok = health.status_code == 200 and page.status_code == 200
            except httpx.HTTPError:
                ok = False
            ledger.probes.append((at, ok))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), max(0.0, every - (time.monotonic() - at)))


def longest_outage(probes: list[tuple[float, bool]], start: float, end: float) -> float:
    """The longest stretch of failed probes in [start, end), in seconds."""
    longest, down_since = 0.0, None
    for at, ok in probes:
        if not start <= at < end:
            continue
        if not ok and down_since is None:
            down_since = at
        elif ok and down_since is not None:
            longest, down_since = max(longest, at - down_since), None
    if down_since is not None:
        longest = max(longest, end - down_since)
    return longest


def first_recovery(probes: list[tuple[float, bool]], start: float, end: float) -> float | None:
    """Seconds from ``start`` until the probes answered again after failing, within
    [start, end) (0 if never down there, None if still down at ``end``)."""
    seen_down = False
    for at, ok in probes:
        if not start <= at < end:
            continue
        if not ok:
            seen_down = True
        elif seen_down:
            return at - start
    return None if seen_down else 0.0
