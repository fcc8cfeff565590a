"""``python -m aixplore.cli pitr {settings,base-backup,restore}``: point-in-time recovery."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register ``pitr`` and its three commands."""
    pitr = sub.add_parser("pitr", help="PostgreSQL point-in-time recovery (base backups + WAL)")
    cmds = pitr.add_subparsers(dest="pitr_cmd", required=True)
    conf = cmds.add_parser("settings", help="print the postgresql.conf lines archiving needs")
    conf.add_argument("--archive", required=True, help="archive folder the server can write")
    conf.add_argument("--timeout", type=int, default=30, help="archive_timeout in seconds (RPO)")
    base = cmds.add_parser("base-backup", help="take a base backup into the archive")
    base.add_argument("--archive", required=True)
    rest = cmds.add_parser("restore", help="prepare an empty data directory for recovery")
    rest.add_argument("--archive", required=True)
    rest.add_argument("--data-dir", required=True, help="the new, empty PostgreSQL data directory")
    rest.add_argument("--target-time", help="ISO 8601 time with zone (default: end of archive)")


def run(args: argparse.Namespace) -> int:
    """Run one ``pitr`` command; exit 2 with a clear message when it cannot."""
    from aixplore.backup import pitr
    from aixplore.backup.archive import BackupError
    from aixplore.core.settings import get_settings

    try:
        if args.pitr_cmd == "settings":
            if not 1 <= args.timeout <= 3600:
                raise BackupError("--timeout must be between 1 and 3600 seconds")
            for key, value in pitr.server_settings(Path(args.archive), args.timeout).items():
                print(f"{key} = {pitr.conf_string(value)}")
            return 0
        if args.pitr_cmd == "base-backup":
            print(pitr.base_backup(get_settings().database_url, Path(args.archive)).summary())
            return 0
        target = pitr.parse_target(args.target_time) if args.target_time else None
        plan = pitr.prepare_restore(Path(args.archive), Path(args.data_dir), target)
    except BackupError as exc:
        print(f"pitr {args.pitr_cmd} failed: {exc}", file=sys.stderr)
        return 2
    print(plan.summary())
    return 0
