"""Build and start the app as production does (``python -m aixplore.serve``), for tests and drills.

``build_frontend`` runs ``python -m aixplore.serve build`` and ``start_app`` runs ``python -m
aixplore.serve start`` (the Docker image's and ``scripts/run``'s start path); the returned
:class:`AppServer` knows its granian supervisor and worker processes, so a test can kill a
worker and watch it come back. Callers hold the Reflex build lock (``flock
/tmp/reflex-build.lock``) around a build, as every Reflex build on the shared machines must.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
BUILD_COMMAND = [sys.executable, "-m", "aixplore.serve", "build"]
START_COMMAND = [sys.executable, "-m", "aixplore.serve", "start"]


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def build_frontend(root: Path, env: Mapping[str, str], log: Path) -> None:
    """Compile the pages and build the front end in ``root``; raise with the log when it fails."""
    with log.open("w") as out:
        status = subprocess.run(
            BUILD_COMMAND, cwd=root, env=dict(env), stdout=out, stderr=subprocess.STDOUT
        ).returncode
    if status != 0:
        raise RuntimeError(f"the front-end build failed ({status}):\n{log.read_text()[-4000:]}")


def children(pid: int) -> set[int]:
    """The running child processes of ``pid`` (read from /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        # After the command name: state, ppid, ...; a zombie is no longer a worker.
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(stat.parent.name))
    return found


@dataclass
class AppServer:
    """A running ``python -m aixplore.serve start``: granian's supervisor and its workers."""

    process: subprocess.Popen
    url: str
    log: Path

    def worker_pids(self) -> set[int]:
        """The worker processes granian runs now."""
        return children(self.process.pid)

    def log_tail(self, chars: int = 4000) -> str:
        """The end of the server's log, for failure messages."""
        return self.log.read_text(errors="replace")[-chars:]

    def answers(self, path: str = "/api/health", timeout: float = 2.0) -> bool:
        """Whether one request on a new connection gets a 200."""
        try:
            return httpx.get(f"{self.url}{path}", timeout=timeout).status_code == 200
        except httpx.HTTPError:
            return False

    def wait_until_up(self, timeout: float = 300, workers: int | None = None) -> None:
        """Wait until health and the front page answer (and ``workers`` workers run)."""
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"the app exited during start-up:\n{self.log_tail()}")
            if (
                (workers is None or len(self.worker_pids()) == workers)
                and self.answers("/api/health")
                and self.answers("/", timeout=5)
            ):
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"the app did not start in time:\n{self.log_tail()}")
            time.sleep(0.5)

    def stop(self) -> int | None:
        """SIGTERM the supervisor as ``docker stop`` would; return its exit status.

        What is left of the process group after 20 s (or after a clean exit) is killed.
        """
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=20)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        return self.process.returncode


def start_app(
    root: Path,
    env: Mapping[str, str],
    log: Path,
    command: list[str] | None = None,
) -> AppServer:
    """Start the built app in ``root`` on ``env["AIXPLORE_PORT"]``; it runs in its own session."""
    port = env["AIXPLORE_PORT"]
    process = subprocess.Popen(
        command or START_COMMAND,
        cwd=root,
        env=dict(env),
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return AppServer(process=process, url=f"http://localhost:{port}", log=log)
