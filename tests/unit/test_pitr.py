"""Point-in-time recovery's pieces: archive commands, choosing a base backup, preparing a restore.

The whole path (a real server archiving, killed, restored to a time) is the restore drill that
the test command runs (``bench/restore_drill.py --check``).
"""

from __future__ import annotations

import io
import json
import tarfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from aixplore.backup import pitr
from aixplore.backup.archive import BackupError
from aixplore.cli import main

T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _base(archive: Path, finished: datetime, files: dict[str, bytes] | None = None) -> Path:
    folder = archive / "base" / finished.strftime("%Y%m%dT%H%M%S%fZ")
    folder.mkdir(parents=True)
    with tarfile.open(folder / pitr.BASE_FILE, "w:gz") as tar:
        for name, data in (files or {"PG_VERSION": b"15\n", "postgresql.auto.conf": b""}).items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    info = {
        "started_at": (finished - timedelta(seconds=5)).isoformat(),
        "finished_at": finished.isoformat(),
        "size": 1,
    }
    (folder / pitr.INFO_FILE).write_text(json.dumps(info))
    return folder


def test_archive_and_restore_commands_quote_the_folder(tmp_path: Path) -> None:
    archive = tmp_path / "my archive"
    command = pitr.archive_command(archive)
    assert command.startswith(f"test ! -f '{archive}/wal'/%f.gz && gzip -c %p > ")
    assert command.endswith(f"&& mv '{archive}/wal'/%f.gz.part '{archive}/wal'/%f.gz")
    assert pitr.restore_command(archive) == (
        f"test -f '{archive}/wal'/%f.gz && gunzip -c '{archive}/wal'/%f.gz > %p"
    )
    with pytest.raises(BackupError, match="may not contain '%'"):
        pitr.archive_command(tmp_path / "100%")


def test_settings_command_prints_config_lines(tmp_path: Path, capsys) -> None:
    assert main(["pitr", "settings", "--archive", str(tmp_path), "--timeout", "20"]) == 0
    out = capsys.readouterr().out
    assert "archive_mode = 'on'" in out
    assert "archive_timeout = '20s'" in out
    assert f"archive_command = 'test ! -f {tmp_path}/wal/%f.gz" in out
    assert main(["pitr", "settings", "--archive", str(tmp_path), "--timeout", "0"]) == 2
    assert "between 1 and 3600" in capsys.readouterr().err


def test_conf_string_escapes_quotes_and_backslashes() -> None:
    assert pitr.conf_string("it's a \\ path") == "'it''s a \\\\ path'"


def test_choose_base_takes_the_newest_finished_before_the_target(tmp_path: Path) -> None:
    first = _base(tmp_path, T0)
    second = _base(tmp_path, T0 + timedelta(hours=1))
    (tmp_path / "base" / ".20261201T140000000000Z.partial").mkdir()
    assert pitr.choose_base(tmp_path, None).folder == second
    assert pitr.choose_base(tmp_path, T0 + timedelta(minutes=59)).folder == first
    assert pitr.choose_base(tmp_path, T0 + timedelta(hours=2)).folder == second
    with pytest.raises(BackupError, match="no base backup finished before"):
        pitr.choose_base(tmp_path, T0 - timedelta(seconds=1))
    with pytest.raises(BackupError, match="run `pitr base-backup` first"):
        pitr.choose_base(tmp_path / "empty", None)


def test_prepare_restore_unpacks_and_configures_recovery(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    _base(archive, T0)
    data = tmp_path / "data"
    plan = pitr.prepare_restore(archive, data, T0 + timedelta(minutes=3))
    assert (data / "PG_VERSION").read_text() == "15\n"
    assert (data / "recovery.signal").exists()
    assert data.stat().st_mode & 0o777 == 0o700
    conf = (data / "postgresql.auto.conf").read_text()
    assert f"restore_command = '{pitr.restore_command(archive)}'" in conf
    assert "recovery_target_time = '2026-12-01T12:03:00+00:00'" in conf
    assert "recovery_target_action = 'promote'" in conf
    assert "to 2026-12-01T12:03:00+00:00" in plan.summary()
    latest = pitr.prepare_restore(archive, tmp_path / "latest", None)
    assert "recovery_target_time =" not in (latest.data_dir / "postgresql.auto.conf").read_text()


def test_prepare_restore_refuses_what_would_lose_data(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    _base(archive, T0)
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "PG_VERSION").write_text("15\n")
    with pytest.raises(BackupError, match="is not empty"):
        pitr.prepare_restore(archive, busy, None)
    with pytest.raises(BackupError, match="in the future"):
        pitr.prepare_restore(archive, tmp_path / "d", datetime.now(UTC) + timedelta(hours=1))
    hostile = tmp_path / "hostile"
    _base(hostile, T0, {"../escaped": b"x"})
    with pytest.raises(BackupError, match="cannot unpack"):
        pitr.prepare_restore(hostile, tmp_path / "d2", None)
    assert not (tmp_path / "escaped").exists()


def test_restore_command_line_rejects_times_without_zone(tmp_path: Path, capsys) -> None:
    args = ["pitr", "restore", "--archive", str(tmp_path), "--data-dir", str(tmp_path / "d")]
    assert main([*args, "--target-time", "2026-12-01T12:00:00"]) == 2
    assert "with its zone" in capsys.readouterr().err
    assert main([*args, "--target-time", "yesterday"]) == 2
    assert "not an ISO 8601 time" in capsys.readouterr().err


def test_base_backup_refuses_sqlite(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="needs PostgreSQL"):
        pitr.base_backup(f"sqlite:///{tmp_path}/a.db", tmp_path / "archive")
