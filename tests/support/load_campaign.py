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

The parts: ``load_model`` (the mix, the steps, the population), ``load_journeys`` (each
journey's steps), ``load_report`` (the outcome against the targets); here, the run itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time

import httpx

from tests.support.load_journeys import Journeys
from tests.support.load_model import MEAN_STEPS, MIX, STEPS, Population, make_population
from tests.support.load_report import Report, group_rss_mib, summary

__all__ = ["STEPS", "Population", "Report", "campaign", "make_population", "summary"]


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
