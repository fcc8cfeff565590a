"""Database engine and the unit-of-work scope that callers open around services."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import ORMExecuteState
from sqlmodel import Session, create_engine

from aixplore.core.metrics import DB_CONNECTIONS_IN_USE, DB_POOL_CAPACITY
from aixplore.core.settings import get_settings
from aixplore.core.tracing import instrument_engine

_engines: dict[str, Engine] = {}
_readers: dict[str, Engine] = {}  # url -> the engine's read-only view (built once: not free)
_lock = threading.Lock()
# SQLite file -> a connection of its own for probe(), and the lock that serializes its use.
_probes: dict[str, tuple[threading.Lock, sqlite3.Connection]] = {}
# (SQLite file, statement) -> when this process's newest probe of it began, and its row.
_recent: dict[tuple[str, str], tuple[float, tuple[Any, ...] | None]] = {}


# Called with the engine after a unit of work that wrote has committed: the read replica's
# read-your-writes (core/replica.py) notes where the primary's WAL stands then.
after_write: list[Callable[[Engine], None]] = []
_WROTE = "aixplore_wrote"  # key in Session.info: the unit of work flushed or ran a DML statement


def _flushed(session: Session, *_: Any) -> None:
    session.info[_WROTE] = True


def _executed(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[_WROTE] = True


event.listen(Session, "after_flush", _flushed)
event.listen(Session, "do_orm_execute", _executed)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()
    # Let SQLAlchemy's "begin" event issue BEGIN (pysqlite's own implicit BEGIN is off).
    dbapi_connection.isolation_level = None


def _sqlite_begin(conn: Any) -> None:
    # Units of work take SQLite's write lock at BEGIN: a transaction that reads, then writes,
    # can then never lose a lock upgrade to a concurrent writer ("database is locked"); others
    # wait instead. Read-only scopes begin deferred so readers never queue behind the lock.
    deferred = conn.get_execution_options().get("aixplore_read_only", False)
    conn.exec_driver_sql("BEGIN" if deferred else "BEGIN IMMEDIATE")


WORD_SIMILARITY_THRESHOLD = 0.3  # one swapped pair in a 7-letter word scores 0.375


def build_engine(url: str) -> Engine:
    """Create an engine for ``url`` with settings fit for SQLite or PostgreSQL."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 5})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(
        url,
        pool_size=10,
        max_overflow=20,
        pool_pre_ping=True,
        pool_timeout=5,
        # Typo matching (solutions/search.py) uses the indexable ``<%`` operator at this
        # word-similarity threshold (pg_trgm's default of 0.6 misses one swapped letter pair).
        connect_args={
            "connect_timeout": 5,
            "options": f"-c pg_trgm.word_similarity_threshold={WORD_SIMILARITY_THRESHOLD}",
        },
    )


def get_engine(url: str | None = None) -> Engine:
    """Return the shared engine for ``url`` (default: the configured database)."""
    url = url or get_settings().database_url
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _engines[url] = build_engine(url)
            _count_pool_use(engine)
            instrument_engine(engine)
        return engine


def engines() -> list[Engine]:
    """The shared engines this process has opened so far."""
    with _lock:
        return list(_engines.values())


def _capacity(engine: Engine) -> int:
    """Connections ``engine``'s pool may open (pool size plus overflow; 0 when unbounded)."""
    pool: Any = engine.pool
    if not hasattr(pool, "size"):
        return 0
    return int(pool.size()) + max(0, int(getattr(pool, "_max_overflow", 0)))


def _count_pool_use(engine: Engine) -> None:
    """Keep /metrics' pool gauges (connections in use, capacity) current for ``engine``."""
    DB_POOL_CAPACITY.inc(_capacity(engine))
    event.listen(engine, "checkout", lambda *_: DB_CONNECTIONS_IN_USE.inc())
    event.listen(engine, "checkin", lambda *_: DB_CONNECTIONS_IN_USE.dec())


def _count_inherited_pools() -> None:
    """A forked worker's gauges start at zero: count the pools it inherited."""
    for engine in list(_engines.values()):
        DB_POOL_CAPACITY.inc(_capacity(engine))


os.register_at_fork(after_in_child=_count_inherited_pools)


def dispose_engines() -> None:
    """Close every pooled connection (tests and forked workers)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
            DB_POOL_CAPACITY.dec(_capacity(engine))
        _engines.clear()
        _readers.clear()
        for probe_lock, connection in _probes.values():
            with probe_lock:
                connection.close()
        _probes.clear()
        _recent.clear()


def probe(session: Session, sql: str, reuse_s: float = 0.0) -> tuple[Any, ...] | None:
    """The first row of the constant read ``sql``, on SQLite only (None on other engines).

    It runs on a connection of its own that never writes and holds no transaction between
    calls, so it sees what every connection of every process has committed, and costs a few
    microseconds (no pool checkout, no ORM). Callers use it to check that an in-process entry
    is still current, e.g. that no ledger entry was written since (``wallet/statement.py``).

    With ``reuse_s``, a probe of the same statement that this process began at most that
    many seconds ago answers instead: the caller accepts to see the database as it was that
    much earlier. On a busy event loop this matters more than the query's own microseconds:
    the sqlite3 module lets go of the GIL while SQLite works, and the server's socket threads
    take it, so the loop waits for them before it goes on (bench/events.py: a probe on every
    token page load cost a sixth of the worker's events per second).
    """
    url = session.get_bind().engine.url
    path = url.database
    if url.get_backend_name() != "sqlite" or not path or path == ":memory:":
        return None
    if reuse_s > 0:
        recent = _recent.get((path, sql))
        if recent is not None and time.monotonic() - recent[0] <= reuse_s:
            return recent[1]
    entry = _probes.get(path)
    if entry is None:
        with _lock:
            entry = _probes.get(path)
            if entry is None:
                connection = sqlite3.connect(
                    path, check_same_thread=False, isolation_level=None, timeout=5
                )
                entry = _probes[path] = (threading.Lock(), connection)
    probe_lock, connection = entry
    began = time.monotonic()
    with probe_lock:
        row = connection.execute(sql).fetchone()
    found = tuple(row) if row is not None else None
    _recent[path, sql] = (began, found)
    return found


@contextmanager
def read_scope(url: str | None = None) -> Iterator[Session]:
    """Open a read-only unit of work (rolled back at the end; concurrent on SQLite too)."""
    key = url or get_settings().database_url
    engine = _readers.get(key)
    if engine is None:
        engine = get_engine(key).execution_options(aixplore_read_only=True)
        with _lock:
            engine = _readers.setdefault(key, engine)
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
    finally:
        session.rollback()
        session.close()


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """Open a unit of work: commit on success, roll back on any error."""
    session = Session(get_engine(url), expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
    if after_write and session.info.get(_WROTE):
        engine = session.get_bind().engine
        for hook in after_write:
            hook(engine)
