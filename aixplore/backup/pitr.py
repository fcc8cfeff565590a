"""Point-in-time recovery for PostgreSQL: base backups plus the server's archived WAL.

The archive folder holds ``wal/<segment>.gz`` (written by the server's ``archive_command``,
which :func:`archive_command` prints) and ``base/<stamp>/`` (``base.tar.gz`` from
``pg_basebackup`` and ``pitr.json``). A restore unpacks the newest base backup that finished
before the target time into an empty data directory and asks PostgreSQL to replay the archived
WAL up to that time (or to the end of the archive), then to promote. The archive holds the
database only: uploaded files are in the ``backup`` archives, and keys are in neither.

The recovery point objective is the server's ``archive_timeout`` (a partly filled WAL segment is
archived at the latest that many seconds after its first write): 30 s in the settings this
module recommends.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import tarfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from aixplore.backup.archive import BackupError
from aixplore.backup.engines import engine_of, pg_environ, pg_tool

ARCHIVE_TIMEOUT_S = 30
BASE_FILE, INFO_FILE = "base.tar.gz", "pitr.json"
_STAMP = "%Y%m%dT%H%M%S%fZ"


def _checked_folder(archive: Path) -> Path:
    """An absolute archive path PostgreSQL's ``%`` escapes and a shell can both carry."""
    archive = archive.resolve()
    if "%" in str(archive) or "\n" in str(archive):
        raise BackupError(f"the archive path may not contain '%' or a newline: {archive}")
    return archive


def archive_command(archive: Path) -> str:
    """The ``archive_command`` that gzips each finished WAL segment into ``archive/wal``.

    It refuses to overwrite a segment already archived (PostgreSQL's documented rule) and
    writes through a temporary name, so a crash never leaves a truncated segment behind.
    """
    wal = shlex.quote(str(_checked_folder(archive) / "wal"))
    return (
        f"test ! -f {wal}/%f.gz && gzip -c %p > {wal}/%f.gz.part && mv {wal}/%f.gz.part {wal}/%f.gz"
    )


def restore_command(archive: Path) -> str:
    """The ``restore_command`` that hands PostgreSQL an archived segment (non-zero when absent)."""
    wal = shlex.quote(str(_checked_folder(archive) / "wal"))
    return f"test -f {wal}/%f.gz && gunzip -c {wal}/%f.gz > %p"


def server_settings(archive: Path, timeout_s: int = ARCHIVE_TIMEOUT_S) -> dict[str, str]:
    """The ``postgresql.conf`` settings continuous archiving needs (``-c`` options or lines).

    ``wal_recycle = off`` makes every new segment start zero-filled, so a segment closed early
    by ``archive_timeout`` compresses to a few kilobytes instead of carrying old WAL.
    """
    return {
        "wal_level": "replica",
        "archive_mode": "on",
        "archive_command": archive_command(archive),
        "archive_timeout": f"{timeout_s}s",
        "wal_recycle": "off",
    }


@dataclass(frozen=True)
class BaseBackup:
    """One base backup in the archive."""

    folder: Path
    started_at: datetime
    finished_at: datetime
    size: int

    def summary(self) -> str:
        """One line for the operator."""
        seconds = (self.finished_at - self.started_at).total_seconds()
        return (
            f"base backup written: {self.folder} ({self.size / 1e6:.2f} MB, {seconds:.1f} s); "
            f"point-in-time restores can target any time after {self.finished_at.isoformat()}"
        )


def base_backup(database_url: str, archive: Path) -> BaseBackup:
    """Take a base backup of the server behind ``database_url`` into ``archive/base``."""
    if engine_of(database_url) != "postgresql":
        raise BackupError(
            "point-in-time recovery needs PostgreSQL; on SQLite schedule `backup` instead"
        )
    archive = _checked_folder(archive)
    (archive / "wal").mkdir(parents=True, exist_ok=True)
    started = datetime.now(UTC)
    folder = archive / "base" / started.strftime(_STAMP)
    partial = folder.with_name(f".{folder.name}.partial")
    args = [pg_tool("pg_basebackup"), "-D", str(partial), "-Ft", "-z", "-X", "fetch"]
    args += ["--checkpoint=fast", "--no-password", "--label=aixplore-pitr"]
    done = subprocess.run(  # noqa: S603
        args, env=pg_environ(database_url), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        detail = " / ".join((done.stderr or done.stdout).strip().splitlines()[:3])
        shutil.rmtree(partial, ignore_errors=True)
        raise BackupError(f"pg_basebackup failed: {detail or done.returncode}")
    finished = datetime.now(UTC)
    size = sum(f.stat().st_size for f in partial.iterdir() if f.is_file())
    info = {"started_at": started.isoformat(), "finished_at": finished.isoformat(), "size": size}
    (partial / INFO_FILE).write_text(json.dumps(info, indent=2))
    partial.rename(folder)
    return BaseBackup(folder, started, finished, size)


def base_backups(archive: Path) -> list[BaseBackup]:
    """The complete base backups in ``archive``, oldest first (partial ones are ignored)."""
    found = []
    for info in sorted((archive / "base").glob(f"*/{INFO_FILE}")):
        if info.parent.name.startswith("."):
            continue
        try:
            data = json.loads(info.read_text())
            found.append(
                BaseBackup(
                    info.parent,
                    datetime.fromisoformat(data["started_at"]),
                    datetime.fromisoformat(data["finished_at"]),
                    int(data["size"]),
                )
            )
        except (ValueError, KeyError, TypeError):
            continue
    return sorted(found, key=lambda b: b.finished_at)


def choose_base(archive: Path, target: datetime | None) -> BaseBackup:
    """The newest base backup that finished before ``target`` (or the newest of all)."""
    bases = base_backups(archive)
    if not bases:
        raise BackupError(f"no base backup in {archive / 'base'}: run `pitr base-backup` first")
    if target is None:
        return bases[-1]
    fitting = [b for b in bases if b.finished_at <= target]
    if not fitting:
        raise BackupError(
            f"no base backup finished before {target.isoformat()}: the oldest finished at "
            f"{bases[0].finished_at.isoformat()}"
        )
    return fitting[-1]


@dataclass(frozen=True)
class RestorePlan:
    """What :func:`prepare_restore` put in the data directory."""

    base: BaseBackup
    data_dir: Path
    target: datetime | None
    seconds: float

    def summary(self) -> str:
        """Lines for the operator."""
        goal = f"to {self.target.isoformat()}" if self.target else "to the end of the archive"
        return (
            f"data directory {self.data_dir} prepared from the base backup of "
            f"{self.base.finished_at.isoformat()} ({self.seconds:.1f} s); start PostgreSQL on it: "
            f"it replays the archived WAL {goal}, then promotes and accepts writes"
        )


def parse_target(text: str) -> datetime:
    """An ISO 8601 time with a zone (a time without one is ambiguous and refused)."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise BackupError(f"not an ISO 8601 time: {text!r}") from None
    if value.tzinfo is None:
        raise BackupError(f"give the target time with its zone, e.g. {text}+00:00")
    return value


def prepare_restore(archive: Path, data_dir: Path, target: datetime | None) -> RestorePlan:
    """Unpack a base backup into the empty ``data_dir`` and configure recovery."""
    started = time.perf_counter()
    archive = _checked_folder(archive)
    if target is not None and target > datetime.now(UTC):
        raise BackupError(f"the target time {target.isoformat()} is in the future")
    base = choose_base(archive, target)
    if data_dir.exists() and any(data_dir.iterdir()):
        raise BackupError(
            f"the data directory {data_dir} is not empty: stop the server and move it aside first"
        )
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(data_dir, 0o700)
    try:
        with tarfile.open(base.folder / BASE_FILE) as tar:
            tar.extractall(data_dir, filter="tar")
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"cannot unpack {base.folder / BASE_FILE}: {exc}") from None
    (data_dir / "standby.signal").unlink(missing_ok=True)
    (data_dir / "recovery.signal").touch()
    lines = [
        "# written by python -m aixplore.cli pitr restore",
        f"restore_command = {conf_string(restore_command(archive))}",
        "recovery_target_timeline = 'latest'",
        "recovery_target_action = 'promote'",
    ]
    if target is not None:
        lines.append(f"recovery_target_time = {conf_string(target.isoformat())}")
    with (data_dir / "postgresql.auto.conf").open("a") as conf:
        conf.write("\n" + "\n".join(lines) + "\n")
    return RestorePlan(base, data_dir, target, time.perf_counter() - started)


def conf_string(value: str) -> str:
    """A postgresql.conf string literal."""
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"


def archived_segments(archive: Path) -> list[str]:
    """The WAL segment names in the archive, in order (timeline history files left out)."""
    names = (p.name.removesuffix(".gz") for p in (archive / "wal").glob("*.gz"))
    return sorted(n for n in names if re.fullmatch(r"[0-9A-F]{24}", n))
