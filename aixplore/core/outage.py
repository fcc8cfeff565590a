"""Tell a passing outage (the database or Redis out of reach) from a bug.

A request or event that fails because PostgreSQL restarts, SQLite is locked for longer than
its timeout, or Redis is down has done nothing: the person may simply try again in a few
seconds, and an API client should get 503 with ``Retry-After``, not a 500. Everything else
stays an unexpected error, logged in full.
"""

from __future__ import annotations

import sqlite3

import psycopg
import redis
from sqlalchemy import exc as sa

# SQLite errors that pass on their own (anything else, "no such table" say, is a bug).
_SQLITE_PASSING = ("database is locked", "database table is locked", "disk i/o error")


def _one(error: BaseException) -> str | None:
    if isinstance(error, redis.ConnectionError | redis.TimeoutError):
        return "redis"
    if isinstance(error, sa.DBAPIError) and error.connection_invalidated:
        return "database"
    if isinstance(error, sa.DisconnectionError | sa.InvalidatePoolError):
        return "database"
    if isinstance(error, psycopg.OperationalError | psycopg.InterfaceError):
        return "database"
    if isinstance(error, sqlite3.OperationalError) and str(error).lower().startswith(
        _SQLITE_PASSING
    ):
        return "database"
    return None


def outage_of(error: BaseException) -> str | None:
    """``"database"`` or ``"redis"`` when ``error`` or what caused it is a lost connection."""
    seen: BaseException | None = error
    for _ in range(8):  # causes chain a few deep (SQLAlchemy wraps the driver's error)
        if seen is None:
            return None
        if (found := _one(seen)) is not None:
            return found
        orig = seen.orig if isinstance(seen, sa.DBAPIError) else None
        if orig is not None and (found := _one(orig)) is not None:
            return found
        seen = seen.__cause__ or seen.__context__
    return None
