"""The REST API benchmark's servers: a seeded SQLite database, and granian serving the real
API, the API without its response cache, or a bare endpoint replaying its bodies.

Every server runs on 127.0.0.1 with a port from 3200-3299 as its own process group, and is
stopped (SIGTERM, then SIGKILL) when its block ends, also on errors and Ctrl-C.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
GRANIAN = str(Path(sys.executable).with_name("granian"))
PORTS = range(3200, 3300)

BARE_APP = '''
"""A bare Starlette endpoint answering each captured path with the app's own body."""
import json
import os
from pathlib import Path

from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

BODIES = json.loads(Path(os.environ["BENCH_BODIES"]).read_text())


async def solutions(request):
    body = BODIES.get(request.url.query, BODIES[""])
    return Response(body, media_type="application/json")


async def categories(request):
    return Response(b"{}", media_type="application/json")


app = Starlette(routes=[Route("/api/v1/solutions", solutions), Route("/api/v1/categories", categories)])
'''

UNCACHED_APP = '''
"""The real API with its response cache and request coalescing off: every request searches."""
from aixplore.api.app import build_api
from aixplore.api.routes import solutions


class NoSharing(dict):
    def __setitem__(self, key, value):
        pass


solutions.response_cache.seconds = 0
solutions._inflight = NoSharing()
__all__ = ["build_api"]
'''


def free_port() -> int:
    """A loopback port from 3200-3299 that nothing listens on now."""
    for port in PORTS:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    msg = "no free port in 3200-3299"
    raise RuntimeError(msg)


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


def group_cpu_seconds(group: int) -> float:
    """CPU seconds (user + system) the live processes of process group ``group`` have used:
    the server's own cost, whatever else shares the machine's cores."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rpartition(")")[2].split()
            if int(fields[2]) == group:  # pgrp; utime and stime follow at 11 and 12
                total += int(fields[11]) + int(fields[12])
    return total / tick


@contextlib.contextmanager
def serve(
    name: str, target: str, workers: int, env: dict[str, str], workdir: Path, *, factory: bool
) -> Iterator[tuple[str, int]]:
    """granian on 127.0.0.1 until the block ends; yields the base URL once it answers, and
    the server's process group."""
    port = free_port()
    argv = [GRANIAN, "--interface", "asgi", "--host", "127.0.0.1", "--port", str(port)]
    argv += ["--workers", str(workers), "--no-ws", "--log-level", "warning"]
    argv += ["--factory", target] if factory else [target]
    log = workdir / f"{name}-{workers}w.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            argv,
            cwd=workdir,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(f"{url}/api/v1/categories", timeout=2) as response,
            ):
                if response.status == 200:
                    break
            if proc.poll() is not None or time.monotonic() > deadline:
                tail = log.read_text(errors="replace")[-3000:]
                msg = f"{name} did not come up (exit {proc.poll()}):\n{tail}"
                raise RuntimeError(msg)
            time.sleep(0.2)
        yield url, proc.pid
    finally:
        stop(proc)


def prepare(workdir: Path, count: int) -> dict[str, str]:
    """A migrated, seeded SQLite database; returns the servers' environment."""
    env = dict(os.environ)
    env.update(
        AIXPLORE_DATABASE_URL=f"sqlite:///{workdir / 'bench.db'}",
        AIXPLORE_DATA_DIR=str(workdir / "data"),
        AIXPLORE_LOG_LEVEL="WARNING",
        AIXPLORE_LOG_JSON="false",
        PYTHONPATH=str(REPO),
        PYTHONDONTWRITEBYTECODE="1",
        # One load generator on one address: limits high enough never to refuse it, so every
        # request still pays for its rate-limit check but none is answered 429.
        AIXPLORE_API_ANONYMOUS_LIMIT="100000000/minute",
        AIXPLORE_API_READ_LIMIT="100000000/minute",
        AIXPLORE_API_IP_LIMIT="100000000/minute",
    )
    script = (
        "from aixplore.cli import migrate; migrate()\n"
        "from aixplore.core.db import session_scope\n"
        "from aixplore.demo import seed_demo_catalog, seed_large_catalog\n"
        "with session_scope() as db: print('demo catalog:', seed_demo_catalog(db))\n"
        f"if {count}: print(seed_large_catalog(session_scope, {count}))\n"
    )
    done = subprocess.run(
        [PYTHON, "-c", script], env=env, cwd=workdir, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        msg = f"seeding failed:\n{done.stdout[-2000:]}{done.stderr[-3000:]}"
        raise RuntimeError(msg)
    print("  " + done.stdout.strip().replace("\n", "\n  "))
    return env
