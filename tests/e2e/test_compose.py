"""docker-compose.yml's commands and health checks work when run (issue 21, items 9 and 10).

No Docker engine runs here, so each service's command and health check runs outside Docker
against this test's own servers: the run's database stands for the ``postgres`` service, a
Redis started with the ``redis`` service's own command for ``redis``, the suite's app for
``app``. What differs from Docker is only addressing: the port a server listens on (added to
the Redis command and its ``redis-cli`` check, as ``PGHOST``/``PGPORT`` for ``pg_isready``),
the service URLs in the environment, and each container's own data folder (a temporary one).
"""

from __future__ import annotations

import os
import re
import secrets
import shlex
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
import yaml
from sqlalchemy import make_url

from aixplore.core.settings import get_settings
from tests.factories import make_member
from tests.support.app_server import ROOT, free_port

pytestmark = pytest.mark.e2e

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES: dict[str, dict] = COMPOSE["services"]
RESTART_POLICIES = {"always", "unless-stopped", "on-failure"}
# What the image's ENV puts first on PATH (/opt/venv/bin): this machine's .venv.
BASE_ENV = {
    "PATH": f"{ROOT / '.venv' / 'bin'}:{os.environ['PATH']}",
    "HOME": os.environ["HOME"],
    "LANG": "C.UTF-8",
}


def _health_command(service: str) -> list[str]:
    """A service's health check as a command line (``CMD`` or ``CMD-SHELL`` form)."""
    check = SERVICES[service].get("healthcheck") or {}
    assert not check.get("disable"), f"{service}: its health check is disabled"
    test = check.get("test")
    assert test, f"{service}: no health check"
    if test[0] == "CMD-SHELL":
        return ["/bin/sh", "-c", test[1]]
    assert test[0] == "CMD", test
    return list(test[1:])


def _interpolate(value: str, given: dict[str, str]) -> str:
    """Compose's ``${VAR:?message}`` and ``${VAR:-default}`` with the given variables."""

    def one(match: re.Match[str]) -> str:
        name, kind, rest = match.group(1), match.group(2), match.group(3)
        if given.get(name):
            return given[name]
        assert kind != ":?", f"compose refuses to start without {name}: {rest}"
        return rest if kind == ":-" else ""

    return re.sub(r"\$\{(\w+)(:[?-])?([^}]*)\}", one, value)


def _service_env(service: str, data_dir: Path, database_url: str, redis_url: str) -> dict:
    """A service's compose environment, its service addresses pointed at the test's servers."""
    given = {"AIXPLORE_SECRET_KEY": secrets.token_urlsafe(48)}
    env = {k: _interpolate(str(v), given) for k, v in SERVICES[service]["environment"].items()}
    assert "@postgres:5432/" in env["AIXPLORE_DATABASE_URL"]
    assert env["AIXPLORE_REDIS_URL"].startswith("redis://redis:6379/")
    env |= {
        "AIXPLORE_DATABASE_URL": database_url,
        "AIXPLORE_REDIS_URL": redis_url,
        "AIXPLORE_DATA_DIR": str(data_dir),  # the container's own /app/data
        "PROMETHEUS_MULTIPROC_DIR": str(data_dir / "prometheus"),
        "AIXPLORE_LOG_JSON": "false",
    }
    if "AIXPLORE_BACKUP_DIR" in env:  # the container's backups volume
        env["AIXPLORE_BACKUP_DIR"] = str(data_dir / "backups")
    return {**BASE_ENV, **env}


def _run(command: list[str], env: dict, **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=60, **kwargs
    )


class RedisService:
    """The ``redis`` service's command on a free port, in a folder standing for its volume."""

    def __init__(self, volume: Path) -> None:
        self.volume = volume
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [*SERVICES["redis"]["command"], "--bind", "127.0.0.1", "--port", str(self.port)]
        # The redis image's working directory is /data, where the volume is mounted.
        self.process = subprocess.Popen(
            command, cwd=self.volume, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 20
        while not self.healthy():
            assert self.process.poll() is None, "redis-server exited"
            assert time.monotonic() < deadline, "redis-server did not answer its health check"
            time.sleep(0.1)

    def healthy(self) -> bool:
        """The service's own health check, pointed at this server's port."""
        cli, *command = _health_command("redis")  # redis-cli takes options first
        done = _run([cli, "-p", str(self.port), *command], BASE_ENV)
        return done.returncode == 0 and "PONG" in done.stdout

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


@pytest.fixture
def redis_service(tmp_path: Path) -> Iterator[RedisService]:
    volume = tmp_path / "redisdata"
    volume.mkdir()
    service = RedisService(volume)
    try:
        service.start()
        yield service
    finally:
        service.kill()


def test_every_service_restarts_and_has_a_health_check() -> None:
    for name, service in SERVICES.items():
        assert service.get("restart") in RESTART_POLICIES, f"{name}: no restart policy"
        _health_command(name)
    # The job worker starts once the app has migrated the database and answers.
    assert SERVICES["worker"]["depends_on"]["app"] == {"condition": "service_healthy"}


def test_redis_keeps_the_queue_and_rate_limits_across_a_kill(
    redis_service: RedisService,
) -> None:
    client = redis.Redis.from_url(redis_service.url)
    client.rpush("huey.redis.aixplore", b"a queued job")
    client.set("LIMITER/api/198.51.100.7", 7)
    client.close()
    redis_service.kill()  # SIGKILL: nothing is saved on the way out
    redis_service.start()
    client = redis.Redis.from_url(redis_service.url)
    assert client.lrange("huey.redis.aixplore", 0, -1) == [b"a queued job"]
    assert client.get("LIMITER/api/198.51.100.7") == b"7"
    client.close()
    # In Docker the folder is a named volume at the image's working directory.
    volume, target = SERVICES["redis"]["volumes"][0].split(":")
    assert target == "/data" and volume in COMPOSE["volumes"], "Redis data needs a named volume"


def test_the_worker_runs_and_its_health_check_sees_it_die(
    tmp_path: Path, redis_service: RedisService
) -> None:
    env = _service_env("worker", tmp_path / "data", get_settings().database_url, redis_service.url)
    check = _health_command("worker")
    worker = subprocess.Popen(
        SERVICES["worker"]["command"],
        cwd=ROOT,
        env=env,
        stdout=(tmp_path / "worker.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while (verdict := _run(check, env)).returncode != 0:
            assert worker.poll() is None, (tmp_path / "worker.log").read_text()[-3000:]
            assert time.monotonic() < deadline, verdict.stderr
            time.sleep(0.5)
        assert "healthy" in verdict.stdout
    finally:
        worker.kill()
        worker.wait()
    dead = _run(check, env)
    assert dead.returncode == 1, dead.stdout
    assert "gone" in dead.stderr


def test_the_app_health_check_tells_a_running_app_from_a_stopped_one(app_url: str) -> None:
    check = _health_command("app")
    up = _run(check, {**BASE_ENV, "AIXPLORE_PORT": app_url.rpartition(":")[2]})
    assert up.returncode == 0, up.stdout + up.stderr
    down = _run(check, {**BASE_ENV, "AIXPLORE_PORT": str(free_port())})
    assert down.returncode == 1


def test_the_postgres_health_check_against_a_postgresql_server() -> None:
    url = make_url(get_settings().database_url)
    if url.get_backend_name() != "postgresql":
        pytest.skip("the PostgreSQL + Redis pass of the suite runs this check")
    check = _health_command("postgres")
    assert shlex.split(check[-1])[0] == "pg_isready"
    env = {**BASE_ENV, "PGHOST": url.host or "127.0.0.1", "PGPORT": str(url.port or 5432)}
    assert _run(check, env).returncode == 0
    assert _run(check, {**env, "PGPORT": str(free_port())}).returncode != 0


def _mounts(service: str) -> dict[str, str]:
    """A service's named volumes by the path they are mounted at."""
    pairs = (str(v).split(":") for v in SERVICES[service]["volumes"])
    return {target: volume for volume, target in pairs}


def test_the_worker_s_scheduled_backup_lands_in_its_volume(tmp_path: Path) -> None:
    settings = get_settings()
    env = _service_env("worker", tmp_path / "data", settings.database_url, "redis://unused/0")
    env.pop("AIXPLORE_REDIS_URL")  # a backup reads the database only
    mounts = _mounts("worker")
    backups = SERVICES["worker"]["environment"]["AIXPLORE_BACKUP_DIR"]
    assert mounts.get(backups) in COMPOSE["volumes"], "the backups need a named volume"
    # The uploads a backup takes are the app's: the worker mounts the app's data volume.
    assert mounts.get("/app/data") == _mounts("app")["/app/data"]
    make_member(name="Backed Up")
    # The job the worker runs each minute, in the worker's environment.
    job = "from aixplore.jobs.operations import scheduled_backup as b; print(b.call_local())"
    done = _run([sys.executable, "-c", job], env)
    assert done.returncode == 0, done.stderr[-3000:]
    archives = list((tmp_path / "data" / "backups").glob("aixplore-backup-*"))
    assert len(archives) == 1 and archives[0].name in done.stdout
    # The image installs the client tools a PostgreSQL backup needs (this machine has them).
    assert "postgresql-client" in (ROOT / "Dockerfile").read_text().split("FROM ")[-1]
