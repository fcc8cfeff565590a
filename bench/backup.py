"""Backup and restore timings for the demo database on the configured engine.

``AIXPLORE_DATABASE_URL=... AIXPLORE_DATA_DIR=... .venv/bin/python bench/backup.py``:
migrates the configured database, loads the demo data when it holds no members, then
runs ``create_backup`` (dump, archive, verification by a scratch restore) and
``restore_backup`` of that archive ``--rounds`` times each, and prints the archive's size and
the seconds of each step (best and median). Use a throwaway database: the restore overwrites it.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from aixplore import cli
from aixplore.backup import create_backup, restore_backup, target_has_data
from aixplore.backup.engines import engine_of
from aixplore.core.settings import get_settings


def main() -> None:
    """Seed when empty, then time backups and restores."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    settings = get_settings()
    cli.migrate()
    if not target_has_data(settings):
        cli.seed_demo()
    backups: list[float] = []
    restores: list[float] = []
    with tempfile.TemporaryDirectory(prefix="aixplore-bench-backup-") as out:
        for _ in range(args.rounds):
            report = create_backup(settings, Path(out))
            backups.append(report.seconds)
            started = time.perf_counter()
            restore_backup(settings, report.path)
            restores.append(time.perf_counter() - started)
            report.path.unlink()
    print(f"engine {engine_of(settings.database_url)}: {report.manifest.counts_text()}")
    print(f"archive {report.size / 1e6:.2f} MB, {len(report.manifest.files)} files")
    for name, seconds in (("backup + verify", backups), ("restore", restores)):
        print(f"{name}: best {min(seconds):.2f} s, median {statistics.median(seconds):.2f} s")


if __name__ == "__main__":
    main()
