"""The job worker's health verdict from its heartbeat file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from aixplore.jobs.health import check, main

OK_QUEUE = {"ok": True, "pending": 0, "backend": "RedisHuey"}


def _beat(path: Path, *, pid: int | None = None, age: float = 0.0, queue=None) -> Path:
    record = {"pid": pid or os.getpid(), "at": time.time() - age, "queue": queue or OK_QUEUE}
    path.write_text(json.dumps(record))
    return path


def test_a_fresh_heartbeat_of_a_running_worker_is_healthy(tmp_path: Path) -> None:
    assert check(_beat(tmp_path / "beat")) is None
    assert main(["--heartbeat-file", str(tmp_path / "beat")]) == 0


def test_a_stale_heartbeat_means_a_stuck_worker(tmp_path: Path) -> None:
    problem = check(_beat(tmp_path / "beat", age=45), max_age=30)
    assert problem is not None and "45 s old" in problem


def test_a_heartbeat_of_a_process_that_is_gone_is_unhealthy(tmp_path: Path) -> None:
    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    problem = check(_beat(tmp_path / "beat", pid=int(ended.stdout)))
    assert problem is not None and "gone" in problem


def test_a_worker_that_cannot_reach_the_queue_is_unhealthy(tmp_path: Path) -> None:
    beat = _beat(tmp_path / "beat", queue={"ok": False, "error": "ConnectionError"})
    assert "ConnectionError" in (check(beat) or "")


def test_no_heartbeat_or_a_broken_one_is_unhealthy(tmp_path: Path) -> None:
    assert "not running" in (check(tmp_path / "missing") or "")
    (tmp_path / "broken").write_text("{not json")
    assert "unreadable" in (check(tmp_path / "broken") or "")
    assert main(["--heartbeat-file", str(tmp_path / "missing")]) == 1
