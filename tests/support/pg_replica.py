"""A PostgreSQL streaming replica of the run's database, started for one test module.

``pg_basebackup -R`` copies the primary the tests use (the one ``scripts/test`` started) into
a folder and writes the standby's settings; the copy then starts on a free port as a hot
standby that streams the primary's WAL. PostgreSQL's tools run as the postgres user when the
tests run as root (as ``scripts/test`` does).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

# A hot standby refuses to start with less of these than its primary has.
_MATCHED = (
    "max_connections",
    "max_worker_processes",
    "max_wal_senders",
    "max_prepared_transactions",
    "max_locks_per_transaction",
)


def pg_bin(name: str) -> str:
    """The newest installed PostgreSQL's ``name`` tool."""
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: int(p.parts[4]))
    return str(found[-1]) if found else name


def as_postgres(argv: list[str]) -> list[str]:
    """``argv`` run as the postgres user when we are root (PostgreSQL refuses root)."""
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _run(argv: list[str]) -> None:
    done = subprocess.run(as_postgres(argv), capture_output=True, text=True, timeout=120)
    if done.returncode:
        raise RuntimeError(f"{argv[0]} failed: {done.stderr or done.stdout}")


class Replica:
    """A running streaming replica: its URL, and control over its replay and its life."""

    def __init__(self, data: Path, url: str) -> None:
        self.data = data
        self.url = url
        self._engine = create_engine(url, isolation_level="AUTOCOMMIT", pool_size=1)

    def sql(self, statement: str) -> object:
        """The first column of the first row ``statement`` returns on the replica."""
        with self._engine.connect() as connection:
            return connection.execute(text(statement)).scalar()

    def caught_up(self, primary_url: str, timeout: float = 15.0) -> None:
        """Wait until the replica has replayed everything the primary has written so far."""
        engine = create_engine(primary_url, pool_size=1)
        with engine.connect() as connection:
            target = connection.execute(text("SELECT pg_current_wal_lsn()")).scalar()
        engine.dispose()
        deadline = time.monotonic() + timeout
        while not self.sql(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"):
            if time.monotonic() > deadline:
                raise TimeoutError(f"the replica did not replay up to {target}")
            time.sleep(0.02)

    def kill(self) -> None:
        """Stop the replica at once, as a crash does (its clients' connections break)."""
        self._engine.dispose()
        _run([pg_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"])


@contextmanager
def streaming_replica(primary_url: str) -> Iterator[Replica]:
    """A hot standby of ``primary_url``'s cluster, stopped and deleted at the end."""
    primary = make_url(primary_url)
    engine = create_engine(primary_url, pool_size=1)
    with engine.connect() as connection:
        matched = {name: connection.execute(text(f"SHOW {name}")).scalar() for name in _MATCHED}
    engine.dispose()
    # Its own folder in /tmp: the postgres user cannot enter pytest's (root's, mode 700).
    folder = Path(tempfile.mkdtemp(prefix="aixplore-replica-"))
    folder.chmod(0o755)
    data = folder / "replica"
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    port = _free_port()
    _run(
        [
            pg_bin("pg_basebackup"),
            *("-h", primary.host or "127.0.0.1", "-p", str(primary.port or 5432)),
            *("-U", primary.username or "postgres", "-D", str(data)),
            *("-R", "-X", "stream", "-c", "fast", "--no-sync"),
        ]
    )
    options = " ".join(
        [
            f"-c listen_addresses=127.0.0.1 -p {port} -k {data} -c fsync=off",
            *(f"-c {name}={value}" for name, value in matched.items()),
        ]
    )
    log = folder / "replica.log"
    _run([pg_bin("pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-o", options, "start"])
    replica = Replica(data, primary.set(host="127.0.0.1", port=port).render_as_string(False))
    try:
        yield replica
    finally:
        replica._engine.dispose()
        if (data / "postmaster.pid").exists():
            subprocess.run(
                as_postgres([pg_bin("pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]),
                capture_output=True,
                check=False,
            )
        shutil.rmtree(folder, ignore_errors=True)
