"""The huey instance, chosen from settings."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import redis
from huey import Huey, RedisHuey, SqliteHuey
from huey.api import Task
from huey.consumer import Consumer
from opentelemetry import trace

from aixplore.core import tracing
from aixplore.core.settings import get_settings

if TYPE_CHECKING:
    from aixplore.jobs.recovery import RecoverySweeper

log = logging.getLogger(__name__)


def _build() -> Huey:
    settings = get_settings()
    if settings.redis_url:
        pool = redis.ConnectionPool.from_url(
            settings.redis_url, socket_connect_timeout=1.0, socket_timeout=5.0
        )
        return RedisHuey("aixplore", connection_pool=pool, utc=True)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("aixplore", filename=str(settings.data_dir / "jobs.db"), utc=True)


huey: Huey = _build()


def _traced(execute: Callable[[Task, Any], Any]) -> Callable[[Task, Any], Any]:
    """Run each job inside a span of its own (with tracing on; ``core/tracing.py``)."""

    def run(task: Task, timestamp: Any) -> Any:
        if not tracing.enabled():
            return execute(task, timestamp)
        with tracing.span(f"job {task.name}", job_id=task.id, retries=task.retries):
            return execute(task, timestamp)

    return run


# huey has hooks before and after a job but none around it, which a span needs.
setattr(huey, "_execute", _traced(huey._execute))  # noqa: B010


@huey.post_execute()
def _mark_failed_job(task: Task, value: Any, exc: BaseException | None) -> None:
    # huey catches a job's exception itself: the span hears of it here, still inside it.
    if exc is not None and tracing.enabled():
        tracing.mark_failed(trace.get_current_span(), exc)


# An idle consumer thread of a queue that cannot block (SqliteHuey) polls it at most this
# far apart (huey's default backs off to 10 s), so work queued again after a worker died
# starts within a second.
MAX_POLL_SECONDS = 1.0

_consumer: Consumer | None = None
_sweeper: RecoverySweeper | None = None
_consumer_lock = threading.Lock()


def create_consumer(workers: int) -> Consumer:
    """A huey consumer on ``workers`` threads, with periodic tasks and prompt polling."""
    return huey.create_consumer(
        workers=workers, worker_type="thread", periodic=True, max_delay=MAX_POLL_SECONDS
    )


def start_recovery() -> RecoverySweeper:
    """Start this process's recovery sweeper (``jobs/recovery.py``) beside its consumer."""
    # Imported here: recovery needs the task modules, which need this module's ``huey``.
    from aixplore.jobs.recovery import RecoverySweeper

    return RecoverySweeper().start()


def start_embedded_consumer(workers: int = 2) -> Consumer:
    """Run a consumer on threads inside this process (no separate worker needed)."""
    global _consumer, _sweeper
    with _consumer_lock:
        if _consumer is None:
            _consumer = create_consumer(workers)
            _consumer.start()
            _sweeper = start_recovery()
            log.info("embedded job consumer started", extra={"workers": workers})
        return _consumer


def stop_embedded_consumer() -> None:
    """Stop the in-process consumer, letting running jobs finish."""
    global _consumer, _sweeper
    with _consumer_lock:
        if _sweeper is not None:
            _sweeper.stop()
            _sweeper = None
        if _consumer is not None:
            _consumer.stop(graceful=True)
            _consumer = None


def queue_health() -> dict[str, object]:
    """Report whether the queue's storage answers and how many jobs wait."""
    try:
        pending = huey.pending_count()
    except Exception as exc:  # any storage error means the queue is down
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "pending": pending, "backend": type(huey).__name__}
