"""Restore drill: PostgreSQL destroyed mid-write, restored from a base backup and archived WAL.

``.venv/bin/python bench/restore_drill.py [--solutions 100000]`` (the test command runs it with
the demo catalog and ``--check``):

1. starts a throwaway PostgreSQL with the archiving settings ``python -m aixplore.cli pitr
   settings`` prints (``archive_timeout`` 30 s), migrates it and loads the demo catalog (plus
   ``--solutions`` generated ones);
2. takes a base backup with ``python -m aixplore.cli pitr base-backup``;
3. writes audit-log entries through the app's own service (about ten a second), pauses once to
   mark a target time T, keeps writing for longer than ``archive_timeout``, then kills the
   server (``pg_ctl stop -m immediate``) and deletes its data directory;
4. restores to the end of the archive with ``pitr restore`` and starts PostgreSQL on it: the
   recovery time (RTO) runs from the restore command until the promoted server answers with the
   drill's writes; the data lost (RPO) is the age, at the moment of the kill, of the oldest
   committed write that did not come back. Every write older than that must be there, and the
   audit chain must verify;
5. destroys it again and restores to T: exactly the writes before T must be there.

It prints the figures beside the targets (RPO <= 60 s, RTO <= 300 s) and exits 1 when a write
that must be there is missing, or with ``--check`` when a target is missed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

RPO_TARGET_S, RTO_TARGET_S = 60.0, 300.0
MARK = "drill.write"


def as_postgres(argv: list[str]) -> list[str]:
    """Run PostgreSQL's tools as the postgres user when we are root (initdb refuses root)."""
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


def pg_bin(name: str) -> str:
    from aixplore.backup.engines import pg_tool

    return pg_tool(name)


def sh(argv: list[str], **kwargs) -> str:
    done = subprocess.run(argv, capture_output=True, text=True, check=False, **kwargs)
    if done.returncode != 0:
        raise SystemExit(f"failed: {' '.join(argv)}\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return done.stdout


def give_to_postgres(path: Path) -> None:
    if os.geteuid() == 0:
        shutil.chown(path, "postgres", "postgres")
        for child in path.rglob("*"):
            shutil.chown(child, "postgres", "postgres")


class Cluster:
    """One throwaway PostgreSQL server on a data directory."""

    def __init__(self, data: Path, port: int, socket_dir: Path) -> None:
        self.data, self.port, self.socket_dir = data, port, socket_dir

    def init(self, settings: dict[str, str]) -> None:
        from aixplore.backup.pitr import conf_string

        self.data.mkdir(mode=0o700)
        give_to_postgres(self.data)
        sh(
            as_postgres(
                [
                    pg_bin("initdb"),
                    "-D",
                    str(self.data),
                    "-U",
                    "postgres",
                    "-A",
                    "trust",
                    "-E",
                    "UTF8",
                    "--no-locale",
                    "--no-sync",
                ]
            )
        )
        lines = {
            "port": str(self.port),
            "listen_addresses": "127.0.0.1",
            "unix_socket_directories": str(self.socket_dir),
            "fsync": "on",
            **settings,
        }
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.writelines(f"{k} = {conf_string(v)}\n" for k, v in lines.items())

    def start(self) -> None:
        log = self.data.parent / f"{self.data.name}.log"
        log.touch()
        give_to_postgres(log)
        sh(
            as_postgres(
                [pg_bin("pg_ctl"), "-D", str(self.data), "-l", str(log), "-w", "-t", "600", "start"]
            )
        )

    def client(self, tool: str, *args: str) -> str:
        """Run a client tool (createdb, psql) against this server; its output."""
        where = ["-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres"]
        return sh(as_postgres([pg_bin(tool), *where, *args]))

    def stop(self, mode: str = "fast") -> None:
        sh(as_postgres([pg_bin("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"]))

    def destroy(self) -> None:
        """kill -9 semantics for the whole server (immediate stop), then the data is gone."""
        self.stop("immediate")
        shutil.rmtree(self.data)


class Writer(threading.Thread):
    """Writes one audit entry after another and remembers when each commit returned."""

    def __init__(self, interval: float) -> None:
        super().__init__(daemon=True)
        self.interval = interval
        self.committed: dict[str, float] = {}  # target -> wall-clock time the commit returned
        self.failed = 0
        self.running = threading.Event()
        self.paused = threading.Event()
        self.stopped = threading.Event()
        self.running.set()

    def run(self) -> None:
        from aixplore.core.db import session_scope
        from aixplore.domain.audit.services import record

        n = 0
        while not self.stopped.is_set():
            if not self.running.is_set():
                self.paused.set()
                self.running.wait()
                self.paused.clear()
                continue
            n += 1
            target = f"drill-{n:06d}"
            try:
                with session_scope() as db:
                    record(db, None, MARK, target=target)
                self.committed[target] = time.time()
            except Exception:
                self.failed += 1
            time.sleep(self.interval)

    def pause(self) -> None:
        self.running.clear()
        self.paused.wait(30)

    def resume(self) -> None:
        self.running.set()


def present(url: str) -> set[str]:
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(url)
    with psycopg.connect(host=u.host, port=u.port, user=u.username, dbname=u.database) as conn:
        rows = conn.execute("SELECT target FROM audit_entry WHERE action = %s", (MARK,))
        return {r[0] for r in rows}


def wait_promoted(url: str, timeout: float) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(url)
    deadline = time.monotonic() + timeout
    while True:
        try:
            with psycopg.connect(
                host=u.host, port=u.port, user=u.username, dbname=u.database, connect_timeout=2
            ) as conn:
                row = conn.execute("SELECT pg_is_in_recovery()").fetchone()
                if row is not None and not row[0]:
                    return
        except psycopg.OperationalError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit("the restored server did not finish recovery in time")
        time.sleep(0.1)


def cli(env: dict[str, str], *args: str) -> str:
    return sh([sys.executable, "-m", "aixplore.cli", *args], env=env, cwd=REPO)


def restore(
    env: dict[str, str], archive: Path, cluster: Cluster, target: datetime | None
) -> tuple[float, float]:
    """Seconds from the restore command until the promoted server holds the writes, and of
    those, the seconds PostgreSQL spent starting, replaying the WAL and promoting."""
    started = time.perf_counter()
    args = ["pitr", "restore", "--archive", str(archive), "--data-dir", str(cluster.data)]
    cli(env, *args, *(["--target-time", target.isoformat()] if target else []))
    give_to_postgres(cluster.data)
    replay = time.perf_counter()
    cluster.start()
    wait_promoted(env["AIXPLORE_DATABASE_URL"], RTO_TARGET_S * 2)
    done = time.perf_counter()
    return done - started, done - replay


def main() -> int:
    parser = argparse.ArgumentParser(
        description="Restore drill: PostgreSQL destroyed mid-write, restored to a point in time."
    )
    parser.add_argument("--solutions", type=int, default=0, help="generated solutions to add")
    parser.add_argument("--archive-timeout", type=int, default=30, help="seconds (the RPO)")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    # The test command stops a failing run with SIGTERM: the servers must still be stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    work = Path(tempfile.mkdtemp(prefix="aixplore-drill-"))
    os.chmod(work, 0o755)
    archive, data = work / "archive", work / "data"
    archive.mkdir()
    with socket.socket() as probe:  # an ephemeral port: the end-to-end servers use 3100-3199
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/aixplore"
    env = {
        **os.environ,
        "AIXPLORE_DATABASE_URL": url,
        "AIXPLORE_DATA_DIR": str(work / "files"),
        "PYTHONPATH": str(REPO),
        "AIXPLORE_LOG_LEVEL": "WARNING",
    }
    env.pop("AIXPLORE_REDIS_URL", None)
    os.environ.update(env)
    os.environ.pop("AIXPLORE_REDIS_URL", None)
    from aixplore.backup import pitr

    sockets = work / "sockets"
    sockets.mkdir()
    give_to_postgres(sockets)
    cluster = Cluster(data, port, sockets)
    try:
        (archive / "wal").mkdir()
        give_to_postgres(archive)
        cluster.init(pitr.server_settings(archive, args.archive_timeout))
        cluster.start()
        cluster.client("createdb", "aixplore")
        cli(env, "migrate")
        cli(env, "seed-demo")
        if args.solutions:
            cli(env, "seed-large", "--count", str(args.solutions))
        size = cluster.client("psql", "-Atc", "SELECT pg_database_size('aixplore')", "aixplore")
        base_line = cli(env, "pitr", "base-backup", "--archive", str(archive)).strip()
        give_to_postgres(archive)

        writer = Writer(0.1)
        writer.start()
        time.sleep(8)
        writer.pause()
        time.sleep(0.5)
        target = datetime.now(UTC)
        time.sleep(0.5)
        before_target = set(writer.committed)
        writer.resume()
        time.sleep(args.archive_timeout + 15)
        cluster.destroy()
        killed_at = time.time()
        writer.stopped.set()
        writer.resume()
        writer.join(30)
        committed = dict(writer.committed)
        from aixplore.core.db import dispose_engines

        dispose_engines()

        rto, replay = restore(env, archive, cluster, None)
        back = present(url)
        lost = {t: at for t, at in committed.items() if t not in back}
        rpo = killed_at - min(lost.values()) if lost else 0.0
        # Lost writes must be the newest ones: none older than the newest write that came back.
        newest_back = max((at for t, at in committed.items() if t in back), default=0.0)
        missing = {t for t, at in lost.items() if at < newest_back}
        audit = subprocess.run(
            [sys.executable, "-m", "aixplore.cli", "verify-audit"],
            env=env,
            cwd=REPO,
            capture_output=True,
            text=True,
            check=False,
        )
        segments = len(pitr.archived_segments(archive))

        cluster.stop()
        shutil.rmtree(cluster.data)
        pitr_seconds, _ = restore(env, archive, cluster, target)
        at_target = present(url)
        cluster.stop()
    finally:
        if (data / "PG_VERSION").exists():
            subprocess.run(
                as_postgres([pg_bin("pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                capture_output=True,
                check=False,
            )
    exact = at_target == before_target

    print(f"restore drill, PostgreSQL {pitr_version()}, archive_timeout {args.archive_timeout} s")
    print(
        f"  database: demo catalog + {args.solutions} generated solutions, {int(size) / 1e6:.0f} MB"
    )
    print(f"  {base_line}")
    print(
        f"  writes: {len(committed)} committed ({writer.failed} attempts failed after the kill), "
        f"{segments} WAL segments archived"
    )
    print(
        f"  RPO (age of the oldest lost write at the kill): {rpo:.1f} s, "
        f"{len(lost)} writes lost  [target <= {RPO_TARGET_S:.0f} s]"
    )
    print(
        f"  RTO (restore command to promoted server holding the writes): {rto:.1f} s, of which "
        f"{replay:.1f} s PostgreSQL's start, WAL replay and promotion  "
        f"[target <= {RTO_TARGET_S:.0f} s]"
    )
    print(
        f"  every write older than the newest one back is back: {'yes' if not missing else 'NO'}; "
        f"audit chain: {(audit.stdout or audit.stderr).strip()}"
    )
    print(
        f"  point-in-time restore to {target.isoformat()}: {len(at_target)} writes, exactly "
        f"those committed before it: {'yes' if exact else 'NO'} ({pitr_seconds:.1f} s)"
    )
    shutil.rmtree(work, ignore_errors=True)
    broken = bool(missing) or not exact or audit.returncode != 0
    missed = rpo > RPO_TARGET_S or rto > RTO_TARGET_S
    print("  verdict: " + ("BROKEN" if broken else "targets missed" if missed else "all met"))
    return 1 if broken or (args.check and missed) else 0


def pitr_version() -> str:
    return sh([pg_bin("postgres"), "--version"]).split()[2]


if __name__ == "__main__":
    sys.exit(main())
