"""The load campaign's traffic model: people's journeys through the app, timed step by step.

A journey is what one person does in one visit, each step a page load or a click in a browser
tab (``tests/support/reflex_client.py``: the event socket as the browser drives it) or one REST
call. Journeys start as a Poisson process at ``rate / MEAN_STEPS`` per second, so that steps
(the plan's "requests") arrive at ``rate`` per second on average; each journey waits
``think`` seconds between its steps, as a person reads. The mix (share of journeys started):

========  =====  ===========================================================================
journey   share  steps
========  =====  ===========================================================================
browse    40 %   home page, catalog, a solution's page, categories (anonymous)
search    25 %   catalog with a query, "Search" with other words, their results (anonymous)
rest      15 %   API key holder: search solutions, one solution, my orders (REST)
review     8 %   member: a solution's page, writes (or edits) a review
rsvp       7 %   member: an event's page, takes a seat, gives it back
order      5 %   member: the order wizard, my orders
========  =====  ===========================================================================

A step fails when it raises or times out (10 s), when a page never finishes loading, when a
click gets no answer, an error or warning toast or a sign-in prompt, or when REST answers other
than 200; the journey then ends there (the person leaves), so one slow answer is one failure,
not a cascade through the tab's later steps. Server memory is the resident set of every process
in the backend's process group.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.support.reflex_client import ROOT_STATE, CallResult, ReflexClient, client_storage_keys

MIX: dict[str, float] = {
    "browse": 0.40,
    "search": 0.25,
    "rest": 0.15,
    "review": 0.08,
    "rsvp": 0.07,
    "order": 0.05,
}
STEPS: dict[str, tuple[str, ...]] = {
    "browse": ("home", "catalog", "solution page", "categories"),
    "search": ("results", "submit", "new results"),
    "rest": ("GET /solutions?q", "GET /solutions/{slug}", "GET /orders"),
    "review": ("solution page", "write review"),
    "rsvp": ("event page", "rsvp", "cancel rsvp"),
    "order": ("order wizard", "my orders"),
}
MEAN_STEPS = sum(share * len(STEPS[name]) for name, share in MIX.items())
WORDS = ("summary", "image", "speech", "code", "translation", "ocr", "agent", "chat", "video")
# A step still unanswered after this long failed (what a person waits, at most, for a page).
STEP_TIMEOUT = 10.0
# The plan's targets for every step.
ERROR_TARGET = 0.001
P95_TARGET_MS = 200.0


@dataclass
class Population:
    """Who and what the traffic uses: signed-in members, API keys, solutions and events."""

    sessions: list[str]
    api_keys: list[str]
    slugs: list[str]
    event_ids: list[int]


@dataclass
class Report:
    """Every step's outcome and latency, health checks and memory samples of one run."""

    rate: float
    seconds: float
    samples: dict[str, list[float]] = field(default_factory=dict)
    failures: dict[str, list[str]] = field(default_factory=dict)
    health: list[bool] = field(default_factory=list)
    memory: list[tuple[float, float]] = field(default_factory=list)  # (seconds, MiB)
    journeys: dict[str, int] = field(default_factory=dict)
    generator_cpu: float = 0.0

    def record(self, step: str, seconds: float, failure: str | None) -> None:
        """Count one step: its latency, and why it failed if it did."""
        self.samples.setdefault(step, []).append(seconds)
        if failure is not None:
            self.failures.setdefault(step, []).append(failure)

    @property
    def steps(self) -> int:
        """How many steps ran."""
        return sum(len(v) for v in self.samples.values())

    @property
    def errors(self) -> int:
        """How many steps failed."""
        return sum(len(v) for v in self.failures.values())


def make_population(members: int, keys: int) -> Population:
    """Members with open sessions and a draft order each, API keys, and who to visit.

    Needs published solutions; adds one upcoming event when there is none. Each member signs
    in from an address of their own, as people do (the per-address sign-in limit holds).
    """
    from datetime import UTC, datetime, timedelta

    from sqlmodel import col, select

    from aixplore.core.db import session_scope
    from aixplore.domain.apikeys import services as apikeys
    from aixplore.domain.events import services as events
    from aixplore.domain.events.models import Event, EventStatus
    from aixplore.domain.orders import services as orders
    from aixplore.domain.solutions.models import Solution, SolutionStatus
    from tests.factories import actor_for, make_member, sign_in

    emails = [make_member(name=f"Load Member {n}").email for n in range(members)]
    sessions = [sign_in(e, ip=f"198.18.{n // 250}.{n % 250 + 1}") for n, e in enumerate(emails)]
    with session_scope() as db:
        for token in sessions:
            orders.do_create_draft(db, actor_for(token))
        now = datetime.now(UTC)
        upcoming = list(
            db.exec(
                select(Event.id).where(Event.status == EventStatus.SCHEDULED, Event.starts_at > now)
            ).all()
        )
        if not upcoming:
            day = (now + timedelta(days=10)).date().isoformat()
            made = events.do_create_event(
                db,
                actor_for(sessions[0]),
                {
                    "title": "Load campaign meetup",
                    "description": "Talks and demos.",
                    "starts_at": f"{day}T18:30",
                    "ends_at": f"{day}T20:00",
                    "timezone": "UTC",
                    "online_url": "https://meet.example.com/load",
                    "location": "",
                    "capacity": 50,
                },
            )
            upcoming = [made.id]
        slugs = list(
            db.exec(
                select(Solution.slug)
                .where(Solution.status == SolutionStatus.PUBLISHED)
                .order_by(col(Solution.id))
                .limit(200)
            ).all()
        )
        key = {"name": "load", "scopes": ["solutions:read", "orders:read"], "expires_in_days": 7}
        api_keys = [
            apikeys.do_create_key(db, actor_for(sessions[n % members]), key)[1] for n in range(keys)
        ]
    return Population(sessions, api_keys, [s for s in slugs if s], [i for i in upcoming if i])


def group_rss_mib(pgid: int) -> float:
    """Resident memory (MiB) of every live process in the process group ``pgid``."""
    page = os.sysconf("SC_PAGE_SIZE")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            if int(stat.read_text().rpartition(")")[2].split()[2]) == pgid:
                total += int((stat.parent / "statm").read_text().split()[1]) * page
    return total / 2**20


def p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


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


async def _health(url: str, report: Report, stop: asyncio.Event) -> None:
    """Ask /api/health twice a second: availability as a monitor sees it."""
    async with httpx.AsyncClient(timeout=5) as client:
        while not stop.is_set():
            try:
                report.health.append((await client.get(f"{url}/api/health")).status_code == 200)
            except httpx.HTTPError:
                report.health.append(False)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 0.5)


async def _memory(pgids: list[int], report: Report, stop: asyncio.Event) -> None:
    """Sample the servers' resident memory every second."""
    started = time.perf_counter()
    while not stop.is_set():
        used = await asyncio.to_thread(lambda: sum(group_rss_mib(g) for g in pgids))
        report.memory.append((time.perf_counter() - started, used))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 1.0)


async def campaign(
    url: str,
    people: Population,
    *,
    rate: float,
    seconds: float,
    server_groups: list[int],
    think: float = 0.5,
    seed: int = 26,
) -> Report:
    """Start journeys at ``rate`` steps per second for ``seconds``; wait for all to end."""
    report = Report(rate=rate, seconds=seconds)
    journeys = Journeys(url, people, report, think)
    pick = random.Random(seed)
    names, weights = list(MIX), list(MIX.values())
    stop = asyncio.Event()
    watchers = [
        asyncio.create_task(_health(url, report, stop)),
        asyncio.create_task(_memory(server_groups, report, stop)),
    ]
    cpu = time.process_time()
    running: set[asyncio.Task] = set()
    launched = 0
    deadline = time.perf_counter() + seconds
    next_start = time.perf_counter()
    while True:
        next_start += pick.expovariate(rate / MEAN_STEPS)
        if next_start >= deadline:
            break
        await asyncio.sleep(max(0.0, next_start - time.perf_counter()))
        # One journey of each kind first, so that even a short run reports every step.
        journey = names[launched] if launched < len(names) else pick.choices(names, weights)[0]
        launched += 1
        task = asyncio.create_task(journeys.run(journey, random.Random(pick.random())))
        running.add(task)
        task.add_done_callback(running.discard)
    await asyncio.gather(*running)
    stop.set()
    await asyncio.gather(*watchers)
    await journeys.http.aclose()
    report.generator_cpu = time.process_time() - cpu
    return report


def summary(report: Report) -> list[str]:
    """The report's lines: per step n, errors, p50 and p95 against the targets, then totals."""
    lines = [f"{'step':34s} {'n':>6s} {'errors':>7s} {'p50 ms':>8s} {'p95 ms':>8s}  targets"]
    for journey, steps in STEPS.items():
        for step in steps:
            name = f"{journey}: {step}"
            values = report.samples.get(name, [])
            if not values:
                lines.append(f"{name:34s} {0:6d}  (not run)")
                continue
            errors = len(report.failures.get(name, []))
            rate, slow = errors / len(values), p95(values) * 1000
            verdict = "ok" if rate < ERROR_TARGET and slow < P95_TARGET_MS else "MISSED"
            mid = sorted(values)[len(values) // 2] * 1000
            lines.append(
                f"{name:34s} {len(values):6d} {errors:7d} {mid:8.0f} {slow:8.0f}  {verdict}"
            )
    total = report.steps
    everything = [v for values in report.samples.values() for v in values]
    checks = report.health
    lines.append(
        f"steps: {total} in {report.seconds:.0f} s ({total / report.seconds:.1f}/s, asked"
        f" {report.rate:.1f}/s); errors {report.errors} ({report.errors / max(total, 1):.3%},"
        f" target < {ERROR_TARGET:.1%}); p95 all steps {p95(everything) * 1000 if everything else 0:.0f} ms"
    )
    if checks:
        lines.append(
            f"availability (/api/health every 0.5 s): {sum(checks) / len(checks):.2%} of"
            f" {len(checks)} checks (target 99.9 %)"
        )
    if report.memory:
        shown = [*report.memory[:: max(1, len(report.memory) // 8)], report.memory[-1]]
        points = ", ".join(f"{t:.0f} s {mib:.0f}" for t, mib in shown)
        lines.append(f"server memory (RSS, MiB) over time: {points}")
    causes: dict[str, int] = {}
    for reasons in report.failures.values():
        for reason in reasons:
            causes[reason] = causes.get(reason, 0) + 1
    if causes:
        lines.append("failures: " + ", ".join(f"{k} x{n}" for k, n in sorted(causes.items())))
    lines.append(f"load generator CPU: {report.generator_cpu:.1f} s; journeys: {report.journeys}")
    return lines
