"""The scheduled backup job on the run's engine: due, written, recorded, pruned, one at a time."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from aixplore.api.app import build_api
from aixplore.core.settings import get_settings
from aixplore.jobs import operations
from aixplore.jobs.queue import huey
from tests.factories import make_member


@pytest.fixture
def backup_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "backups"
    settings = get_settings()
    monkeypatch.setattr(settings, "backup_dir", folder)
    monkeypatch.setattr(settings, "backup_keep", 2)
    huey.delete(operations.LAST_BACKUP_KEY)
    make_member(email="scheduled@example.com")  # a database with a member in it
    yield folder
    huey.delete(operations.LAST_BACKUP_KEY)


def _archives(folder: Path) -> list[Path]:
    return sorted(folder.glob(operations.ARCHIVE_GLOB))


def _metric(name: str) -> float | None:
    text = TestClient(build_api()).get("/metrics").text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name:
                return sample.value
    return None


def test_a_due_backup_is_written_recorded_and_exported(backup_dir: Path) -> None:
    settings = get_settings()
    assert _metric("aixplore_backup_last_success_timestamp_seconds") == 0  # none yet: alert
    assert operations.backup_due(settings, datetime.now(UTC))
    started = datetime.now(UTC)
    assert operations.scheduled_backup.call_local() is not None
    (archive,) = _archives(backup_dir)
    last = operations.last_backup_at()
    assert last is not None and last >= started - timedelta(seconds=1)
    # Not due again until the interval has passed; the periodic run then does nothing.
    assert not operations.backup_due(settings, datetime.now(UTC))
    assert operations.scheduled_backup.call_local() is None
    assert _archives(backup_dir) == [archive]
    later = datetime.now(UTC) + timedelta(minutes=settings.backup_interval_minutes)
    assert operations.backup_due(settings, later)
    exported = _metric("aixplore_backup_last_success_timestamp_seconds")
    assert exported == pytest.approx(last.timestamp())
    assert _metric("aixplore_backup_interval_seconds") == settings.backup_interval_minutes * 60


def test_only_the_newest_backups_are_kept(backup_dir: Path) -> None:
    written = []
    for _ in range(3):
        huey.delete(operations.LAST_BACKUP_KEY)  # due again at once
        written.append(operations.run_scheduled_backup(get_settings()))
    assert _archives(backup_dir) == sorted(written[1:])  # keep 2: the first one went


def test_two_workers_due_at_once_write_one_backup(backup_dir: Path) -> None:
    start = threading.Barrier(3)
    results: list[Path | None] = []

    def worker() -> None:
        start.wait()
        results.append(operations.run_scheduled_backup(get_settings()))

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(results) == 3
    assert len([r for r in results if r is not None]) == 1
    assert len(_archives(backup_dir)) == 1


def test_without_a_folder_nothing_is_scheduled_or_exported(monkeypatch) -> None:
    monkeypatch.setattr(get_settings(), "backup_dir", None)
    assert operations.scheduled_backup.call_local() is None
    assert _metric("aixplore_backup_last_success_timestamp_seconds") is None


def test_the_queue_probe_records_when_a_worker_ran_it() -> None:
    operations.queue_probe.call_local()
    age = _metric("aixplore_job_queue_probe_age_seconds")
    assert age is not None and 0 <= age < 30
