"""Operations jobs: scheduled backups, and a probe that shows how long the queue makes work wait.

**Backups.** With ``AIXPLORE_BACKUP_DIR`` set, :func:`scheduled_backup` runs every minute on
some job worker and writes a verified backup (:func:`aixplore.backup.create_backup`) when the
last successful one is older than ``AIXPLORE_BACKUP_INTERVAL_MINUTES``; then it keeps the
newest ``AIXPLORE_BACKUP_KEEP`` archives in the folder. One worker at a time backs up, the
others skip their turn (:func:`backup_lock`): with Redis (workers on several machines) a key
taken with ``SET NX`` that expires after :data:`BACKUP_LOCK_SECONDS` should its worker die
mid-backup (huey's own ``lock_task`` needs Redis 7.4 for an expiry); without Redis every
worker runs on the one machine, and an advisory file lock in the backup folder, which the
system drops with a process that dies, does it. The time of the last success lives in the
queue's storage (Redis, or the SQLite job database), where ``/metrics`` reads it
(``aixplore_backup_last_success_timestamp_seconds``).

**Queue probe.** :func:`queue_probe` is queued once a minute like every periodic job and
records when a worker ran it: ``/metrics`` exports the age of that record
(``aixplore_job_queue_probe_age_seconds``), which grows past a minute only when jobs wait
(a backlog) or no worker runs.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import secrets
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from huey import crontab

from aixplore.backup import create_backup
from aixplore.core.redis import get_redis
from aixplore.core.settings import Settings, get_settings
from aixplore.jobs.queue import huey

log = logging.getLogger(__name__)

BACKUP_LOCK = "aixplore:backup:lock"
_RELEASE_IF_OURS = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('DEL', KEYS[1])
end
return 0
"""
BACKUP_LOCK_SECONDS = 6 * 3600  # longer than any backup of the largest catalog takes
LAST_BACKUP_KEY = "aixplore:backup:last_success"
PROBE_KEY = "aixplore:queue:probe"
ARCHIVE_GLOB = "aixplore-backup-*.tar.gz"


def last_backup_at() -> datetime | None:
    """When the last scheduled backup succeeded (None: never, or the storage is unreachable)."""
    try:
        value = huey.get(LAST_BACKUP_KEY, peek=True)
    except Exception:  # a storage error reads as unknown: the metric is left out
        log.warning("could not read the last backup time", exc_info=True)
        return None
    return datetime.fromtimestamp(float(value), UTC) if value is not None else None


def last_probe_at() -> float | None:
    """When a job worker last ran the queue probe (Unix seconds), or None."""
    try:
        value = huey.get(PROBE_KEY, peek=True)
    except Exception:  # a storage error reads as unknown
        return None
    return float(value) if value is not None else None


def backup_due(settings: Settings, now: datetime) -> bool:
    """Whether a scheduled backup should run now."""
    if settings.backup_dir is None:
        return False
    last = last_backup_at()
    return last is None or (now - last).total_seconds() >= settings.backup_interval_minutes * 60


def _taken(archive: Path) -> tuple[str, int]:
    """When an archive was written: the UTC second its name starts with, then its mtime (two
    backups of one second differ in their random suffix only)."""
    stamp = archive.name.removeprefix("aixplore-backup-").partition("-")[0]
    return stamp, archive.stat().st_mtime_ns


def prune_backups(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` archives in ``folder``; return what was deleted."""
    archives = sorted(folder.glob(ARCHIVE_GLOB), key=_taken, reverse=True)
    removed = archives[keep:]
    for old in removed:
        old.unlink(missing_ok=True)
    return removed


@contextlib.contextmanager
def backup_lock(folder: Path) -> Iterator[bool]:
    """Hold the scheduled-backup lock for the block if no other worker holds it; yields
    whether it is held."""
    client = get_redis()
    if client is not None:
        token = secrets.token_hex(16)
        held = bool(client.set(BACKUP_LOCK, token, nx=True, ex=BACKUP_LOCK_SECONDS))
        try:
            yield held
        finally:
            if held:
                client.eval(_RELEASE_IF_OURS, 1, BACKUP_LOCK, token)
        return
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / ".scheduled-backup.lock").open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def run_scheduled_backup(settings: Settings) -> Path | None:
    """Back up into ``settings.backup_dir`` unless another worker is; return the archive."""
    folder = settings.backup_dir
    if folder is None:
        return None
    with backup_lock(folder) as held:
        if not held:
            log.info("a scheduled backup is already running on another worker")
            return None
        # Another worker may have finished one just before this one took the lock.
        if not backup_due(settings, datetime.now(UTC)):
            return None
        report = create_backup(settings, folder)
        huey.put(LAST_BACKUP_KEY, time.time())
        removed = prune_backups(folder, settings.backup_keep)
    log.info(
        "scheduled backup written",
        extra={"path": str(report.path), "bytes": report.size, "removed": len(removed)},
    )
    return report.path


@huey.periodic_task(crontab(minute="*"))
def scheduled_backup() -> str | None:
    """Run the scheduled backup when one is due (every minute; most runs do nothing)."""
    settings = get_settings()
    if not backup_due(settings, datetime.now(UTC)):
        return None
    path = run_scheduled_backup(settings)
    return str(path) if path else None


@huey.periodic_task(crontab(minute="*"))
def queue_probe() -> None:
    """Record that a job worker got to this minute's probe."""
    huey.put(PROBE_KEY, time.time())
