"""What both benchmarks share: scratch copies of the apps, and servers they start and stop.

Every server is started on 127.0.0.1 with a port from 3100-3199 as its own process group,
and stopped (SIGTERM, then SIGKILL) when the :class:`Workspace` closes, also on errors and
Ctrl-C. Nothing is built inside the repository: the app is copied into a temporary folder.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

# The API benchmarks' catalog, which they import from here.
from publishers import seed_publishers as seed_publishers

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "bench"
PYTHON = sys.executable
REFLEX = str(Path(sys.executable).with_name("reflex"))
PORTS = range(3100, 3200)
# Not copied: build output, tools, data and test artifacts at the top of the repository,
# bench/results, and caches and databases anywhere.
TOP_LEVEL_SKIP = {".web", ".venv", ".tools", ".git", "data", "artifacts", "node_modules"}
ANYWHERE_SKIP = shutil.ignore_patterns(
    "__pycache__",
    "node_modules",
    ".pytest_cache",
    ".ruff_cache",
    ".import_linter_cache",
    "*.db",
    "*.db-*",
)
BLANK_COUNTER = '''

class CounterState(rx.State):
    """The benchmark's counter."""

    count: int = 0

    @rx.event
    def increment(self):
        """Count one more."""
        self.count += 1


def counter() -> rx.Component:
    """A page that shows the count."""
    return rx.text(CounterState.count)


app.add_page(counter, route="/counter")
'''


def scratch_database(prefix: str) -> Path:
    """Point this process's app settings at a throwaway SQLite database in a new folder."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    os.environ.update(
        AIXPLORE_ENV="test",
        AIXPLORE_SECRET_KEY="bench-secret-key-0123456789-abcdefghijklmnop",
        AIXPLORE_DATABASE_URL=f"sqlite:///{folder / 'bench.db'}",
        AIXPLORE_DATA_DIR=str(folder / "data"),
        AIXPLORE_LOG_LEVEL="ERROR",
        AIXPLORE_LOG_JSON="false",
        AIXPLORE_BASE_URL="http://localhost:3000",
    )
    return folder


def latency_stats(samples: list[float]) -> dict[str, float]:
    """p50, p95 (ms) and calls per second of a list of durations in seconds."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return {
        "n": len(samples),
        "p50_ms": statistics.median(ordered) * 1000,
        "p95_ms": p95 * 1000,
        "per_s": len(samples) / sum(samples),
    }


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, to judge how quiet the machine was."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def save_results(name: str, data: object, indent: int = 1) -> Path:
    """Write ``data`` as JSON to ``bench/results/<name>-<time>.json``; that path."""
    out = BENCH / "results" / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(data, indent=indent))
    return out


def free_port() -> int:
    """A port in 3100-3199 that nothing listens on now."""
    for port in PORTS:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    msg = "no free port in 3100-3199"
    raise RuntimeError(msg)


def base_env(**extra: str) -> dict[str, str]:
    """The environment for every Reflex and app command."""
    env = dict(os.environ)
    env.setdefault("REFLEX_BUN_PATH", str(REPO / ".tools" / "node_modules" / ".bin" / "bun"))
    env.update(TELEMETRY_ENABLED="false", PYTHONDONTWRITEBYTECODE="1", **extra)
    return env


class Workspace(contextlib.ExitStack):
    """A temporary folder with app copies, and every process started for the benchmark."""

    def __init__(self, keep: bool = False) -> None:
        """Create the folder (removed on exit unless ``keep``)."""
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="aixplore-bench-"))
        self.keep = keep
        self._procs: list[subprocess.Popen] = []

    def __enter__(self) -> Workspace:
        """Stop every server on exit, and on SIGTERM as on Ctrl-C."""
        super().__enter__()
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        self.callback(self._cleanup)
        return self

    def _cleanup(self) -> None:
        for proc in reversed(self._procs):
            if proc.returncode is None:
                stop(proc)
        if self.keep:
            print(f"workspace kept: {self.root}")
        else:
            shutil.rmtree(self.root, ignore_errors=True)

    def live_groups(self) -> list[int]:
        """The process groups of the servers running now."""
        return [proc.pid for proc in self._procs if proc.poll() is None]

    def log(self, name: str) -> Path:
        """A log file path for a server."""
        return self.root / "logs" / f"{name}.log"

    def spawn(
        self, name: str, argv: list[str], *, cwd: Path, env: dict[str, str]
    ) -> subprocess.Popen:
        """Start a process in its own group, output to ``logs/<name>.log``."""
        self.log(name).parent.mkdir(exist_ok=True)
        with self.log(name).open("ab") as out:
            proc = subprocess.Popen(
                argv,
                cwd=cwd,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        self._procs.append(proc)
        return proc

    @contextlib.contextmanager
    def server(
        self,
        name: str,
        argv: list[str],
        *,
        cwd: Path,
        env: dict[str, str],
        ready: str,
        timeout: float = 120.0,
    ) -> Iterator[subprocess.Popen]:
        """Run a server until the block ends; ``ready`` is a URL that must answer 200."""
        proc = self.spawn(name, argv, cwd=cwd, env=env)
        try:
            wait_http(ready, proc, timeout, self.log(name))
            yield proc
        finally:
            stop(proc)

    def copy_app(self, ref: str | None = None, name: str = "app") -> Path:
        """Copy the app and give it a migrated, seeded SQLite DB.

        The working tree (sources only) by default, or the commit ``ref`` (``git archive``),
        into the folder ``name`` (two copies, e.g. a baseline commit beside the tree, differ).
        """
        dest = self.root / name
        if ref is None:
            shutil.copytree(REPO, dest, ignore=_copy_ignore, symlinks=True)
        else:
            dest.mkdir()
            archive = subprocess.run(
                ["git", "-C", str(REPO), "archive", "--format=tar", ref],
                capture_output=True,
                check=True,
            ).stdout
            subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
        (dest / "data").mkdir()
        for cmd in ("migrate", "seed-demo"):
            run([PYTHON, "-m", "aixplore.cli", cmd], cwd=dest, env=self.app_env(dest, 0))
        return dest

    def app_env(self, app_dir: Path, port: int, **extra: str) -> dict[str, str]:
        """AiXplore's environment for a copy of it served on ``port``."""
        return base_env(
            PYTHONPATH=str(app_dir),
            AIXPLORE_PORT=str(port),
            AIXPLORE_BASE_URL=f"http://127.0.0.1:{port}",
            AIXPLORE_API_URL=f"http://127.0.0.1:{port}",
            AIXPLORE_DATABASE_URL=f"sqlite:///{app_dir / 'data' / 'bench.db'}",
            AIXPLORE_LOGIN_LIMIT_PER_IP="100000/minute",
            AIXPLORE_LOGIN_LIMIT_PER_ACCOUNT="100000/minute",
            AIXPLORE_LOG_LEVEL="WARNING",
            **extra,
        )

    def blank_app(self) -> Path:
        """``reflex init --template blank`` with a counter handler added."""
        dest = self.root / "blank"
        dest.mkdir()
        run([REFLEX, "init", "--template", "blank"], cwd=dest, env=base_env())
        with (dest / "blank" / "blank.py").open("a") as source:
            source.write(BLANK_COUNTER)
        return dest

    def blank_env(self, app_dir: Path, port: int, **extra: str) -> dict[str, str]:
        """The blank app's environment when served on ``port``."""
        return base_env(PYTHONPATH=str(app_dir), REFLEX_API_URL=f"http://127.0.0.1:{port}", **extra)

    @contextlib.contextmanager
    def reflex(
        self,
        name: str,
        app_dir: Path,
        env: dict[str, str],
        port: int,
        *,
        backend_only: bool,
        timeout: float = 600.0,
    ) -> Iterator[str]:
        """``reflex run --env prod`` on one port; yields the base URL once it answers.

        ``backend_only`` skips the frontend build (the event socket does not need it); the
        frontend port a ``rxconfig.py`` may set is then cleared (``REFLEX_FRONTEND_PORT=0``),
        since Reflex refuses a frontend port without a frontend.
        """
        if backend_only:
            env = {**env, "REFLEX_FRONTEND_PORT": "0"}
        argv = [REFLEX, "run", "--env", "prod", "--backend-host", "127.0.0.1"]
        argv += (
            ["--backend-only", "--backend-port", str(port)]
            if backend_only
            else ["--frontend-port", str(port), "--backend-port", str(port)]
        )
        url = f"http://127.0.0.1:{port}"
        with self.server(
            name,
            argv,
            cwd=app_dir,
            env=env,
            timeout=timeout,
            ready=f"{url}/ping" if backend_only else f"{url}/",
        ):
            yield url

    @contextlib.contextmanager
    def redis(self) -> Iterator[str]:
        """A fresh, empty, non-persistent redis-server; yields its URL."""
        port = free_port()
        argv = [
            "redis-server",
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
        ]
        proc = self.spawn(f"redis-{port}", argv, cwd=self.root, env=base_env())
        try:
            deadline = time.monotonic() + 10
            while True:
                with (
                    contextlib.suppress(OSError),
                    socket.create_connection(("127.0.0.1", port), 0.2),
                ):
                    break
                if proc.poll() is not None or time.monotonic() > deadline:
                    msg = f"redis-server did not start (see {self.log(f'redis-{port}')})"
                    raise RuntimeError(msg)
                time.sleep(0.05)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            stop(proc)


def _copy_ignore(folder: str, names: list[str]) -> set[str]:
    """What ``copy_app`` leaves out of the working tree."""
    skip = set(ANYWHERE_SKIP(folder, names))
    if Path(folder) == REPO:
        skip |= TOP_LEVEL_SKIP & set(names)
    if Path(folder) == BENCH:
        skip |= {"results"} & set(names)
    return skip


def run(argv: list[str], *, cwd: Path, env: dict[str, str]) -> str:
    """Run a command to completion; its output on failure."""
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        msg = f"{' '.join(argv)} failed ({done.returncode}):\n{done.stdout[-3000:]}{done.stderr[-3000:]}"
        raise RuntimeError(msg)
    return done.stdout


def app_info(app_dir: Path, env: dict[str, str], *args: str) -> dict:
    """Run ``bench/app_info.py`` inside an app folder and return its JSON."""
    return json.loads(run([PYTHON, str(BENCH / "app_info.py"), *args], cwd=app_dir, env=env))


def wait_http(url: str, proc: subprocess.Popen, timeout: float, log: Path) -> None:
    """Wait until ``url`` answers 200, failing early if the process dies."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2) as response:
            if response.status == 200:
                return
        time.sleep(0.25)
    tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
    msg = f"{url} did not come up (exit code {proc.poll()}); log tail:\n{tail}"
    raise RuntimeError(msg)


def group_cpu_seconds(pgids: list[int]) -> float:
    """CPU seconds used so far by every live process in these process groups (from /proc)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rpartition(")")[2].split()
            if int(fields[2]) in pgids:
                total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def stop(proc: subprocess.Popen, grace: float = 8.0) -> None:
    """Stop a process group this benchmark started: SIGTERM, then SIGKILL."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(grace)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(2)
