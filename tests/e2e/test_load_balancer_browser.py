"""Chromium through the real nginx to two instances; the one holding its socket dies mid-run.

The suite's front end is served as built: its pages and event socket live at the suite's
address (``app_env``'s base URL), which this test's Chromium resolves to nginx
(``--host-resolver-rules``), so every request of the browser goes through the load balancer
(``deploy/nginx/aixplore.conf``, ``tests/support/nginx.py``) to two instances of the built app
(``python -m aixplore.serve start``) on the run's PostgreSQL and Redis. A member signs in and
bookmarks a solution; the instance that holds the tab's event socket is killed with SIGKILL;
the member's next click works on the other instance (sent again if it went into the dying
connection, web/event_delivery.py), the tab keeps its token and so its state
(web/tab_owner.py), and the next page loads signed in: no sign-in prompt, no lost session.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, BrowserType, expect
from prometheus_client.parser import text_string_to_metric_families

from aixplore.core.db import get_engine
from aixplore.core.settings import get_settings
from tests.e2e.conftest import CHROMIUM_ARGS
from tests.e2e.helpers import sign_in_through_ui
from tests.factories import make_member, make_solution
from tests.support.app_server import AppServer, free_port, start_app
from tests.support.nginx import nginx

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not get_settings().redis_url or get_engine().dialect.name != "postgresql",
        reason="instances share sessions and tabs through PostgreSQL and Redis",
    ),
]


@pytest.fixture
def cluster(
    built_app: Path, app_env: dict[str, str], server_logs: Path
) -> Iterator[tuple[str, list[AppServer]]]:
    """Two instances of the built app behind nginx; yields nginx's port and the instances."""
    apps = [
        start_app(
            built_app,
            {
                **app_env,
                "AIXPLORE_PORT": str(free_port()),
                "GRANIAN_WORKERS": "1",
                "AIXPLORE_TRUSTED_PROXY_HOPS": "1",
            },
            server_logs / f"instance-{n}.log",
        )
        for n in range(2)
    ]
    try:
        for app in apps:  # started side by side above; both must answer
            app.wait_until_up(timeout=300)
        with nginx(server_logs / "nginx", [app.url for app in apps]) as balancer:
            yield balancer.rpartition(":")[2], apps
    finally:
        for app in apps:
            app.stop()


@pytest.fixture
def balanced_browser(
    browser_type: BrowserType,
    browser_type_launch_args: dict,
    app_env: dict[str, str],
    cluster: tuple[str, list[AppServer]],
) -> Iterator[Browser]:
    """A Chromium whose requests to the suite's address reach nginx instead."""
    origin = app_env["AIXPLORE_BASE_URL"].removeprefix("http://")
    rule = f"--host-resolver-rules=MAP {origin} 127.0.0.1:{cluster[0]}"
    browser = browser_type.launch(**{**browser_type_launch_args, "args": [*CHROMIUM_ARGS, rule]})
    yield browser
    browser.close()


TAB_TOKEN = "() => window.sessionStorage.getItem('token')"  # Reflex's tab token


def sockets(app: AppServer) -> float:
    """How many event sockets ``app`` holds now (its /metrics)."""
    text = httpx.get(f"{app.url}/metrics", timeout=5).text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "aixplore_event_sockets":
                return sample.value
    return 0.0


@pytest.mark.allow_console("WebSocket", "Failed to load resource", "socket")
def test_a_signed_in_browser_carries_on_when_its_instance_dies(
    balanced_browser: Browser, app_env: dict[str, str], cluster: tuple[str, list[AppServer]]
) -> None:
    _port, apps = cluster
    origin = app_env["AIXPLORE_BASE_URL"]
    member = make_member(name="Noor Balance")
    slug = make_solution(make_member().email, name="Ferry Timetables").slug
    page = balanced_browser.new_page()
    sign_in_through_ui(page, origin, member.email)
    page.goto(f"{origin}/solutions/{slug}")
    expect(page.get_by_role("button", name="Bookmark", exact=True)).to_be_visible()
    deadline = time.monotonic() + 10  # the sign-in page's socket closes as this one opens
    while sorted(held := [sockets(app) for app in apps]) != [0, 1]:
        assert time.monotonic() < deadline, held
        time.sleep(0.1)
    holder, other = apps if held[0] == 1 else apps[::-1]
    tab_token = page.evaluate(TAB_TOKEN)
    os.killpg(holder.process.pid, signal.SIGKILL)  # the whole instance, no goodbye
    killed_at = time.monotonic()

    # The next click: the tab connects again through nginx, to the survivor, still signed in.
    page.get_by_role("button", name="Bookmark", exact=True).click()
    expect(page.get_by_role("button", name="Bookmarked")).to_be_visible(timeout=20_000)
    resumed = time.monotonic() - killed_at
    assert page.url == f"{origin}/solutions/{slug}", "no sign-in prompt"
    assert sockets(other) == 1, "the tab's socket is on the surviving instance"
    # Not taken for a duplicated tab (web/tab_owner.py): same token, so the same state.
    assert page.evaluate(TAB_TOKEN) == tab_token
    page.goto(f"{origin}/saved")  # a whole page load, served by the survivor: still signed in
    expect(page.get_by_role("heading", name="Ferry Timetables")).to_be_visible()
    assert resumed < 20
