"""Is the job worker alive? ``python -m aixplore.jobs.health [--max-age SECONDS]``.

Exits 0 when the worker's heartbeat (written by ``python -m aixplore.jobs.worker`` from its
consumer loop) is recent, its process still runs and it could reach the queue; otherwise
prints why and exits 1. docker-compose runs it inside the worker's container.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from aixplore.core.settings import get_settings

# Three missed heartbeats (aixplore.jobs.worker.HEARTBEAT_SECONDS) mean the loop is stuck.
DEFAULT_MAX_AGE = 30.0


def default_heartbeat_file() -> Path:
    """Where a worker writes its heartbeat unless told otherwise (one per data folder)."""
    return get_settings().data_dir / "job-worker.heartbeat"


def _process_runs(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, under another user
        return True
    return True


def check(path: Path, max_age: float = DEFAULT_MAX_AGE, now: float | None = None) -> str | None:
    """Return why the worker that writes ``path`` is unhealthy, or None when it is healthy."""
    try:
        record = json.loads(path.read_text())
        pid, at, queue = int(record["pid"]), float(record["at"]), dict(record["queue"])
    except FileNotFoundError:
        return f"no heartbeat at {path}: the worker is not running"
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return f"unreadable heartbeat at {path}: {exc}"
    age = (time.time() if now is None else now) - at
    if not _process_runs(pid):
        return f"the worker (pid {pid}) is gone"
    if age > max_age:
        return f"the worker's last heartbeat is {age:.0f} s old (limit {max_age:.0f} s)"
    if not queue.get("ok"):
        return f"the worker cannot reach the job queue: {queue.get('error', 'unknown error')}"
    return None


def main(argv: list[str] | None = None) -> int:
    """Check the heartbeat; print the verdict."""
    parser = argparse.ArgumentParser(prog="python -m aixplore.jobs.health", description=__doc__)
    parser.add_argument("--heartbeat-file", type=Path, default=None)
    parser.add_argument("--max-age", type=float, default=DEFAULT_MAX_AGE)
    args = parser.parse_args(argv)
    problem = check(args.heartbeat_file or default_heartbeat_file(), args.max_age)
    if problem:
        print(f"unhealthy: {problem}", file=sys.stderr)
        return 1
    print("healthy")
    return 0


if __name__ == "__main__":
    sys.exit(main())
