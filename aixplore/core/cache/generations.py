"""Generations: bump one number to retire every cache entry built from it, by hand or when
a watched table's rows change and the change commits."""

from __future__ import annotations

import contextlib
import random
from collections.abc import Callable
from typing import Any, cast

import redis
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState
from sqlmodel import Session

from aixplore.core import near_cache
from aixplore.core.cache import local
from aixplore.core.cache.local import PREFIX
from aixplore.core.events import publish_after_commit, subscribe
from aixplore.core.redis import get_redis

# The read replica's hook (core/replica.py): told of a generation's bump before it lands.
before_bump: list[Callable[[str], None]] = []
# Without Redis, this process's generations: name -> number.
counts: dict[str, int] = {}


class Unavailable(Exception):
    """The shared generations cannot be read (Redis is down)."""


def _first_generation() -> int:
    # A generation that starts where nothing was counted yet (a new process, a flushed Redis)
    # starts at a random number, so that it never repeats one that something built in an
    # earlier life of the counter still carries (search's facet columns compare them).
    return random.SystemRandom().getrandbits(48)


def generation(name: str, *, strict: bool = False) -> int:
    """The current generation of ``name``. When Redis is down: 0, or with ``strict``
    :class:`Unavailable`."""
    client = get_redis()
    if client is not None:
        key = f"{PREFIX}gen:{name}"
        try:
            raw = client.get(key)
            if raw is None:
                client.set(key, _first_generation(), nx=True)
                raw = client.get(key)
        except redis.RedisError as exc:
            if strict:
                raise Unavailable(name) from exc
            return 0
        return int(cast(bytes, raw)) if raw is not None else 0
    with local.lock:
        return local_generation(name)


def local_generation(name: str) -> int:
    """The in-process generation of ``name`` (the caller holds ``local.lock``)."""
    found = counts.get(name)
    if found is None:
        found = counts[name] = _first_generation()
    return found


def bump(name: str) -> None:
    """Start a new generation of ``name``: keys that embed the old one are never read again."""
    for hook in before_bump:
        hook(name)
    client = get_redis()
    if client is not None:
        key = f"{PREFIX}gen:{name}"
        with contextlib.suppress(redis.RedisError):  # the TTL then bounds the staleness
            # One round trip; a counter that is gone (a flushed Redis) restarts at random.
            pipe = client.pipeline(transaction=False)
            pipe.set(key, _first_generation(), nx=True)
            pipe.incr(key)
            pipe.execute()
        near_cache.wrote(PREFIX, [key])
        return
    with local.lock:
        counts[name] = local_generation(name) + 1


# ---- Retiring generations when the data behind them commits ----

_BUMP = "aixplore_cache_bump"
WATCHED: dict[str, set[str]] = {}  # table name -> generation names
_PENDING = "aixplore_cache_pending_bumps"


def bump_after_commit(session: Session, name: str) -> None:
    """Bump generation ``name`` once ``session`` commits (never when it rolls back)."""
    pending: set[str] = session.info.setdefault(_PENDING, set())
    if name not in pending:
        pending.add(name)
        publish_after_commit(session, _BUMP, name)


def retire_on_change(name: str, *tables: str) -> None:
    """Bump generation ``name`` after every commit that wrote a row of one of ``tables``.

    ORM inserts, updates and deletes are seen at flush; bulk ``update()``/``delete()``
    statements when they run. Raw SQL text is not seen: nothing writes those tables that way.
    """
    for table in tables:
        WATCHED.setdefault(table, set()).add(name)


@event.listens_for(Session, "before_flush")
def _watch_flush(session: Session, _context: Any, _instances: Any) -> None:
    if not WATCHED:
        return
    for obj in (*session.new, *session.dirty, *session.deleted):
        for name in WATCHED.get(getattr(obj, "__tablename__", ""), ()):
            bump_after_commit(session, name)


@event.listens_for(Session, "do_orm_execute")
def _watch_bulk(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    for name in WATCHED.get(getattr(table, "name", ""), ()):
        bump_after_commit(state.session, name)  # type: ignore[arg-type]


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)


subscribe(_BUMP, bump)
