"""After-commit notifications: the domain says what happened, outer layers react.

A service calls ``publish_after_commit(session, topic, payload)``; once the unit of work
commits, every handler subscribed to ``topic`` runs (the jobs layer subscribes to enqueue work).
A rollback drops the pending notifications, so nothing is announced that was not stored.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlmodel import Session

log = logging.getLogger(__name__)

Handler = Callable[[Any], None]
_handlers: dict[str, list[Handler]] = defaultdict(list)
_KEY = "aixplore_pending_events"


def subscribe(topic: str, handler: Handler) -> None:
    """Run ``handler(payload)`` after each commit that published ``topic``."""
    if handler not in _handlers[topic]:
        _handlers[topic].append(handler)


def publish_after_commit(session: Session, topic: str, payload: Any) -> None:
    """Queue a notification that fires only if ``session`` commits."""
    session.info.setdefault(_KEY, []).append((topic, payload))


@event.listens_for(Session, "after_commit")
def _fire(session: Session) -> None:
    pending = session.info.pop(_KEY, [])
    for topic, payload in pending:
        for handler in list(_handlers.get(topic, ())):
            try:
                handler(payload)
            except Exception:
                # The data is committed; a failed notification is retried by sweeps.
                log.exception("after-commit handler failed", extra={"topic": topic})


@event.listens_for(Session, "after_rollback")
def _drop(session: Session) -> None:
    session.info.pop(_KEY, None)
