"""The load campaign's journeys: one person's visit, step by step, in a browser tab or over REST.

A step fails when it raises or times out, when a page never finishes loading, when a click
gets no answer, an error or warning toast or a sign-in prompt, or when REST answers other than
200; the journey then ends there (the person leaves).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import Callable, Coroutine
from typing import Any

import httpx

from tests.support.load_model import STEP_TIMEOUT, STEPS, WORDS, Population
from tests.support.load_report import Report
from tests.support.reflex_client import ROOT_STATE, CallResult, ReflexClient, client_storage_keys


class Abandoned(Exception):
    """A step failed: the person leaves (their next steps are not counted as failures too)."""


class Journeys:
    """The journeys against one base URL (an instance or the load balancer)."""

    def __init__(self, url: str, people: Population, report: Report, think: float) -> None:
        """Share one HTTP client and the client storage keys between all journeys."""
        self.url, self.people, self.report, self.think = url, people, report, think
        self.http = httpx.AsyncClient(base_url=url, timeout=STEP_TIMEOUT)
        self.keys = client_storage_keys()
        self.members: asyncio.Queue[str] = asyncio.Queue()
        for session in people.sessions:
            self.members.put_nowait(session)  # one journey per member at a time, as a person

    async def _step(self, name: str, act: Callable[[], Coroutine[Any, Any, str | None]]) -> None:
        started = time.perf_counter()
        try:
            failure = await asyncio.wait_for(act(), STEP_TIMEOUT)
        except TimeoutError:
            failure = "timeout"
        except Exception as exc:  # every failure is counted, none stops the run
            failure = type(exc).__name__
        self.report.record(name, time.perf_counter() - started, failure)
        if failure is not None:
            raise Abandoned(name)
        await asyncio.sleep(self.think)

    @staticmethod
    def _page(tab: ReflexClient, result: CallResult) -> str | None:
        if tab.data.get(ROOT_STATE, {}).get("is_hydrated") is not True:
            return "page never loaded"
        return Journeys._click(result, need_answer=False)

    @staticmethod
    def _click(result: CallResult, *, need_answer: bool = True) -> str | None:
        if need_answer and not result.replied:
            return "no answer"
        bad = [t.message for t in result.toasts if t.level in {"error", "warning"}]
        if bad:
            return f"toast: {bad[0][:60]}"
        if any(path.startswith("/login") for path in result.redirects):
            return "sign-in prompt"
        return None

    async def run(self, journey: str, pick: random.Random) -> None:
        """Run one journey to its end."""
        self.report.journeys[journey] = self.report.journeys.get(journey, 0) + 1
        with contextlib.suppress(Abandoned):
            await self._journey(journey, pick)

    async def _journey(self, journey: str, pick: random.Random) -> None:
        if journey == "rest":
            await self._rest(pick)
            return
        member = await self.members.get() if journey in {"review", "rsvp", "order"} else None
        cookies = {"aixplore_session": member} if member else {}
        tab = ReflexClient(self.url, cookies=cookies, storage_keys=self.keys, timeout=STEP_TIMEOUT)
        try:
            await getattr(self, f"_{journey}")(tab, pick, journey)
        finally:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(tab.close(), 5)
            if member is not None:
                self.members.put_nowait(member)

    async def _load(self, tab: ReflexClient, path: str, **params: str) -> str | None:
        if tab.connected:
            return self._page(tab, await tab.navigate(path, params=params, settle=0))
        return self._page(tab, await tab.hydrate(path, params=params, settle=0))

    async def _browse(self, tab: ReflexClient, pick: random.Random, name: str) -> None:
        slug = pick.choice(self.people.slugs)
        pages = [("/", {}), ("/solutions", {}), (f"/solutions/{slug}", {"slug": slug})]
        pages.append(("/categories", {}))
        for step, (path, params) in zip(STEPS[name], pages, strict=True):
            await self._step(f"{name}: {step}", lambda p=path, a=params: self._load(tab, p, **a))

    async def _search(self, tab: ReflexClient, pick: random.Random, name: str) -> None:
        from aixplore.web.solutions.catalog_state import CatalogState

        first, second = pick.sample(WORDS, 2)
        results, submit, again = STEPS[name]
        await self._step(f"{name}: {results}", lambda: self._load(tab, f"/solutions?q={first}"))

        async def search() -> str | None:
            result = await tab.call(CatalogState.submit_search, settle=0, form_data={"q": second})
            return self._click(result) or (None if result.redirects else "no redirect")

        await self._step(f"{name}: {submit}", search)
        await self._step(f"{name}: {again}", lambda: self._load(tab, f"/solutions?q={second}"))

    async def _review(self, tab: ReflexClient, pick: random.Random, name: str) -> None:
        from aixplore.web.solutions.detail_state import SolutionPageState

        slug = pick.choice(self.people.slugs)
        page, write = STEPS[name]
        await self._step(
            f"{name}: {page}", lambda: self._load(tab, f"/solutions/{slug}", slug=slug)
        )
        form = {"rating": str(pick.randint(3, 5)), "title": "Useful", "body": "Works as described."}

        async def review() -> str | None:
            return self._click(
                await tab.call(SolutionPageState.write_review, settle=0, form_data=form)
            )

        await self._step(f"{name}: {write}", review)

    async def _rsvp(self, tab: ReflexClient, pick: random.Random, name: str) -> None:
        from aixplore.web.events.state import EventPageState

        event = str(pick.choice(self.people.event_ids))
        page, take, give = STEPS[name]
        await self._step(
            f"{name}: {page}", lambda: self._load(tab, f"/events/{event}", event_id=event)
        )
        for step, handler in ((take, EventPageState.rsvp), (give, EventPageState.cancel_rsvp)):
            await self._step(
                f"{name}: {step}", lambda h=handler: self._answer(tab.call(h, settle=0))
            )

    async def _answer(self, call: Coroutine[Any, Any, CallResult]) -> str | None:
        return self._click(await call)

    async def _order(self, tab: ReflexClient, _pick: random.Random, name: str) -> None:
        wizard, mine = STEPS[name]
        await self._step(f"{name}: {wizard}", lambda: self._load(tab, "/order"))
        await self._step(f"{name}: {mine}", lambda: self._load(tab, "/orders"))

    async def _rest(self, pick: random.Random) -> None:
        headers = {"Authorization": f"Bearer {pick.choice(self.people.api_keys)}"}
        slug = pick.choice(self.people.slugs)
        calls = [
            ("/api/v1/solutions", {"q": pick.choice(WORDS)}),
            (f"/api/v1/solutions/{slug}", {}),
            ("/api/v1/orders", {"limit": 10}),
        ]
        for step, (path, params) in zip(STEPS["rest"], calls, strict=True):

            async def call(p: str = path, q: dict = params) -> str | None:
                status = (await self.http.get(p, params=q, headers=headers)).status_code
                return None if status == 200 else f"HTTP {status}"

            await self._step(f"rest: {step}", call)
