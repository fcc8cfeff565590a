"""The fault drill's PostgreSQL and Redis: throwaway servers the drill can kill and restart.

Both listen on 127.0.0.1 on a fixed port for their whole life, so the app's connection
settings stay valid across a restart, as they would behind a service name in production.
The load benchmarks start the pair with :func:`scratch_servers`.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path


def free_port() -> int:
    """A TCP port nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_port(port: int, proc: subprocess.Popen | None, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while True:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        if (proc is not None and proc.poll() is not None) or time.monotonic() > deadline:
            msg = f"{what} did not start on port {port}"
            raise RuntimeError(msg)
        time.sleep(0.05)


class Redis:
    """A redis-server whose data lives only in memory: a restart comes back empty.

    That is harsher than docker-compose's append-only Redis (which keeps its data over a
    restart): every tab's state, queued job and rate-limit counter is gone at once.
    """

    def __init__(self, folder: Path) -> None:
        """Prepare a server in ``folder``; :meth:`start` runs it."""
        self.folder, self.port = folder, free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        """The URL the app connects to."""
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start (or start again) on the same port."""
        argv = ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port)]
        argv += ["--save", "", "--appendonly", "no", "--daemonize", "no"]
        with (self.folder / "redis.log").open("ab") as log:
            self.proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)
        _wait_port(self.port, self.proc, 10, "redis-server")

    def kill(self) -> None:
        """``kill -9`` the server."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> None:
        """Stop it for good."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(5)
            self.kill()


class Postgres:
    """A PostgreSQL cluster in a temporary folder (initdb as the ``postgres`` user)."""

    def __init__(self, folder: Path) -> None:
        """Create the cluster in ``folder``; :meth:`start` runs it."""
        self.port = free_port()
        self.bin = Path(sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1])
        self.data = folder / "pg"
        self.data.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres")
            shutil.chown(self.data, "postgres")
        self._as_postgres(
            str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
            "-E", "UTF8", "--no-locale", "--no-sync",
        )  # fmt: skip

    @property
    def url(self) -> str:
        """The SQLAlchemy URL of the drill's database."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/aixplore"

    def _as_postgres(self, *argv: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, *argv], check=True, capture_output=True)

    def start(self) -> None:
        """Start (or start again) on the same port."""
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.data} -c fsync=on"
        self._as_postgres(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.data / "log"),
            "-w", "-o", options, "start",
        )  # fmt: skip
        _wait_port(self.port, None, 20, "PostgreSQL")

    def create_database(self) -> None:
        """Create the drill's empty database."""
        subprocess.run(
            [str(self.bin / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
             "-qc", "CREATE DATABASE aixplore"],
            check=True, capture_output=True,
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (``immediate``: as a crash would, no checkpoint)."""
        with contextlib.suppress(subprocess.CalledProcessError):
            self._as_postgres(
                str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"
            )


@contextlib.contextmanager
def scratch_servers(prefix: str, **env: str) -> Iterator[Path]:
    """A new folder with a throwaway PostgreSQL (its database created) and Redis running in it.

    The app's settings in ``os.environ`` point at them (a test environment, plus ``env``);
    both servers stop on the way out, the folder stays.
    """
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    os.chmod(folder, 0o755)
    pg, redis = Postgres(folder), Redis(folder)
    try:
        pg.start()
        pg.create_database()
        redis.start()
        os.environ.update(
            AIXPLORE_ENV="test",
            AIXPLORE_SECRET_KEY=os.environ.get("AIXPLORE_SECRET_KEY", "bench-" + "k" * 40),
            AIXPLORE_LOG_JSON="false",
            AIXPLORE_DATABASE_URL=pg.url,
            AIXPLORE_REDIS_URL=redis.url,
            AIXPLORE_DATA_DIR=str(folder / "data"),
            **env,
        )
        yield folder
    finally:
        redis.stop()
        pg.stop()
