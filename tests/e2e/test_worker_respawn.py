"""A killed backend worker is replaced while the others keep serving (issue 21, item 9).

Each test starts its own server the production way (``python -m aixplore.serve start``, as
``scripts/run`` and the Docker image do), kills workers with SIGKILL and keeps asking
``/api/health`` on a new connection every 0.1 s meanwhile.
"""

from __future__ import annotations

import itertools
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from aixplore.web.home.pages import HomeState
from tests.e2e.helpers import run_async
from tests.support.app_server import AppServer, free_port, start_app
from tests.support.reflex_client import ROOT_STATE, ReflexClient

pytestmark = pytest.mark.e2e

# "No gap over a few seconds": the longest time without a successful health answer while
# one of two workers is killed and replaced. The other worker answers in milliseconds.
LONGEST_GAP_SECONDS = 5.0
RESPAWN_DEADLINE_SECONDS = 30.0


class HealthWatch:
    """Ask ``/api/health`` every 0.1 s in a thread; remember when answers came."""

    def __init__(self, app: AppServer) -> None:
        self.app = app
        self.answered: list[float] = []
        self.failed = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            if self.app.answers("/api/health", timeout=2):
                self.answered.append(time.monotonic())
            else:
                self.failed += 1
            self._stop.wait(0.1)

    def __enter__(self) -> HealthWatch:
        self.started = time.monotonic()
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        self.ended = time.monotonic()

    def longest_gap(self) -> float:
        """The longest time without an answer, from the start to the end of the watch."""
        marks = [self.started, *self.answered, self.ended]
        return max(b - a for a, b in itertools.pairwise(marks))


@pytest.fixture
def serve(built_app: Path, app_env: dict[str, str], server_logs: Path) -> Iterator:
    """Start servers of the built app with extra settings; stop them after the test."""
    started: list[AppServer] = []

    def _serve(workers: int, **settings: str) -> AppServer:
        env = {
            **app_env,
            "AIXPLORE_PORT": str(free_port()),
            "GRANIAN_WORKERS": str(workers),
            **settings,
        }
        app = start_app(built_app, env, server_logs / f"app-{len(started)}.log")
        started.append(app)
        app.wait_until_up(timeout=300, workers=workers)
        return app

    yield _serve
    for app in started:
        app.stop()


def _replacement(app: AppServer, known: set[int]) -> int:
    """Wait for a worker that is none of ``known``; fail when none comes in time."""
    deadline = time.monotonic() + RESPAWN_DEADLINE_SECONDS
    while time.monotonic() < deadline:
        assert app.process.poll() is None, f"the server stopped:\n{app.log_tail()}"
        new = app.worker_pids() - known
        if new:
            return new.pop()
        time.sleep(0.1)
    raise AssertionError(f"no new worker within {RESPAWN_DEADLINE_SECONDS} s:\n{app.log_tail()}")


def _socket_works(app: AppServer) -> bool:
    """A tab's event socket connects, hydrates and runs the home page's load handler."""

    async def visit() -> bool:
        async with ReflexClient(app.url) as tab:
            await tab.hydrate("/")
            hydrated = tab.state(ROOT_STATE).get("is_hydrated") is True
            return tab.connected and hydrated and "members" in tab.state(HomeState)

    return run_async(visit())


def test_killing_either_of_two_workers_replaces_it_while_the_other_serves(
    serve, redis_url: str
) -> None:
    # Two workers share the tabs' state through Redis (the suite's, or a throwaway one).
    app = serve(2, AIXPLORE_REDIS_URL=redis_url)
    supervisor = app.process.pid
    first, second = sorted(app.worker_pids())
    with HealthWatch(app) as watch:
        time.sleep(0.5)
        os.kill(first, signal.SIGKILL)
        replaced_first = _replacement(app, {first, second})
        time.sleep(1)
        os.kill(second, signal.SIGKILL)
        replaced_second = _replacement(app, {first, second, replaced_first})
        deadline = time.monotonic() + RESPAWN_DEADLINE_SECONDS
        while not app.answers("/api/health") and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1)
    assert app.process.poll() is None and app.process.pid == supervisor, app.log_tail()
    # Only the replacements run now, so what answers below is served by them.
    assert app.worker_pids() == {replaced_first, replaced_second}, app.log_tail()
    assert watch.longest_gap() < LONGEST_GAP_SECONDS, (
        f"no answer for {watch.longest_gap():.1f} s ({watch.failed} failed requests)\n"
        + app.log_tail()
    )
    assert app.answers("/") and app.answers("/api/health")
    assert _socket_works(app)


def test_the_only_worker_comes_back_after_it_is_killed(serve) -> None:
    # The run's own settings: SQLite with the embedded job consumer, or PostgreSQL + Redis.
    app = serve(1)
    supervisor = app.process.pid
    (only,) = app.worker_pids()
    os.kill(only, signal.SIGKILL)
    replacement = _replacement(app, {only})
    deadline = time.monotonic() + RESPAWN_DEADLINE_SECONDS
    while not app.answers("/api/health"):
        assert time.monotonic() < deadline, f"no answer after the respawn:\n{app.log_tail()}"
        time.sleep(0.2)
    assert app.process.poll() is None and app.process.pid == supervisor, app.log_tail()
    assert app.worker_pids() == {replacement}
    assert app.answers("/")
    assert _socket_works(app)
