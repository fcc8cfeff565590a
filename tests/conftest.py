"""Test configuration: one database per run (SQLite by default, PostgreSQL when given)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

# Settings are read once per process: fix the test environment before any app import.
_TMP = Path(tempfile.mkdtemp(prefix="aixplore-test-"))
os.environ.setdefault("AIXPLORE_ENV", "test")
os.environ.setdefault("AIXPLORE_SECRET_KEY", "test-secret-key-0123456789-abcdefghijklmnop")
os.environ.setdefault("AIXPLORE_DATA_DIR", str(_TMP / "data"))
os.environ.setdefault("AIXPLORE_DATABASE_URL", f"sqlite:///{_TMP / 'test.db'}")
os.environ.setdefault("AIXPLORE_LOG_JSON", "false")
os.environ.setdefault("AIXPLORE_LOG_LEVEL", "WARNING")

import pytest  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

from aixplore.core import cache, near_cache  # noqa: E402
from aixplore.core.db import get_engine, session_scope  # noqa: E402
from aixplore.core.redis import get_redis  # noqa: E402
from aixplore.core.settings import get_settings  # noqa: E402
from aixplore.domain import tables  # noqa: E402,F401


@pytest.fixture(scope="session", autouse=True)
def _schema() -> Iterator[None]:
    """Bring the run's database to the newest migration once."""
    from aixplore.cli import migrate

    if get_engine().dialect.name == "postgresql":
        with get_engine().begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    migrate()
    yield


# Reference data the migrations load, kept between tests.
REFERENCE_TABLES = {"category"}


def wipe_database() -> None:
    """Delete every row of every table but the reference data (children first)."""
    wiped = [t for t in reversed(SQLModel.metadata.sorted_tables) if t.name not in REFERENCE_TABLES]
    with get_engine().begin() as conn:
        if conn.dialect.name == "postgresql":
            # One round trip for all of them: before every test, on a busy CI machine, the
            # sixty round trips of one DELETE each cost about half a minute per run.
            conn.exec_driver_sql("; ".join(f'DELETE FROM "{t.name}"' for t in wiped))
            return
        for table in wiped:
            conn.execute(table.delete())


@pytest.fixture(autouse=True)
def _clean_state() -> Iterator[None]:
    """Each test starts with empty tables, rate-limit counters and caches."""
    wipe_database()
    client = get_redis()
    if client is not None:
        client.flushdb()
        # Redis announces the flush to each process's copy of the cache entries a moment
        # later; the next test must not read the last one's entries in that moment.
        near_cache.wrote(cache.PREFIX, None)
    else:
        from aixplore.core import ratelimit

        ratelimit.limiter().storage.reset()
        cache.invalidate()
    # A worker re-reads its copy of the words for typo correction in the background, a
    # moment after the catalog changed; a test's catalog is new at once.
    from aixplore.domain.solutions import search_cards, search_spelling, search_terms

    search_spelling.forget()
    search_cards.forget()
    search_terms.forget()
    from aixplore.domain.oauth import tokens

    tokens.forget_cached_keys()
    yield


@pytest.fixture
def db() -> Iterator:
    """A unit of work committed at the end of the test (like a handler's)."""
    with session_scope() as session:
        yield session


@pytest.fixture
def settings():
    """The run's settings."""
    return get_settings()
