"""Two app instances behind the real nginx as one app: one dies, its tabs carry on on the other.

nginx runs deploy/nginx/aixplore.conf as shipped, but for two lines an operator edits too: the
upstream's servers (this test's two backends, ``tests/support/backend.py``, on the run's
PostgreSQL and Redis) and the listen port. A signed-in tab (``tests/support/reflex_client.py``,
a socket.io client as the browser's) works through nginx; the instance that holds its event
socket is killed with SIGKILL, as a machine that dies. The tab's socket drops; it connects again
through nginx, which sends it to the surviving instance; the tab is still signed in and its next
event works. Plain requests through nginx keep succeeding meanwhile (passive health checks and
``proxy_next_upstream``). Before that, a tab signs in through nginx: the app records the
client's address, not nginx's and not one the client forged (``AIXPLORE_TRUSTED_PROXY_HOPS``).
nginx connects to the instances from 127.0.0.2 (``proxy_bind``) so that the two differ.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlmodel import select

from aixplore.core.db import get_engine, session_scope
from aixplore.core.settings import get_settings
from aixplore.domain.accounts.models import UserSession
from aixplore.web.accounts.state import LoginState
from aixplore.web.session import SessionState
from aixplore.web.solutions.detail_state import SolutionPageState
from tests.factories import PASSWORD, make_member, make_solution, sign_in
from tests.support.backend import PROCESSES, backend, log_text
from tests.support.nginx import PROXY_ADDRESS, nginx
from tests.support.reflex_client import ReflexClient

pytestmark = pytest.mark.skipif(
    not get_settings().redis_url or get_engine().dialect.name != "postgresql",
    reason="several instances share the tabs' state through Redis and need PostgreSQL: "
    "run with AIXPLORE_DATABASE_URL=postgresql+psycopg://... and AIXPLORE_REDIS_URL",
)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[str], Path]]:
    """nginx and two instances (started side by side); yields nginx's URL, theirs, the logs."""
    folder = tmp_path_factory.mktemp("cluster")
    logs = folder / "logs"
    instances = [backend(logs, AIXPLORE_TRUSTED_PROXY_HOPS="1") for _ in range(2)]
    with contextlib.ExitStack() as stack, ThreadPoolExecutor(2) as pool:
        started = [pool.submit(instance.__enter__) for instance in instances]
        for instance, future in zip(instances, started, strict=True):
            with contextlib.suppress(Exception):  # a failed start's own error is raised below
                future.exception()
            stack.push(instance.__exit__)
        urls = [future.result() for future in started]
        yield stack.enter_context(nginx(folder / "nginx", urls)), urls, logs


def sockets(url: str) -> float:
    """How many event sockets the instance at ``url`` holds now (its /metrics)."""
    text = httpx.get(f"{url}/metrics", timeout=5).text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "aixplore_event_sockets":
                return sample.value
    return 0.0


def test_a_sign_in_through_nginx_records_the_client_s_address(
    cluster: tuple[str, list[str], Path],
) -> None:
    balancer, _instances, _logs = cluster
    member = make_member()
    forged = {"X-Forwarded-For": "203.0.113.9"}  # what a client may send: never believed

    async def sign_in_on_the_page() -> None:
        tab = ReflexClient(balancer, headers=forged)
        await tab.hydrate("/login")
        await tab.call(LoginState.submit, form_data={"email": member.email, "password": PASSWORD})
        deadline = time.monotonic() + 10  # the answer's first part is "busy"; then the session
        while tab.state(SessionState).get("viewer_id") != member.id:
            assert time.monotonic() < deadline, tab.state(LoginState)
            await asyncio.sleep(0.05)
        await tab.close()

    asyncio.run(sign_in_on_the_page())
    with session_scope() as db:
        rows = db.exec(select(UserSession).where(UserSession.user_id == member.id)).all()
    assert [row.ip for row in rows] == ["127.0.0.1"], f"not nginx's {PROXY_ADDRESS} or forged"


def test_a_signed_in_tab_carries_on_when_its_instance_is_killed(
    cluster: tuple[str, list[str], Path],
) -> None:
    balancer, instances, logs = cluster
    member = make_member(name="Lin Balance")
    slug = make_solution(make_member().email).slug
    token = sign_in(member.email)

    async def visit() -> dict[str, Any]:
        seen: dict[str, Any] = {}
        tab = ReflexClient(balancer, cookies={"aixplore_session": token})
        await tab.hydrate(f"/solutions/{slug}", params={"slug": slug})
        seen["before"] = await tab.call(SolutionPageState.toggle_bookmark)
        (held,) = [url for url in instances if sockets(url) == 1]
        (other,) = [url for url in instances if url != held]
        os.killpg(PROCESSES[held].pid, signal.SIGKILL)  # the whole instance, no goodbye
        deadline = time.monotonic() + 20
        while tab.connected:
            assert time.monotonic() < deadline, "nginx kept the dead instance's socket open"
            await asyncio.sleep(0.05)
        # Plain requests meanwhile: the dead instance is skipped or retried past, never seen.
        seen["health"] = [
            (await asyncio.to_thread(httpx.get, f"{balancer}/api/health", timeout=10)).status_code
            for _ in range(6)
        ]
        # The tab's next click: it connects again (through nginx) and the event runs there.
        started = time.perf_counter()
        seen["after"] = await tab.call(SolutionPageState.toggle_bookmark, settle=1.0)
        seen["resumed_seconds"] = time.perf_counter() - started
        seen["other_sockets"] = sockets(other)
        seen["viewer"] = tab.state(SessionState).get("viewer_id")
        seen["bookmarked"] = tab.state(SolutionPageState).get("bookmarked")
        await tab.close()
        return seen

    seen = asyncio.run(visit())
    assert ("success", "Bookmarked.") in seen["before"].toasts
    assert seen["health"] == [200] * 6
    after = seen["after"]
    assert ("success", "Bookmark removed.") in after.toasts, after.updates
    assert not after.redirects, "no sign-in prompt"
    assert seen["viewer"] == member.id
    assert seen["bookmarked"] is False
    assert seen["other_sockets"] == 1, "the tab's socket is on the surviving instance"
    assert seen["resumed_seconds"] < 10, log_text(logs)[-3000:]
