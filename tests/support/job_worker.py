"""Real job worker processes (``python -m aixplore.jobs.worker``) that tests can kill.

The worker runs with this process's environment (the same database, Redis or SQLite job
queue) plus the settings a test changed in-process, which a child process would not see
(the local GitHub's address, private webhook targets). ``kill()`` is a real ``kill -9`` of
the worker process alone, so what it started (the GitHub MCP server, a sandbox) lives on as
it would after a crash; ``stop()`` ends the whole process group at teardown.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from aixplore.core.settings import PROJECT_ROOT, get_settings

# Settings tests set on the in-process settings object (fixtures, monkeypatch).
PASSED_ON = (
    "github_host",
    "github_proxy",
    "github_mcp_timeout",
    "local_repos_dir",
    "webhook_allow_private_targets",
    "job_lease_seconds",
    "job_heartbeat_seconds",
    "job_sweep_seconds",
)


def worker_env(**overrides: str) -> dict[str, str]:
    """This process's environment with the in-process settings a worker must share."""
    env = dict(os.environ)
    settings = get_settings()
    for name in PASSED_ON:
        value = getattr(settings, name, None)
        if value is not None:
            env[f"AIXPLORE_{name.upper()}"] = str(value).lower() if value is True else str(value)
    env["AIXPLORE_LOG_LEVEL"] = "INFO"  # the recovery lines, for failure messages
    env["AIXPLORE_LOG_JSON"] = "false"
    return {**env, **overrides}


class JobWorker:
    """One worker process; its output goes to ``log``."""

    def __init__(
        self,
        log: Path,
        workers: int = 2,
        env: dict[str, str] | None = None,
        code: Path = PROJECT_ROOT,
    ) -> None:
        self.log = log
        self.workers = workers
        self.env = env
        self.code = code  # the source tree to run (another commit's, to compare with it)
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> JobWorker:
        """Start the worker (it is ready a couple of seconds later)."""
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "aixplore.jobs.worker", "--workers", str(self.workers)],
                cwd=self.code,
                env={**(self.env or worker_env()), "PYTHONPATH": str(self.code)},
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    @property
    def pid(self) -> int:
        assert self.proc is not None, "the worker was not started"
        return self.proc.pid

    def kill(self) -> float:
        """``kill -9`` the worker process (not its children); return when, in monotonic time."""
        os.kill(self.pid, signal.SIGKILL)
        at = time.monotonic()
        assert self.proc is not None
        self.proc.wait(timeout=10)
        return at

    def pause(self) -> None:
        """Stop the worker process in its tracks (SIGSTOP), heartbeat threads included."""
        os.kill(self.pid, signal.SIGSTOP)

    def resume(self) -> None:
        """Let a paused worker go on (SIGCONT)."""
        os.kill(self.pid, signal.SIGCONT)

    def stop(self) -> None:
        """End the worker and everything it started (its process group)."""
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def tail(self, chars: int = 4000) -> str:
        """The end of the worker's output, for failure messages."""
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""


class JobWorkers:
    """Starts workers for one test and stops every one of them at its end."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.started: list[JobWorker] = []

    def start(
        self, workers: int = 2, env: dict[str, str] | None = None, code: Path = PROJECT_ROOT
    ) -> JobWorker:
        """Start one more worker process."""
        log = self.folder / f"worker-{len(self.started) + 1}.log"
        worker = JobWorker(log, workers, env, code)
        self.started.append(worker.start())
        return worker

    def logs(self) -> str:
        return "\n".join(f"--- {w.log.name}\n{w.tail()}" for w in self.started)

    def stop_all(self) -> None:
        """End every worker started so far (and forget them)."""
        for worker in self.started:
            worker.stop()
        self.started.clear()


@pytest.fixture
def job_workers(tmp_path: Path) -> Iterator[JobWorkers]:
    """Real job worker processes for a test, all ended at its end."""
    workers = JobWorkers(tmp_path)
    try:
        yield workers
    finally:
        workers.stop_all()
