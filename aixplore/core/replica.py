"""Catalog and search reads from a PostgreSQL streaming replica, with a lag guard.

With ``database_replica_url`` set (and a PostgreSQL primary), :func:`catalog_read` runs a
read on the replica unless one of these sends it to the primary:

- the member reading wrote something whose WAL the replica has not replayed yet (their own
  writes show at once, "read your writes"). After each unit of work that wrote, the primary's
  WAL write position (``pg_current_wal_lsn``: past every committed transaction's commit record,
  as commits are synchronous) is kept per member, in Redis when configured so that every worker
  and instance sees it, for ``replica_read_your_writes_seconds`` at most. Not the insert
  position: right after a WAL segment switch (``archive_timeout``, a base backup) it points past
  the new segment's header, where no record ends, so a caught-up replica never reached it and
  reads went to the primary until something else was written;
- the catalog changed (a bump of a generation :func:`gate` names) and the replica has not
  replayed that change yet: the worker copies and cached answers search keeps under the
  catalog's generation must never hold rows older than their label. The position is kept
  before the bump lands, and the read takes the generation (``pins``) before it reads the
  position, so whatever the read labels with that generation is at least that new; an entry
  read while a newer bump began is not stored (``cache.may_store``);
- the replica replays more than ``replica_max_lag_seconds`` behind, is down, streams from no
  primary, or is no longer in recovery (promoted: it does not follow this primary any more);
- the read fails on the replica (it died since its last check): the read runs again on the
  primary, and the replica counts as down until its next check.

The member never sees an error from the replica. Each process checks the replica at most
every ``replica_check_seconds`` (one query; one found down, every 5 s), on the thread that
reads; other threads meanwhile use the last answer. ``aixplore_catalog_reads_total{source,reason}`` counts where reads went
and why; ``aixplore_replica_lag_seconds`` is the lag at the last check.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import redis
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlmodel import Session

from aixplore.core import cache, db
from aixplore.core.metrics import CATALOG_READS, REPLICA_LAG
from aixplore.core.redis import get_redis
from aixplore.core.settings import get_settings

log = logging.getLogger(__name__)
T = TypeVar("T")

# The member whose request this is (set where the session's actor is found): a unit of work
# that writes for them records the WAL position their next reads must see.
acting_user: ContextVar[int | None] = ContextVar("aixplore_acting_user", default=None)
# Called with a replica read's session before the positions are read (the catalog's
# generation, remembered for the read's transaction: aixplore/domain/solutions/facet_columns).
pins: list[Callable[[Session], object]] = []
ON_REPLICA = "aixplore_on_replica"  # key in Session.info: this session reads the replica

KEY = "aixplore:replica:wrote:"  # + member id -> the WAL position of their last write
CHANGED = "aixplore:replica:changed"  # -> the WAL position of the last gated generation's bump
# Keep the greater position: two notes may arrive out of order.
_KEEP_GREATER = """
local held = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > held then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
else redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
"""
# A replica found down is asked again this much later: where it does not answer at all, each
# check waits for the connect timeout, on the thread (maybe an event loop) that reads.
DOWN_RETRY_SECONDS = 5.0
_UNKNOWN = 1 << 62  # a position no replica reaches: only the primary is sure to be current
_HEALTH_SQL = text(
    "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text,"
    " CASE WHEN pg_last_wal_receive_lsn() IS NULL"
    " OR pg_last_wal_receive_lsn() <= pg_last_wal_replay_lsn() THEN 0"
    " ELSE EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp()) END,"
    # Streaming from a primary (a hidden status, for a role without pg_read_all_stats, counts).
    " COALESCE((SELECT status IS NULL OR status = 'streaming' FROM pg_stat_wal_receiver), false)"
)


@dataclass(frozen=True)
class Health:
    """The replica as this process last found it."""

    checked: float  # time.monotonic() of the check
    up: bool
    lag_seconds: float = 0.0
    replay_lsn: int = 0


_health: Health | None = None
_checking = threading.Lock()
_gated: set[str] = set()
# Without Redis: member id (or CHANGED) -> (WAL position, monotonic expiry), this process only.
_local_notes: dict[int | str, tuple[int, float]] = {}
# During a replica read: the catalog position it was checked against (see may_store).
_checked_against: ContextVar[int | None] = ContextVar("aixplore_replica_checked", default=None)


def lsn(value: str | None) -> int:
    """A ``pg_lsn`` text such as ``0/16B3748`` as an integer (0 for none)."""
    if not value:
        return 0
    high, _, low = value.partition("/")
    return (int(high, 16) << 32) | int(low, 16)


def replica_url() -> str | None:
    """The replica to read from, or None (unset, or the primary is not PostgreSQL)."""
    settings = get_settings()
    url = settings.database_replica_url
    if not url or settings.is_sqlite or not url.startswith("postgresql"):
        return None
    return url


def gate(name: str) -> None:
    """Replica reads wait for the replay of every bump of cache generation ``name``."""
    _gated.add(name)


def on_replica(session: Session) -> bool:
    """Whether ``session`` reads the replica."""
    return bool(session.info.get(ON_REPLICA))


def forget() -> None:
    """Drop this process's knowledge of the replica and of the notes (tests)."""
    global _health
    _health = None
    _local_notes.clear()


def _check(url: str) -> Health:
    """Ask the replica for its state (never raises: an unreachable replica is down)."""
    try:
        with db.read_scope(url) as session:
            recovering, replayed, lag, streaming = session.execute(_HEALTH_SQL).one()
    except (OperationalError, InterfaceError) as exc:
        log.warning("read replica unreachable: %s", exc.orig or exc)
        REPLICA_LAG.set(-1)
        return Health(time.monotonic(), up=False)
    REPLICA_LAG.set(float(lag))
    if not recovering or not streaming:
        log.warning("read replica is promoted or streams from no primary: reads go to it no more")
    return Health(time.monotonic(), bool(recovering and streaming), float(lag), lsn(replayed))


def health(url: str) -> Health | None:
    """The replica's state, checked again after ``replica_check_seconds`` (down: 5 s)."""
    global _health
    known = _health
    interval = get_settings().replica_check_seconds
    if known is not None and not known.up:
        interval = max(interval, DOWN_RETRY_SECONDS)
    if known is not None and time.monotonic() - known.checked < interval:
        return known
    if not _checking.acquire(blocking=known is None):
        return known  # another thread is checking: the last answer will do meanwhile
    try:
        _health = _check(url)
        return _health
    finally:
        _checking.release()


def _mark_down() -> None:
    global _health
    _health = Health(time.monotonic(), up=False)
    REPLICA_LAG.set(-1)


def _note(key: int | str, engine: Engine) -> None:
    """Keep the primary's WAL write position under ``key`` (never raises)."""
    keep = get_settings().replica_read_your_writes_seconds
    try:
        with engine.connect() as connection:
            found = connection.exec_driver_sql("SELECT pg_current_wal_lsn()::text").scalar()
    except (OperationalError, InterfaceError) as exc:
        log.warning("could not read the primary's WAL position: %s", exc.orig or exc)
        return
    position = lsn(found)
    held, _ = _local_notes.get(key, (0, 0.0))
    _local_notes[key] = (max(held, position), time.monotonic() + keep)
    client = get_redis()
    if client is None:
        return
    name = CHANGED if key == CHANGED else f"{KEY}{key}"
    try:
        client.eval(_KEEP_GREATER, 1, name, position, int(keep * 1000))
    except redis.RedisError as exc:
        log.warning("could not share a write's WAL position: %s", exc)


def note_write(engine: Engine) -> None:
    """After a unit of work that wrote for the acting member: keep the WAL position."""
    user_id = acting_user.get()
    if user_id is not None and engine.dialect.name == "postgresql" and replica_url():
        _note(user_id, engine)


def note_change(name: str) -> None:
    """Before a gated generation's bump lands: keep the WAL position of what changed it."""
    if name in _gated and replica_url() is not None:
        _note(CHANGED, db.get_engine())


def _local(key: int | str) -> int:
    position, until = _local_notes.get(key, (0, 0.0))
    if until < time.monotonic():
        _local_notes.pop(key, None)
        return 0
    return position


def _positions(user_id: int | None) -> tuple[int, int]:
    """(the catalog's last change, the member's last write): what a read must see."""
    changed, wrote = _local(CHANGED), _local(user_id) if user_id is not None else 0
    client = get_redis()
    if client is None:
        return changed, wrote
    keys = [CHANGED] if user_id is None else [CHANGED, f"{KEY}{user_id}"]
    try:
        shared: Any = client.mget(keys)
    except redis.RedisError:
        return _UNKNOWN, _UNKNOWN
    changed = max(changed, int(shared[0] or 0))
    if user_id is not None:
        wrote = max(wrote, int(shared[1] or 0))
    return changed, wrote


def may_store() -> bool:
    """False while a replica read runs after a gated bump began: its rows may predate it."""
    checked = _checked_against.get()
    return checked is None or _positions(None)[0] <= checked


def _on_primary(read: Callable[[Session], T], reason: str) -> T:
    CATALOG_READS.labels("primary", reason).inc()
    with db.read_scope() as session:
        return read(session)


def _on_replica(
    url: str, read: Callable[[Session], T], user_id: int | None, known: int
) -> tuple[bool, T | None]:
    """(True, ``read(session)``) on the replica, or (False, None) when it is not there yet."""
    with db.read_scope(url) as session:
        session.info[ON_REPLICA] = True
        session.connection()  # begins the transaction the pins remember their reads for
        for pin in pins:
            pin(session)
        changed, wrote = _positions(user_id)
        needed = max(changed, wrote)
        if needed > known:
            replayed = session.execute(text("SELECT pg_last_wal_replay_lsn()::text")).scalar()
            if lsn(replayed) < needed:
                return False, None
        token = _checked_against.set(changed)
        try:
            return True, read(session)
        finally:
            _checked_against.reset(token)


def catalog_read(read: Callable[[Session], T], user_id: int | None = None) -> T:
    """``read(session)`` on the replica when it is current enough, else on the primary.

    Args:
        read: Reads only (it runs in a read-only unit of work, maybe twice).
        user_id: The member reading (None: anonymous), whose own writes the read must show.
    """
    url = replica_url()
    if url is None:
        return _on_primary(read, "unset")
    state = health(url)
    if state is None or not state.up:
        return _on_primary(read, "down")
    if state.lag_seconds > get_settings().replica_max_lag_seconds:
        return _on_primary(read, "lag")
    try:
        current, result = _on_replica(url, read, user_id, state.replay_lsn)
    except (OperationalError, InterfaceError) as exc:
        log.warning("read replica failed a read, the primary answers: %s", exc.orig or exc)
        _mark_down()
        return _on_primary(read, "failed")
    if not current:
        return _on_primary(read, "behind")
    CATALOG_READS.labels("replica", "current").inc()
    return cast(T, result)


db.after_write.append(note_write)
cache.before_bump.append(note_change)
cache.may_store.append(may_store)
