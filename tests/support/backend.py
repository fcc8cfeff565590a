"""The app's backend in a process of its own, and a Redis of its own that a test may kill.

``reflex run --env prod --backend-only`` serves the event socket and the API without a
frontend build (tests drive the socket with ``tests/support/reflex_client.py``), on the run's
database, and starts in about ten seconds. Tests that restart Redis get a private
``redis-server`` (never the suite's: other tests' data lives there).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
# The running backends' process groups by URL, for tests that kill one as a crash would.
PROCESSES: dict[str, subprocess.Popen] = {}


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _stop_group(proc: subprocess.Popen, grace: float = 15.0) -> None:
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


class RedisServer:
    """A throwaway ``redis-server`` on a fixed port that can be killed and started again."""

    def __init__(self) -> None:
        """Pick the port; nothing runs before :meth:`start`."""
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._proc: subprocess.Popen | None = None

    def start(self) -> None:
        """Start a fresh, empty server on the port and wait until it accepts connections."""
        server = shutil.which("redis-server")
        assert server, "redis-server is missing: run ./scripts/test, which installs it"
        argv = [server, "--bind", "127.0.0.1", "--port", str(self.port)]
        self._proc = subprocess.Popen(
            [*argv, "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                assert self._proc.poll() is None, "redis-server exited at start"
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)

    def kill(self) -> None:
        """Kill the server at once (SIGKILL), as a crash would; everything in it is gone."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait(timeout=10)

    def restart(self) -> None:
        """Kill the server and start a fresh, empty one on the same port."""
        self.kill()
        self.start()


@contextlib.contextmanager
def backend(log_dir: Path, **env: str | None) -> Iterator[str]:
    """Serve the backend on a free port until the block ends; yields its URL.

    ``env`` adds to (or, with None, removes from) this process's environment: the app reads
    the run's database and settings from there.
    """
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    merged = {
        **os.environ,
        "AIXPLORE_PORT": str(port),
        "AIXPLORE_BASE_URL": url,
        "AIXPLORE_API_URL": url,
        "AIXPLORE_EMBEDDED_WORKER": "false",
        "AIXPLORE_LOGIN_LIMIT_PER_IP": "1000/minute",
        "AIXPLORE_LOG_LEVEL": "INFO",
        "GRANIAN_WORKERS": "1",
        "REFLEX_FRONTEND_PORT": "0",  # rxconfig.py sets one; Reflex refuses it backend-only
        "TELEMETRY_ENABLED": "false",
    }
    for name, value in env.items():
        if value is None:
            merged.pop(name, None)
        else:
            merged[name] = value
    log_dir.mkdir(parents=True, exist_ok=True)
    log = log_dir / f"backend-{port}.log"
    argv = [sys.executable, "-m", "reflex", "run", "--env", "prod", "--backend-only"]
    proc = subprocess.Popen(
        [*argv, "--backend-host", "127.0.0.1", "--backend-port", str(port)],
        cwd=ROOT,
        env=merged,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the backend exited at start:\n{log.read_text()[-3000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{url}/ping", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"the backend did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.25)
        PROCESSES[url] = proc
        yield url
    finally:
        PROCESSES.pop(url, None)
        _stop_group(proc)


def log_text(log_dir: Path) -> str:
    """Everything the backends under ``log_dir`` logged (for assertions and failures)."""
    return "\n".join(p.read_text(errors="replace") for p in sorted(log_dir.glob("backend-*.log")))
