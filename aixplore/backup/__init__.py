"""Backups of the whole app (database, uploaded files, local Git repositories) and restores.

``create_backup`` writes one tar.gz and verifies it by restoring its dump into a scratch
database before it reports success; ``restore_backup`` checks every checksum first, then
replaces the database and the files. The secret and encryption keys are never in an archive.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from aixplore.backup import engines
from aixplore.backup.archive import ArchiveWriter, BackupError, Manifest, extract
from aixplore.core.settings import SECRET_KEY_FILE, Settings

__all__ = ["BackupError", "BackupReport", "RestoreReport", "create_backup", "restore_backup"]


@dataclass(frozen=True)
class BackupReport:
    """What ``create_backup`` wrote."""

    path: Path
    size: int
    seconds: float
    manifest: Manifest

    def summary(self) -> str:
        """One line for the operator."""
        return (
            f"backup written: {self.path} ({self.size / 1e6:.2f} MB, {len(self.manifest.files)} "
            f"files, {self.seconds:.1f} s); verified: restored into a scratch database, "
            f"revision {self.manifest.alembic_revision}, rows match ({self.manifest.counts_text()})"
        )


@dataclass(frozen=True)
class RestoreReport:
    """What ``restore_backup`` replaced."""

    manifest: Manifest
    media_files: int
    repos_restored: bool
    seconds: float

    def summary(self) -> str:
        """Lines for the operator."""
        repos = "restored" if self.repos_restored else "not in the archive, left as they were"
        return (
            f"restored the {self.manifest.engine} database from {self.manifest.created_at} "
            f"(revision {self.manifest.alembic_revision}; {self.manifest.counts_text()}), {self.media_files} uploaded "
            f"files; local Git repositories {repos} ({self.seconds:.1f} s)"
        )


def _skip(settings: Settings, out_dir: Path) -> set[Path]:
    """Never in an archive: the secret key, the SQLite database, the backups themselves."""
    skip = {(settings.data_dir / SECRET_KEY_FILE).resolve(), out_dir.resolve()}
    if engines.engine_of(settings.database_url) == "sqlite":
        db = engines.sqlite_path(settings.database_url).resolve()
        skip |= {db, Path(f"{db}-wal"), Path(f"{db}-shm")}
    return skip


def create_backup(settings: Settings, out_dir: Path | None = None) -> BackupReport:
    """Write and verify one archive in ``out_dir`` (default ``<data_dir>/backups``)."""
    started = time.perf_counter()
    engine = engines.engine_of(settings.database_url)
    out_dir = out_dir or settings.data_dir / "backups"
    out_dir.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC)
    final = out_dir / f"aixplore-backup-{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}.tar.gz"
    partial = out_dir / f".{final.name}.partial"
    with tempfile.TemporaryDirectory(prefix="aixplore-backup-") as work:
        dump = Path(work) / "dump"
        if engine == "sqlite":
            counts, revision = engines.sqlite_dump(settings.database_url, dump)
        else:
            counts, revision = engines.pg_dump(settings.database_url, dump)
        if revision is None:
            raise BackupError("the database has no alembic revision: run migrate first")
        manifest = Manifest(engine, revision, now.isoformat(), counts)
        writer = ArchiveWriter(partial, manifest)
        try:
            writer.add_file(dump, engines.DUMP_NAMES[engine])
            skip = _skip(settings, out_dir)
            writer.add_tree(settings.media_root, "media", skip)
            if settings.local_repos_root is not None:
                writer.add_tree(settings.local_repos_root, "repos", skip)
            writer.close()
            _verify(settings, partial, manifest)
        except BaseException:
            writer.abort()
            partial.unlink(missing_ok=True)
            raise
    os.replace(partial, final)
    return BackupReport(final, final.stat().st_size, time.perf_counter() - started, manifest)


def _verify(settings: Settings, archive: Path, written: Manifest) -> None:
    """Read the archive back, restore its dump into a scratch database, compare row counts."""
    with tempfile.TemporaryDirectory(prefix="aixplore-verify-") as work:
        manifest = extract(archive, Path(work))
        dump = Path(work) / engines.DUMP_NAMES[manifest.engine]
        if manifest.engine == "sqlite":
            counts, revision = engines.sqlite_read(dump)
        else:
            counts, revision = engines.pg_verify(settings.database_url, dump)
    if counts != written.row_counts or revision != written.alembic_revision:
        raise BackupError(
            f"verification failed: the scratch restore has {counts} at revision {revision}, "
            f"the database had {written.row_counts} at {written.alembic_revision}"
        )


def describe_target(settings: Settings) -> str:
    """What a restore overwrites, for the operator to read before they confirm."""
    url = engines.make_url(settings.database_url).render_as_string(hide_password=True)
    repos = settings.local_repos_root
    return (
        f"This restore replaces: the database {url}; the uploaded files in "
        f"{settings.media_root}" + (f"; the local Git repositories in {repos}" if repos else "")
    )


def target_has_data(settings: Settings) -> bool:
    """Whether the configured database holds members or solutions."""
    if engines.engine_of(settings.database_url) == "sqlite":
        return engines.sqlite_has_data(settings.database_url)
    return engines.pg_has_data(settings.database_url)


def restore_backup(settings: Settings, archive: Path) -> RestoreReport:
    """Check ``archive`` whole, then replace the database and the files with its contents."""
    started = time.perf_counter()
    engine = engines.engine_of(settings.database_url)
    _refuse_shared_folders(settings)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    # Unpacked beside the data so the folders move into place by rename.
    with tempfile.TemporaryDirectory(prefix=".restore-", dir=settings.data_dir) as work:
        root = Path(work)
        manifest = extract(archive, root)
        if manifest.engine != engine:
            raise BackupError(
                f"engine mismatch: the archive holds a {manifest.engine} database, the app is "
                f"configured for {engine}"
            )
        dump = root / engines.DUMP_NAMES[engine]
        if engine == "sqlite":
            engines.sqlite_restore(dump, settings.database_url)
        else:
            engines.pg_restore(dump, settings.database_url)
        _swap(root / "media", settings.media_root)
        repos_restored = (root / "repos").is_dir() and settings.local_repos_root is not None
        if repos_restored and settings.local_repos_root is not None:
            _swap(root / "repos", settings.local_repos_root)
    media_files = sum(1 for name in manifest.files if name.startswith("media/"))
    return RestoreReport(manifest, media_files, repos_restored, time.perf_counter() - started)


def _refuse_shared_folders(settings: Settings) -> None:
    """A restore replaces the upload and repository folders whole: never the data folder."""
    data = settings.data_dir.resolve()
    for folder in (settings.media_root, settings.local_repos_root):
        if folder is not None and data.is_relative_to(folder.resolve()):
            raise BackupError(
                f"{folder} holds the data folder {data} (the secret key, the SQLite database): "
                "a restore cannot replace it; give uploads and repositories folders of their own"
            )


def _swap(new: Path, target: Path) -> None:
    """Put folder ``new`` at ``target``; the old one is removed only once the new one is in."""
    if not new.is_dir():
        new.mkdir(parents=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = target.parent / f".{target.name}.restoring-{secrets.token_hex(4)}"
    shutil.move(str(new), staged)
    old = target.parent / f".{target.name}.old-{secrets.token_hex(4)}"
    if target.exists():
        os.replace(target, old)
    os.replace(staged, target)
    shutil.rmtree(old, ignore_errors=True)
