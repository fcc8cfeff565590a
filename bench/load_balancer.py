"""Failover through nginx: signed-in tabs and plain requests while one of two instances dies.

    .venv/bin/python bench/load_balancer.py [--tabs 20]

It starts a throwaway PostgreSQL and Redis (``bench/fault_servers.py``), two app instances
(``tests/support/backend.py``, one backend worker each) behind the real nginx running
deploy/nginx/aixplore.conf (``tests/support/nginx.py``), and opens ``--tabs`` tabs of as many
signed-in members through nginx, each on a solution's page. Then it kills the instance that
holds the most event sockets with SIGKILL while a poller asks nginx for /api/health every 50 ms,
and each tab clicks "Bookmark" again. It prints how many tabs were on the dead instance, the
seconds from the kill until each tab's click was confirmed (median and worst, for the moved tabs
and the others), sign-in prompts, and the plain requests answered and failed meanwhile.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import statistics
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from fault_servers import scratch_servers  # noqa: E402


def _sockets(url: str) -> float:
    from prometheus_client.parser import text_string_to_metric_families

    for family in text_string_to_metric_families(httpx.get(f"{url}/metrics", timeout=5).text):
        for sample in family.samples:
            if sample.name == "aixplore_event_sockets":
                return sample.value
    return 0.0


async def _poll(url: str, stop: asyncio.Event, seen: list[int | str]) -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        while not stop.is_set():
            try:
                seen.append((await client.get(f"{url}/api/health")).status_code)
            except httpx.HTTPError as exc:
                seen.append(type(exc).__name__)
            await asyncio.sleep(0.05)


async def _drill(balancer: str, instances: list[str], tabs: int) -> dict[str, object]:
    from aixplore.web.solutions.detail_state import SolutionPageState
    from tests.factories import make_member, make_solution, sign_in
    from tests.support.backend import PROCESSES
    from tests.support.reflex_client import ReflexClient

    slug = make_solution(make_member().email).slug
    clients = []
    for _ in range(tabs):
        tab = ReflexClient(balancer, cookies={"aixplore_session": sign_in(make_member().email)})
        await tab.hydrate(f"/solutions/{slug}", params={"slug": slug})
        clients.append(tab)
    held = {url: _sockets(url) for url in instances}
    victim = max(held, key=lambda url: held[url])
    stop, polled = asyncio.Event(), []
    poller = asyncio.create_task(_poll(balancer, stop, polled))
    await asyncio.sleep(0.5)
    killed = time.perf_counter()
    os.killpg(PROCESSES[victim].pid, signal.SIGKILL)

    # A browser notices the dropped socket and connects again; wait for the drop as it does.
    deadline = time.monotonic() + 20
    while sum(not tab.connected for tab in clients) < held[victim]:
        if time.monotonic() > deadline:
            break
        await asyncio.sleep(0.02)
    dropped = time.perf_counter() - killed
    moved_tabs = {id(tab) for tab in clients if not tab.connected}

    async def click(tab: ReflexClient) -> tuple[bool, float, bool]:
        result = await tab.call(SolutionPageState.toggle_bookmark, timeout=30)
        confirmed = any(t.level == "success" for t in result.toasts)
        prompted = any(p.startswith("/login") for p in result.redirects)
        return id(tab) in moved_tabs, time.perf_counter() - killed, prompted or not confirmed

    outcomes = await asyncio.gather(*(click(tab) for tab in clients))
    await asyncio.sleep(1)
    stop.set()
    await poller
    for tab in clients:
        await tab.close()
    return {"held": held, "dropped": dropped, "outcomes": outcomes, "polled": polled}


def main() -> int:
    """Run the drill once and print its figures."""
    parser = argparse.ArgumentParser(description="Failover through nginx.")
    parser.add_argument("--tabs", type=int, default=20)
    args = parser.parse_args()
    with scratch_servers("aixplore-lb-", AIXPLORE_LOGIN_LIMIT_PER_IP="10000/minute") as folder:
        from aixplore.cli import migrate
        from tests.support.backend import backend
        from tests.support.nginx import nginx

        migrate()
        with contextlib.ExitStack() as stack:
            hops = {"AIXPLORE_TRUSTED_PROXY_HOPS": "1"}
            urls = [stack.enter_context(backend(folder / "logs", **hops)) for _ in range(2)]
            balancer = stack.enter_context(nginx(folder / "nginx", urls))
            report = asyncio.run(_drill(balancer, urls, args.tabs))
    outcomes: list[tuple[bool, float, bool]] = report["outcomes"]  # type: ignore[assignment]
    moved = [seconds for was_moved, seconds, bad in outcomes if was_moved and not bad]
    stayed = [seconds for was_moved, seconds, bad in outcomes if not was_moved and not bad]
    failed = sum(1 for _m, _s, bad in outcomes if bad)
    polled: list[int | str] = report["polled"]  # type: ignore[assignment]
    print(f"instances' event sockets before the kill: {list(report['held'].values())}")  # type: ignore[union-attr]
    print(
        f"the dead instance's sockets dropped (nginx closed them) after {report['dropped']:.2f} s"
    )
    print(f"tabs moved to the surviving instance: {len(moved)} of {len(outcomes)}")
    for name, values in (("moved", moved), ("stayed", stayed)):
        if values:
            print(
                f"  kill -> click confirmed, {name} tabs: median {statistics.median(values):.2f} s,"
                f" worst {max(values):.2f} s"
            )
    print(f"clicks not confirmed or shown a sign-in prompt: {failed}")
    errors = [p for p in polled if p != 200]
    print(
        f"/api/health through nginx during the failover: {len(polled)} asked, {len(errors)} failed"
    )
    return 1 if failed or errors else 0


if __name__ == "__main__":
    sys.exit(main())
