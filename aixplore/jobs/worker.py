"""Run a job worker: ``python -m aixplore.jobs.worker [--workers N]`` (scale-out with Redis)."""

from __future__ import annotations

import argparse

from aixplore.core.logging import configure_logging
from aixplore.jobs import registry  # noqa: F401 - registers every task
from aixplore.jobs.queue import create_consumer, start_recovery


def main() -> None:
    """Start a huey consumer in the foreground until SIGTERM/SIGINT, and its recovery sweeper."""
    parser = argparse.ArgumentParser(description="AiXplore job worker")
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    configure_logging()
    consumer = create_consumer(args.workers)
    start_recovery()  # a daemon thread: it ends with the process
    consumer.run()


if __name__ == "__main__":
    main()
