"""The Docker image's own build and start steps serve the whole app (issue 21, item 13).

No Docker engine runs here, so this is the closest check: tests/support/dockerfile.py runs
the Dockerfile itself outside Docker (its COPY lines from the build context into a folder
per stage, its ARG and ENV, its RUN lines verbatim but for the installs this machine stands
in for), then the test starts the image's CMD with the image's environment (plus what
``docker run -e`` would give: a real secret key, a fresh database of this run's engine, its
Redis) and loads ``/``, a solution page in Chromium, the REST API and ``/api/health``, and
runs the image's HEALTHCHECK. The one deviation from ``docker build``: the port is a build
argument set to a free port (3000 may be taken on a shared machine).
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import create_engine, make_url, text

from aixplore.core.settings import get_settings
from tests.support.app_server import ROOT, free_port, start_app
from tests.support.dockerfile import DockerfileRun, Provided, Stage

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]

BUN_VERSION = re.search(r'BUN_VERSION="([^"]+)"', (ROOT / "scripts/lib.sh").read_text())[1]
PROVIDED = [
    Provided(r"apt-get update", "system packages: scripts/test installs what the tests need"),
    Provided(
        r"python -m venv /opt/venv ",
        "the pinned Python packages: .venv, installed from the same pyproject.toml",
        {"/opt/venv": ROOT / ".venv"},
    ),
    Provided(
        rf"npm install --prefix /opt/bun .*bun@{re.escape(BUN_VERSION)}$",
        "bun from npm: .tools, installed by scripts/lib.sh with the same pin",
        {"/opt/bun": ROOT / ".tools"},
    ),
    Provided(
        r"npm ci --prefix /opt/gltf ",
        "the glTF tools from tools/gltf's lock file: installed by scripts/lib.sh with npm ci",
        {"/opt/gltf": ROOT / "tools" / "gltf"},
    ),
]
# In the image's environment: the model tools are found and validate a model with node.
GLTF_CHECK = """
import json
from pathlib import Path
from aixplore.core.settings import get_settings
from aixplore.domain.models3d.tools import run_tool, tools_ready
model = Path("assets/components3d/models/ece-coin-low.glb").resolve()  # node runs in the tools' folder
print(get_settings().gltf_tools_dir, tools_ready(), json.dumps(run_tool("validate.mjs", source=model)))
"""
SEED = """
from tests.factories import make_member, make_solution
owner = make_member(name="Image Publisher")
print(make_solution(owner.email, name="Image Check Summarizer").slug)
"""


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> tuple[Stage, int]:
    """The Dockerfile's stages built in folders; the final one is the image."""
    port = free_port()
    run = DockerfileRun(
        ROOT / "Dockerfile",
        context=ROOT,
        workspace=tmp_path_factory.mktemp("image"),
        provided=PROVIDED,
        # What the python base image and the machine give every step.
        base_env={"PATH": os.environ["PATH"], "HOME": os.environ["HOME"], "LANG": "C.UTF-8"},
        build_args={"AIXPLORE_PORT": str(port)},
    )
    final = run.build()
    assert any("aixplore.serve build" in step for step in run.stages["build"].ran)
    assert any(
        step.startswith("npm ci --prefix /opt/gltf ") for step in run.stages["build"].stood_in
    )
    return final, port


@pytest.fixture
def fresh_database(tmp_path: Path) -> Iterator[str]:
    """An empty database of this run's engine, for the image to migrate on start."""
    current = make_url(get_settings().database_url)
    if current.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'image.db'}"
        return
    admin = create_engine(current, isolation_level="AUTOCOMMIT")
    name = f"aixplore_image_{secrets.token_hex(4)}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield current.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _docker_run_env(image: Stage, port: int, database_url: str) -> dict[str, str]:
    """The image's environment plus what ``docker run -e`` gives it here."""
    env = {
        **image.env,
        "AIXPLORE_SECRET_KEY": secrets.token_urlsafe(48),
        "AIXPLORE_DATABASE_URL": database_url,
        "AIXPLORE_BASE_URL": f"http://localhost:{port}",
        "AIXPLORE_LOG_JSON": "false",
    }
    redis_url = get_settings().redis_url
    if redis_url:  # the run's Redis, in a database of its own (tests flush database 0)
        env["AIXPLORE_REDIS_URL"] = re.sub(r"/\d+$", "", redis_url) + "/7"
    return env


def _healthcheck(image: Stage, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    assert image.healthcheck, "the Dockerfile has no HEALTHCHECK"
    return subprocess.run(
        image.healthcheck,
        cwd=image.root / image.workdir.lstrip("/"),
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_image_is_small_and_holds_no_build_tools(image: tuple[Stage, int]) -> None:
    final, _port = image
    app = final.root / "app"
    assert (app / ".web" / "build" / "client" / "index.html").is_file()
    assert sorted(p.name for p in (app / ".web").iterdir()) == ["build", "routes.json"]
    assert not list(app.rglob("node_modules")), "node packages were copied into the image"
    size = sum(p.stat().st_size for p in app.rglob("*") if p.is_file())
    assert size < 100 * 1024 * 1024, f"/app holds {size / 1e6:.0f} MB"
    assert final.user != "root"


def test_the_image_finds_its_model_tools_and_runs_them_with_node(
    image: tuple[Stage, int], tmp_path: Path
) -> None:
    final, port = image
    env = _docker_run_env(final, port, f"sqlite:///{tmp_path / 'tools.db'}")
    assert env["AIXPLORE_GLTF_TOOLS_DIR"] == str(ROOT / "tools" / "gltf")
    done = subprocess.run(
        [sys.executable, "-c", GLTF_CHECK],
        cwd=final.root / "app",
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    folder, ready, report = done.stdout.strip().split(" ", 2)
    assert folder == str(ROOT / "tools" / "gltf") and ready == "True"
    assert '"errors":0' in report.replace(" ", "") and '"triangles"' in report


def test_the_image_serves_pages_socket_and_api_from_one_port(
    image: tuple[Stage, int], fresh_database: str, browser: Browser, server_logs: Path
) -> None:
    final, port = image
    assert final.cmd, "the Dockerfile has no CMD"
    env = _docker_run_env(final, port, fresh_database)
    app = start_app(final.root / "app", env, server_logs / "image.log", command=final.cmd)
    try:
        # The CMD migrates the empty database before it serves.
        app.wait_until_up(timeout=300)
        seeded = subprocess.run(
            [sys.executable, "-c", SEED],
            cwd=ROOT,
            env={**os.environ, "AIXPLORE_DATABASE_URL": fresh_database},
            capture_output=True,
            text=True,
            check=True,
        )
        slug = seeded.stdout.strip().splitlines()[-1]
        health = httpx.get(f"{app.url}/api/health", timeout=10)
        assert health.status_code == 200 and health.json()["status"] == "ok", health.text
        home = httpx.get(f"{app.url}/", timeout=10)
        assert home.status_code == 200 and "<title>AiXplore" in home.text
        api = httpx.get(f"{app.url}/api/v1/solutions/{slug}", timeout=10)
        assert api.status_code == 200 and api.json()["name"] == "Image Check Summarizer"
        # The page's data comes through the event socket on the same port.
        page = browser.new_page()
        try:
            page.goto(f"{app.url}/solutions/{slug}")
            heading = page.get_by_role("heading", name="Image Check Summarizer", level=1)
            expect(heading).to_be_visible()
        finally:
            page.close()
        healthy = _healthcheck(final, env)
        assert healthy.returncode == 0, healthy.stdout + healthy.stderr
    finally:
        status = app.stop()
    assert status == 0, f"the image did not stop cleanly on SIGTERM:\n{app.log_tail()}"
    stopped = _healthcheck(final, env)
    assert stopped.returncode != 0, "the HEALTHCHECK passed with the app stopped"
