"""Run a job worker: ``python -m aixplore.jobs.worker [--workers N]`` (scale-out with Redis)."""

from __future__ import annotations

import argparse

from aixplore.core.logging import configure_logging
from aixplore.jobs import registry  # noqa: F401 - registers every task
from aixplore.jobs.queue import huey


def main() -> None:
    """Start a huey consumer in the foreground until SIGTERM/SIGINT."""
    parser = argparse.ArgumentParser(description="AiXplore job worker")
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    configure_logging()
    consumer = huey.create_consumer(workers=args.workers, worker_type="thread", periodic=True)
    consumer.run()


if __name__ == "__main__":
    main()
