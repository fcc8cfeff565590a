"""The huey instance, chosen from settings."""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

import redis
from huey import Huey, RedisHuey, SqliteHuey
from huey.consumer import Consumer

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
