"""A blue-green release under traffic, then the load campaign's short run, on one pair of colours.

scripts/blue_green.sh runs as an operator runs it, with its colours as plain processes (the
backend as ``tests/support/backend.py`` starts it, on the run's PostgreSQL and Redis) and the
real nginx serving the site the script renders from deploy/nginx/aixplore.conf
(``tests/support/nginx.py``). blue goes live; green is deployed and switched to while a client
keeps asking nginx for /api/health; then the release is rolled back to blue. No request may
fail, and each colour must have answered while it was live. The same nginx and live colour
then carry the load campaign (``tests/support/load_campaign.py``) for a few seconds at a low
rate: every journey step must be reported, without one error.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from aixplore.core.db import get_engine
from aixplore.core.settings import get_settings
from tests.factories import make_small_catalog
from tests.support.backend import ROOT, free_port
from tests.support.load_campaign import STEPS, campaign, make_population, summary
from tests.support.nginx import nginx

pytestmark = pytest.mark.skipif(
    not get_settings().redis_url or get_engine().dialect.name != "postgresql",
    reason="two colours share the tabs' state through Redis and need PostgreSQL: "
    "run with AIXPLORE_DATABASE_URL=postgresql+psycopg://... and AIXPLORE_REDIS_URL",
)
SCRIPT = ROOT / "scripts" / "blue_green.sh"
# A colour as test_load_balancer's instances: the backend alone, one worker, the run's settings.
START = (
    f"exec {sys.executable} -m reflex run --env prod --backend-only --backend-host 127.0.0.1"
    ' --backend-port "$AIXPLORE_PORT"'
)


class Release:
    """The script's settings for this test, and a way to run it."""

    def __init__(self, folder: Path) -> None:
        """Two free ports for the colours; state under ``folder``."""
        self.folder = folder
        self.addrs = {c: f"127.0.0.1:{free_port()}" for c in ("blue", "green")}
        self.env = {
            **os.environ,
            "BG_DIR": str(folder / "bg"),
            "BG_BLUE_ADDR": self.addrs["blue"],
            "BG_GREEN_ADDR": self.addrs["green"],
            "BG_START": START,
            "BG_RELOAD": f"nginx -p {folder / 'nginx'} -c {folder / 'nginx' / 'nginx.conf'} -s reload",
            "BG_HEALTH_TIMEOUT": "120",
            "BG_DRAIN_SECONDS": "5",
            "AIXPLORE_EMBEDDED_WORKER": "false",
            "AIXPLORE_LOGIN_LIMIT_PER_IP": "1000/minute",
            "AIXPLORE_TRUSTED_PROXY_HOPS": "1",
            "GRANIAN_WORKERS": "1",
            "REFLEX_FRONTEND_PORT": "0",
            "TELEMETRY_ENABLED": "false",
        }

    def __call__(self, *args: str) -> str:
        """Run the script; its output (it must succeed)."""
        done = subprocess.run(
            ["bash", str(SCRIPT), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        logs = "".join(p.read_text()[-2000:] for p in (self.folder / "bg").glob("*.log"))
        assert done.returncode == 0, f"{args}: {done.stdout}{done.stderr}\n{logs}"
        return done.stdout + done.stderr

    def health_answers(self, colour: str) -> float:
        """How many /api/health requests the colour answered (its own /metrics)."""
        text = httpx.get(f"http://{self.addrs[colour]}/metrics", timeout=5).text
        return sum(
            sample.value
            for family in text_string_to_metric_families(text)
            for sample in family.samples
            if sample.name == "aixplore_http_requests_total"
            and sample.labels.get("route") == "/api/health"
        )

    def pgid(self, colour: str) -> int:
        """The colour's process group (the script starts each in a session of its own)."""
        return int((self.folder / "bg" / f"{colour}.pid").read_text())


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Release, str]]:
    """blue live behind nginx; yields the script and nginx's URL; stops both colours after."""
    folder = tmp_path_factory.mktemp("release")
    run = Release(folder)
    run("render")
    site = (folder / "bg" / "aixplore.conf").read_text()
    try:
        with nginx(folder / "nginx", [], site=site) as balancer:
            run("deploy")
            yield run, balancer
    finally:
        for colour in ("blue", "green"):
            run("stop", colour)


def _poll(url: str, stop: threading.Event, seen: list[int | str]) -> None:
    with httpx.Client(timeout=10) as client:
        while not stop.is_set():
            try:
                seen.append(client.get(f"{url}/api/health").status_code)
            except httpx.HTTPError as exc:
                seen.append(type(exc).__name__)
            stop.wait(0.02)


def _answers_reach(run: Release, colour: str, count: float, seconds: float = 20.0) -> bool:
    """Whether the colour has answered ``count`` health requests within ``seconds``."""
    deadline = time.monotonic() + seconds
    while run.health_answers(colour) < count:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_a_switch_to_green_and_a_rollback_lose_no_request(release: tuple[Release, str]) -> None:
    run, balancer = release
    assert "blue (" in run("status") and "running, live" in run("status").splitlines()[0]
    stop, seen = threading.Event(), []
    poller = threading.Thread(target=_poll, args=(balancer, stop, seen))
    poller.start()
    try:
        blue_before = run.health_answers("blue")
        run("deploy")  # green: started, healthy, switched to, blue drained
        assert run("status").splitlines()[1].endswith("running, live"), run("status")
        green_before = run.health_answers("green")
        # green serves what nginx is asked now (a request already on one of nginx's old
        # workers' kept-alive connections may still reach blue: wait for counts, not polls)
        assert _answers_reach(run, "green", green_before + 10)
        blue_idle = run.health_answers("blue")
        run("rollback")
        blue_back = _answers_reach(run, "blue", blue_idle + 10)
    finally:
        stop.set()
        poller.join()
    assert seen and all(status == 200 for status in seen), [s for s in seen if s != 200][:5]
    assert blue_idle > blue_before, "blue answered before the switch"
    assert blue_back, "blue answers again after the rollback"
    assert run("status").splitlines()[0].endswith("running, live")
    run("retire")
    assert "green (" in run("status") and "stopped" in run("status").splitlines()[1]


def test_the_load_campaign_reports_every_step_without_errors(
    release: tuple[Release, str],
) -> None:
    run, balancer = release
    make_small_catalog()
    people = make_population(members=4, keys=2)
    report = asyncio.run(
        campaign(balancer, people, rate=4.0, seconds=5.0, server_groups=[run.pgid("blue")])
    )
    lines = "\n".join(summary(report))
    wanted = {f"{journey}: {step}" for journey, steps in STEPS.items() for step in steps}
    assert set(report.samples) == wanted, lines
    assert report.errors == 0, lines
    assert report.health and all(report.health), lines
    assert report.memory and all(mib > 100 for _, mib in report.memory), lines
