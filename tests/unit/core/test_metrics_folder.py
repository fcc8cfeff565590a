"""Counting works in a process whose Prometheus multiprocess folder does not exist yet."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

COUNT = "from aixplore.core.metrics import SECURITY_EVENTS; SECURITY_EVENTS.labels('x').inc()"


def test_a_security_event_is_counted_where_the_metrics_folder_is_missing(tmp_path: Path) -> None:
    folder = tmp_path / "prometheus"  # as in a job worker's container, where nothing made it
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(folder)}
    done = subprocess.run([sys.executable, "-c", COUNT], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert list(folder.glob("counter_*.db"))
