"""/metrics counts the event socket's real traffic, summed over the backend's workers.

The backend runs in a process of its own with two workers and ``PROMETHEUS_MULTIPROC_DIR``
(multiprocess mode, as the image runs it). Tabs open the home page over the socket, as a
browser does, and send events (good ones, one with an argument its handler does not take,
one naming no handler); every scrape, whichever worker answers it, must report all of them.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from aixplore.core.settings import get_settings
from aixplore.web.home.pages import HomeState
from aixplore.web.session import SessionState
from tests.support.backend import backend
from tests.support.otlp import OtlpReceiver
from tests.support.reflex_client import ReflexClient

TABS = 6  # over two workers: each scrape must see the tabs both of them served


@pytest.fixture(scope="module")
def collector() -> Iterator[OtlpReceiver]:
    """Where the backend's workers send their spans over OTLP/HTTP (core/tracing.py)."""
    receiver = OtlpReceiver()
    yield receiver
    receiver.close()


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory, collector: OtlpReceiver) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("metrics")
    with backend(
        folder / "logs",
        GRANIAN_WORKERS="2",
        PROMETHEUS_MULTIPROC_DIR=str(folder / "prometheus"),
        AIXPLORE_OTLP_ENDPOINT=collector.url,
        OTEL_BSP_SCHEDULE_DELAY="200",  # batches leave every 0.2 s instead of 5 s
    ) as url:
        yield url


def samples(url: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of one scrape, by name and labels."""
    text = httpx.get(f"{url}/metrics", timeout=10).text
    found: dict[tuple[str, frozenset[tuple[str, str]]], float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return found


def value(scrape: dict, name: str, **labels: str) -> float:
    """One sample's value (0 when the scrape has none)."""
    return scrape.get((name, frozenset(labels.items())), 0.0)


async def _wait_for(url: str, check, limit: float = 20.0) -> dict:
    """Scrape until ``check(scrape)`` holds or ``limit`` seconds pass; return the last scrape."""
    deadline = time.monotonic() + limit
    while True:
        scrape = await asyncio.to_thread(samples, url)
        if check(scrape) or time.monotonic() > deadline:
            return scrape
        await asyncio.sleep(0.2)


def test_every_worker_s_events_sockets_and_errors_are_in_each_scrape(app_url: str) -> None:
    refresh, load = SessionState.refresh.fn.__qualname__, HomeState.load.fn.__qualname__
    before = samples(app_url)

    def grew(scrape: dict, name: str, **labels: str) -> float:
        return value(scrape, name, **labels) - value(before, name, **labels)

    def counted(scrape: dict) -> bool:
        return (
            grew(scrape, "aixplore_events_total", handler=refresh, outcome="ok") >= 2 * TABS
            and grew(scrape, "aixplore_events_total", handler=refresh, outcome="error") >= 1
            and value(scrape, "aixplore_event_sockets") == TABS
        )

    async def browse() -> tuple[dict, dict]:
        tabs = [ReflexClient(app_url) for _ in range(TABS)]
        for tab in tabs:
            await tab.hydrate("/")
            await tab.emit(SessionState.refresh)  # changes nothing: no answer to wait for
        # An argument the handler does not take fails inside it (the person sees "Something
        # went wrong"); a made-up handler name reaches no handler at all.
        await tabs[0].emit(SessionState.refresh, {"bogus": 1})
        await tabs[1].emit("reflex___state____state.no_such_state.no_such_handler")
        opened = await _wait_for(app_url, counted)
        for tab in tabs:
            await tab.close()
        closed = await _wait_for(app_url, lambda s: value(s, "aixplore_event_sockets") == 0)
        return opened, closed

    open_scrape, closed = asyncio.run(browse())
    assert value(open_scrape, "aixplore_event_sockets") == TABS
    assert value(closed, "aixplore_event_sockets") == 0

    # Each page load runs refresh and HomeState.load; each tab then called refresh once more.
    for scrape in (open_scrape, closed, samples(app_url)):  # any worker answers
        assert grew(scrape, "aixplore_events_total", handler=refresh, outcome="ok") == 2 * TABS
        assert grew(scrape, "aixplore_events_total", handler=load, outcome="ok") == TABS
        assert grew(scrape, "aixplore_events_total", handler=refresh, outcome="error") == 1
        assert (
            grew(scrape, "aixplore_events_total", handler="unknown", outcome="unknown_handler") == 1
        )
        assert grew(scrape, "aixplore_event_seconds_count", handler=load) == TABS
        # The home page's sections come from the cache: computed once, then read.
        cache_reads = grew(scrape, "aixplore_cache_reads_total", cache="home", result="hit")
        cache_reads += grew(scrape, "aixplore_cache_reads_total", cache="home", result="miss")
        assert cache_reads == TABS
    assert not any(
        dict(labels).get("handler", "").startswith("reflex___") for (_name, labels) in open_scrape
    ), "handlers are labelled by class and method, never by the name a client sent"
    if get_settings().redis_url:  # states are written (and measured) by the Redis manager
        assert grew(open_scrape, "aixplore_state_bytes_count") > 0
    assert value(open_scrape, "aixplore_db_pool_capacity") > 0


def test_the_scrape_reads_the_app_wide_gauges(app_url: str) -> None:
    scrape = samples(app_url)
    for check in ("database", "redis", "jobs"):
        assert value(scrape, "aixplore_health_ok", check=check) == 1
    for name in (
        "aixplore_job_queue_pending",
        "aixplore_orders_in_pipeline",
        "aixplore_order_lease_age_seconds",
        "aixplore_webhook_deliveries_pending",
        "aixplore_webhook_overdue_seconds",
    ):
        assert (name, frozenset()) in scrape, name


def test_each_event_is_a_trace_down_to_its_sql_exported_over_otlp(
    app_url: str, collector: OtlpReceiver
) -> None:
    load = f"event {HomeState.load.fn.__qualname__}"

    async def open_home() -> None:
        tab = ReflexClient(app_url)
        await tab.hydrate("/")
        await tab.close()

    asyncio.run(open_home())
    deadline = time.monotonic() + 20
    while True:
        spans = collector.snapshot()
        events = [s for s in spans if s["name"] == load]
        traces = {s["trace_id"] for s in events}
        below = [s for s in spans if s["trace_id"] in traces and s["name"] != load]
        if (events and any("db.statement" in s["attributes"] for s in below)) or (
            time.monotonic() > deadline
        ):
            break
        time.sleep(0.2)
    assert events, "the backend exports a span per event-socket event"
    assert {s["service"]["service.name"] for s in spans} == {"aixplore"}
    by_id = {s["span_id"]: s for s in spans}
    statements = [s for s in below if "db.statement" in s["attributes"]]
    assert statements, "an event's SQL statements are spans in its trace"
    for statement in statements:  # each hangs under the event's span, directly or not
        parent = statement
        while parent["parent_id"] and parent["parent_id"] in by_id:
            parent = by_id[parent["parent_id"]]
        assert parent["name"] == load
