"""Run a job worker: ``python -m aixplore.jobs.worker [--workers N]`` (scale-out with Redis).

The worker writes a heartbeat file from its consumer's main loop, after huey's own check
of its worker threads and scheduler (which restarts dead ones); ``python -m
aixplore.jobs.health`` reads it (docker-compose's health check of the job worker).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from huey.consumer import Consumer

from aixplore.core.logging import configure_logging
from aixplore.core.tracing import configure_tracing
from aixplore.jobs import registry  # noqa: F401 - registers every task
from aixplore.jobs.health import default_heartbeat_file
from aixplore.jobs.queue import MAX_POLL_SECONDS, huey, queue_health, start_recovery

HEARTBEAT_SECONDS = 10.0


def write_heartbeat(path: Path) -> None:
    """Record that this process's consumer loop runs and whether the queue answers."""
    record = {"pid": os.getpid(), "at": time.time(), "queue": queue_health()}
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    partial.write_text(json.dumps(record))
    partial.replace(path)  # readers never see half a record


class HeartbeatConsumer(Consumer):
    """A huey consumer that writes a heartbeat after each check of its threads."""

    def __init__(self, *args, heartbeat_file: Path, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.heartbeat_file = heartbeat_file

    def start(self) -> None:
        """Start the threads, then write the first heartbeat."""
        super().start()
        write_heartbeat(self.heartbeat_file)

    def check_worker_health(self) -> bool:
        """Let huey restart dead threads, then write a heartbeat."""
        healthy = super().check_worker_health()
        write_heartbeat(self.heartbeat_file)
        return healthy

    def run(self) -> None:
        """Consume until stopped; a stopped worker leaves no heartbeat behind."""
        try:
            super().run()
        finally:
            self.heartbeat_file.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> None:
    """Start a huey consumer in the foreground until SIGTERM/SIGINT, and its recovery sweeper."""
    parser = argparse.ArgumentParser(description="AiXplore job worker")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--heartbeat-file", type=Path, default=None)
    parser.add_argument("--heartbeat-seconds", type=float, default=HEARTBEAT_SECONDS)
    args = parser.parse_args(argv)
    configure_logging()
    configure_tracing()
    consumer = HeartbeatConsumer(
        huey,
        workers=args.workers,
        worker_type="thread",
        periodic=True,
        max_delay=MAX_POLL_SECONDS,  # as queue.create_consumer: prompt polling on SQLite
        health_check_interval=args.heartbeat_seconds,
        heartbeat_file=args.heartbeat_file or default_heartbeat_file(),
    )
    start_recovery()  # a daemon thread: it ends with the process
    consumer.run()


if __name__ == "__main__":
    main()
