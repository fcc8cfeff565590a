"""Real connection failures are told apart from bugs."""

from __future__ import annotations

import socket
import sqlite3
from pathlib import Path

import pytest
import redis
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from aixplore.core.outage import outage_of


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _raised(fn) -> BaseException:
    with pytest.raises(Exception) as caught:
        fn()
    return caught.value


def test_a_database_that_does_not_answer_is_an_outage() -> None:
    engine = create_engine(
        f"postgresql+psycopg://postgres@127.0.0.1:{_closed_port()}/x",
        connect_args={"connect_timeout": 2},
    )
    error = _raised(lambda: engine.connect())
    assert isinstance(error, OperationalError)
    assert outage_of(error) == "database"
    # Wrapped as a handler would see it: the outage is found down the chain.
    try:
        try:
            raise error
        except OperationalError as inner:
            raise RuntimeError("while saving") from inner
    except RuntimeError as outer:
        assert outage_of(outer) == "database"


def test_redis_that_does_not_answer_is_an_outage() -> None:
    client = redis.Redis(port=_closed_port(), socket_connect_timeout=1)
    assert outage_of(_raised(client.ping)) == "redis"


def test_a_locked_sqlite_database_is_an_outage_and_a_missing_table_a_bug(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 0.05})
    with engine.connect() as conn:
        locked = _raised(lambda: conn.execute(text("SELECT * FROM t")))
    holder.execute("ROLLBACK")
    with engine.connect() as conn:
        missing = _raised(lambda: conn.execute(text("SELECT * FROM nowhere")))
    assert outage_of(locked) == "database"
    assert outage_of(missing) is None


def test_ordinary_errors_are_not_outages() -> None:
    assert outage_of(ValueError("bad")) is None
    assert outage_of(KeyError("x")) is None
