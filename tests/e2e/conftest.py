"""End-to-end fixtures: a production build of the app, Debian's Chromium, screenshots."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.support.app_server import build_frontend, free_port, start_app
from tests.support.redis_server import redis_url

__all__ = ["redis_url"]

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "artifacts" / "screenshots"
# Where the live streams test's nginx serves HLS (tests/e2e/test_streams.py); the app links it.
STREAM_HTTP_PORT = free_port()
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# How long an assertion waits for the page. Playwright's 5 s default was once too short in
# CI's PostgreSQL + Redis pass (two backend workers, a job worker and Chromium on 2 cores):
# the first update after a full page load had not arrived. A page that never shows what is
# expected still fails; a slow one gets 10 s.
expect.set_options(timeout=10_000)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.fixture(scope="session")
def e2e_github(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """The local GitHub-compatible server the app's github-mcp-server is pointed at."""
    from tests.support.fake_github import FakeGitHub
    from tests.support.github_fixture import (
        LIBRARY_FILES,
        OAUTH_CLIENT_ID,
        OAUTH_CLIENT_SECRET,
        TOKEN,
    )

    gh = FakeGitHub(tmp_path_factory.mktemp("github"))
    gh.add_user("octo", TOKEN)
    gh.add_oauth_app(OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET, "octo")
    gh.add_org("acme", ["octo"])
    gh.add_repo("octo/library", LIBRARY_FILES, description="A small library")
    gh.start()
    yield gh
    gh.stop()


_LOGS: list[Path] = []  # the running app's log folder, for failure reports
LOG_TAIL = 6000  # characters of each server log shown with a failure


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """A failing end-to-end test's report ends with what the servers logged meanwhile."""
    report = yield
    if report.failed and _LOGS:
        for log in sorted(_LOGS[-1].glob("*.log")):
            text = log.read_text(errors="replace")
            report.sections.append((f"server log: {log.name} (tail)", text[-LOG_TAIL:]))
    return report


@pytest.fixture(autouse=True)
def page_errors(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[list]:
    """Fail a test whose pages threw an uncaught error or logged a console error.

    Every page a test opens (``page``, ``context.new_page()``, ``browser.new_page()``) is
    watched. A test that provokes errors on purpose names them with
    ``@pytest.mark.allow_console("regex", ...)``.
    """
    errors: list[str] = []
    marker = request.node.get_closest_marker("allow_console")
    allowed = [re.compile(p) for p in (marker.args if marker else ())]

    origin: list[str] = []

    def ours(url: str) -> bool:
        # Only the app's own pages count: the fake GitHub and the IdPs' login pages are
        # someone else's (they ask for a CDN font and a favicon they do not have).
        return url.startswith(origin[0]) if origin else True

    def on_console(page: Page, msg) -> None:
        if msg.type == "error" and ours(page.url):
            errors.append(f"console: {msg.text} ({msg.location.get('url')})")

    def watch(page: Page) -> Page:
        if not origin:
            origin.append(request.getfixturevalue("app_url"))
        page.on(
            "pageerror", lambda exc: errors.append(f"uncaught: {exc}") if ours(page.url) else None
        )
        page.on("console", lambda msg: on_console(page, msg))
        return page

    for cls in (BrowserContext, Browser):
        original = cls.new_page
        monkeypatch.setattr(
            cls, "new_page", lambda self, *a, _o=original, **k: watch(_o(self, *a, **k))
        )
    yield errors
    left = [e for e in errors if not any(p.search(e) for p in allowed)]
    if left:
        pytest.fail("The page reported errors:\n" + "\n".join(left[:20]), pytrace=False)


@pytest.fixture(scope="session")
def app_origin() -> str:
    """Where the suite's app will listen (the test OpenID Provider must know it first).

    ``AIXPLORE_E2E_PORT`` fixes the port: the build bakes the app's address into the front
    end, so two passes on one port can share one build (see ``built_app``).
    """
    return f"http://localhost:{os.environ.get('AIXPLORE_E2E_PORT') or free_port()}"


@pytest.fixture(scope="session")
def e2e_google(app_origin: str) -> Iterator:
    """The real OpenID Provider playing Google for "Continue with Google"."""
    from tests.support.idp.servers import oidc_provider

    with oidc_provider([f"{app_origin}/api/auth/google/callback"]) as running:
        yield running


@pytest.fixture(scope="session")
def app_env(e2e_github, e2e_google, app_origin: str) -> dict[str, str]:
    """The environment of the suite's app: this run's settings and a free port."""
    from tests.support.fake_github import HOST
    from tests.support.github_fixture import (
        OAUTH_CLIENT_ID,
        OAUTH_CLIENT_SECRET,
        SIGNIN_CLIENT_ID,
        SIGNIN_CLIENT_SECRET,
    )
    from tests.support.idp.servers import OIDC_CLIENT_ID, OIDC_CLIENT_SECRET

    url = app_origin
    e2e_github.add_oauth_app(SIGNIN_CLIENT_ID, SIGNIN_CLIENT_SECRET, "octo")
    return {
        **os.environ,
        "AIXPLORE_PORT": url.rpartition(":")[2],
        "AIXPLORE_BASE_URL": url,
        # Every browser in the suite signs in from 127.0.0.1 (the limits have their own tests).
        "AIXPLORE_LOGIN_LIMIT_PER_IP": "500/5 minutes",
        "AIXPLORE_SSO_LIMIT_PER_IP": "500/5 minutes",
        # The webhook test's receiver listens on 127.0.0.1.
        "AIXPLORE_WEBHOOK_ALLOW_PRIVATE_TARGETS": "true",
        "AIXPLORE_STREAM_HLS_URL": f"http://127.0.0.1:{STREAM_HTTP_PORT}/hls",
        "AIXPLORE_GITHUB_HOST": f"http://{HOST}",
        "AIXPLORE_GITHUB_PROXY": e2e_github.proxy_url,
        # "Connect with GitHub": the fake GitHub serves the OAuth pages on its own address.
        "AIXPLORE_GITHUB_OAUTH_CLIENT_ID": OAUTH_CLIENT_ID,
        "AIXPLORE_GITHUB_OAUTH_CLIENT_SECRET": OAUTH_CLIENT_SECRET,
        "AIXPLORE_GITHUB_WEB_URL": e2e_github.proxy_url,
        # "Continue with GitHub" (another app of the fake GitHub) and "Continue with Google"
        # (the test OpenID Provider).
        "AIXPLORE_GITHUB_SIGNIN_CLIENT_ID": SIGNIN_CLIENT_ID,
        "AIXPLORE_GITHUB_SIGNIN_CLIENT_SECRET": SIGNIN_CLIENT_SECRET,
        "AIXPLORE_GITHUB_API_URL": f"{e2e_github.proxy_url}/api/v3",
        "AIXPLORE_GOOGLE_CLIENT_ID": OIDC_CLIENT_ID,
        "AIXPLORE_GOOGLE_CLIENT_SECRET": OIDC_CLIENT_SECRET,
        "AIXPLORE_GOOGLE_DISCOVERY_URL": f"{e2e_google.url}/.well-known/openid-configuration",
    }


@pytest.fixture(scope="session")
def built_app(app_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The checkout with its front end built once per run (``python -m aixplore.serve build``).

    With ``AIXPLORE_E2E_REUSE_BUILD`` set, a build an earlier pass made for this same address
    (its stamp says which) is served as it is: the test command's second pass differs from the
    first only in its database and Redis, which the front end never sees.
    """
    stamp = ROOT / ".web" / "build" / "e2e-origin"
    origin = app_env["AIXPLORE_BASE_URL"]
    reusable = stamp.exists() and stamp.read_text() == origin
    if not (os.environ.get("AIXPLORE_E2E_REUSE_BUILD") and reusable):
        stamp.unlink(missing_ok=True)
        build_frontend(ROOT, app_env, tmp_path_factory.mktemp("build") / "build.log")
        stamp.write_text(origin)
    return ROOT


@pytest.fixture
def server_logs(tmp_path: Path) -> Iterator[Path]:
    """A folder for the servers a test starts itself; their logs end a failure's report."""
    _LOGS.append(tmp_path)
    yield tmp_path
    _LOGS.remove(tmp_path)


@pytest.fixture(scope="session")
def app_url(
    app_env: dict[str, str], built_app: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """Start the built app in production mode on its port; stop it afterwards."""
    logs = tmp_path_factory.mktemp("app")
    _LOGS.append(logs)
    # The production start path of scripts/run and the Docker image (aixplore/serve.py).
    app = start_app(built_app, app_env, logs / "app.log")
    procs: list[subprocess.Popen] = []
    if os.environ.get("AIXPLORE_E2E_JOB_WORKER"):
        procs.append(
            subprocess.Popen(
                [sys.executable, "-m", "aixplore.jobs.worker", "--workers", "2"],
                cwd=ROOT,
                env=app_env,
                stdout=(logs / "worker.log").open("w"),
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
    try:
        app.wait_until_up(timeout=300)
        yield app.url
    finally:
        app.stop()
        for proc in procs:
            _stop(proc)


@pytest.fixture(scope="session")
def base_url(app_url: str) -> str:
    """pytest-playwright's base URL is the running app."""
    return app_url


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Use Debian's Chromium; Playwright cannot download its own here."""
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture
def shoot(request: pytest.FixtureRequest):
    """Save a full-page screenshot under artifacts/screenshots for a person to look at."""
    engine = "pg" if "postgresql" in os.environ.get("AIXPLORE_DATABASE_URL", "") else "sqlite"
    SHOTS.mkdir(parents=True, exist_ok=True)

    def _shoot(page, name: str) -> Path:
        width = page.viewport_size["width"] if page.viewport_size else 0
        path = SHOTS / f"{name}-{'phone' if width and width < 600 else 'desktop'}-{engine}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _shoot
