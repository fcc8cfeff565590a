"""A job's lease, renewed on a thread of its own while the job's work runs.

Leases are short (``AIXPLORE_JOB_LEASE_SECONDS``) so that work whose worker died is found
quickly (``jobs/recovery.py``); a job that is alive keeps its lease by renewing it every
``AIXPLORE_JOB_HEARTBEAT_SECONDS``, however long a stage or a request takes.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from types import TracebackType

from aixplore.core.settings import get_settings

log = logging.getLogger(__name__)


class Heartbeat:
    """Call ``renew`` every few seconds until the block ends; ``lost`` is set once it fails.

    ``renew`` opens its own unit of work and returns whether the lease is still held. An
    error (the database briefly away) is logged and the next beat tries again: the lease
    itself decides, and the work's fenced writes find out.
    """

    def __init__(self, renew: Callable[[], bool], what: str, every: float | None = None) -> None:
        self._renew = renew
        self._what = what
        self._every = get_settings().job_heartbeat_seconds if every is None else every
        self._stop = threading.Event()
        self.lost = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"heartbeat {what}", daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # Also on a BaseException (a worker told to die): the lease then runs out by itself.
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self._every):
            try:
                held = self._renew()
            except Exception:  # the next beat tries again; the lease decides
                log.warning("lease renewal failed", extra={"what": self._what}, exc_info=True)
                continue
            if not held:
                self.lost.set()
                log.warning("lease lost", extra={"what": self._what})
                return
