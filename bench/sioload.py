"""A lean load generator: many browser tabs on raw Engine.IO 4 / Socket.IO 5 websockets.

Each :class:`Tab` speaks the same frames as Reflex's frontend (``state.js``): it opens
``/_event/?token=...&EIO=4&transport=websocket`` with the session cookie, sends the
``hydrate_and_load`` event inside the namespace CONNECT packet (``40/_event,{"event": ...}``),
answers pings, and sends events as ``42/_event,["event", {...}]``. It parses JSON only while
hydrating; after that a round trip is the time from sending an event to the next ``event``
frame, which is the handler's one delta. This keeps the load generator cheap next to the
server it measures (about 45 µs of CPU per round trip here, against about 105 µs with
python-socketio's client).
"""

from __future__ import annotations

import asyncio
import json
import random
import time
import urllib.parse
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import aiohttp

NAMESPACE = "/_event"
EVENT_FRAME = f'42{NAMESPACE},["event",'
ROOT_STATE = "reflex___state____state"


class TabError(RuntimeError):
    """A tab could not connect, hydrate or get an answer in time."""


class Tab:
    """One browser tab: a session token, its cookies and one websocket."""

    def __init__(
        self,
        http: aiohttp.ClientSession,
        base_url: str,
        *,
        path: str = "/",
        cookies: dict[str, str] | None = None,
        storage: dict[str, str] | None = None,
        query: dict[str, str] | None = None,
    ) -> None:
        """Prepare a tab of the app at ``base_url`` on page ``path``.

        ``query``: a dynamic route's arguments (``{"conversation_id": "7"}``), as the front
        end sends them in every event's router data.
        """
        self.http = http
        self.base_url = base_url
        self.path = path
        self.cookies = cookies or {}
        self.storage = storage or {}
        self.token = str(uuid.uuid4())
        self.router_data: dict = {"pathname": path, "asPath": path}
        if query:
            self.router_data["query"] = query
        # Called with every ``event`` frame after hydration that no round trip waits for.
        self.on_event: Callable[[str], None] | None = None
        self.closed = False  # the socket closed (by either end)
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._reader: asyncio.Task | None = None
        self._hydrated = asyncio.Event()
        self._refused = ""
        self._waiter: asyncio.Future[float] | None = None

    def frame(self, name: str, payload: dict | None = None) -> str:
        """The frame that fires handler ``name`` (with ``payload``, if any) from this page."""
        event: dict = {"name": name, "router_data": self.router_data}
        if payload:
            event["payload"] = payload
        return f"{EVENT_FRAME}{json.dumps(event, separators=(',', ':'))}]"

    async def open(self, limit_s: float = 30.0) -> None:
        """Connect with the hydrate event and wait until the page reports it is hydrated."""
        query = urllib.parse.urlencode({"token": self.token, "EIO": 4, "transport": "websocket"})
        url = f"{self.base_url.replace('http', 'ws', 1)}{NAMESPACE}/?{query}"
        headers = (
            {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
            if self.cookies
            else {}
        )
        values = {self.storage[k]: v for k, v in self.cookies.items() if k in self.storage}
        hydrate = {"name": f"{ROOT_STATE}.hydrate_and_load", "router_data": self.router_data}
        if values:
            hydrate["payload"] = {"vars": values}
        try:
            async with asyncio.timeout(limit_s):
                self._ws = await self.http.ws_connect(url, headers=headers, autoping=False)
                opening = await self._ws.receive_str()
                if not opening.startswith("0"):
                    raise TabError(f"unexpected Engine.IO opening: {opening[:100]}")
                await self._ws.send_str(f"40{NAMESPACE},{json.dumps({'event': hydrate})}")
                self._reader = asyncio.create_task(self._read())
                await self._hydrated.wait()
            if self._refused:
                raise TabError(f"connection refused: {self._refused}")
        except TimeoutError as exc:
            raise TabError(f"tab did not hydrate within {limit_s} s") from exc

    async def roundtrip(self, frame: str, limit_s: float = 10.0) -> float:
        """Send one event frame; seconds until the next ``event`` frame arrives."""
        assert self._ws is not None
        self._waiter = asyncio.get_running_loop().create_future()
        started = time.perf_counter()
        await self._ws.send_str(frame)
        try:
            async with asyncio.timeout(limit_s):
                return await self._waiter - started
        except TimeoutError as exc:
            raise TabError(f"no answer within {limit_s} s") from exc
        finally:
            self._waiter = None

    async def send(self, frame: str) -> None:
        """Send one frame without waiting for an answer."""
        assert self._ws is not None
        await self._ws.send_str(frame)

    def local_port(self) -> int:
        """The client port of this tab's socket (to find the worker holding its other end)."""
        assert self._ws is not None
        return self._ws.get_extra_info("sockname")[1]

    async def close(self) -> None:
        """Close the websocket."""
        if self._reader is not None:
            self._reader.cancel()
        if self._ws is not None:
            await self._ws.close()

    async def _read(self) -> None:
        assert self._ws is not None
        async for message in self._ws:
            data = message.data
            if data == "2":
                await self._ws.send_str("3")
            elif data.startswith(EVENT_FRAME):
                if self._waiter is not None and not self._waiter.done():
                    self._waiter.set_result(time.perf_counter())
                elif not self._hydrated.is_set():
                    if _hydrated(data[len(EVENT_FRAME) : -1]):
                        self._hydrated.set()
                elif self.on_event is not None:
                    self.on_event(data)
            elif data.startswith(f"44{NAMESPACE}"):
                self._refused = data[:200]
                self._hydrated.set()
        self.closed = True


def _hydrated(body: str) -> bool:
    delta = json.loads(body).get("delta") or {}
    return delta.get(ROOT_STATE, {}).get("is_hydrated_rx_state_") is True


@dataclass
class Sample:
    """The outcome of one measurement."""

    sessions: int
    loop: str
    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    client_cpu: float = 0.0
    server_cpu: float = 0.0

    @property
    def rate(self) -> float:
        """Answered events per second."""
        return len(self.latencies) / self.seconds

    def percentile(self, p: float) -> float:
        """Latency percentile in milliseconds (nearest rank)."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


async def open_tabs(
    http: aiohttp.ClientSession,
    base_url: str,
    count: int,
    *,
    path: str,
    cookies: list[dict[str, str]],
    storage: dict[str, str],
    batch: int = 25,
) -> list[Tab]:
    """Open ``count`` hydrated tabs, a batch at a time, cookies handed out round robin."""
    tabs = [
        Tab(
            http,
            base_url,
            path=path,
            cookies=cookies[i % len(cookies)] if cookies else None,
            storage=storage,
        )
        for i in range(count)
    ]
    for start in range(0, count, batch):
        await asyncio.gather(*(tab.open() for tab in tabs[start : start + batch]))
    await asyncio.sleep(0.3)
    return tabs


async def measure(
    tabs: list[Tab], name: str, *, loop: str, seconds: float, warmup: float = 0.5
) -> Sample:
    """Fire ``name`` from every tab, closed-loop or paced at one event per second per tab.

    Closed-loop: each tab sends again as soon as its answer arrives. Paced: each tab sends
    once a second at its own random phase. Only events sent after ``warmup`` and answered
    before the end count.
    """
    sample = Sample(len(tabs), loop, seconds)
    start = time.perf_counter() + 0.05
    counted_from, end = start + warmup, start + warmup + seconds

    async def run(tab: Tab) -> None:
        frame = tab.frame(name)
        next_at = start + (random.random() if loop == "paced" else 0.0)
        while True:
            if loop == "paced":
                await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
            sent = time.perf_counter()
            if sent >= end:
                return
            try:
                latency = await tab.roundtrip(frame)
            except TabError:
                sample.errors += 1
                return
            if sent >= counted_from and sent + latency <= end:
                sample.latencies.append(latency)
            next_at += 1.0

    await asyncio.gather(*(run(tab) for tab in tabs))
    return sample
