"""The read-through cache and read-only scopes."""

from __future__ import annotations

import sqlite3

from sqlmodel import Session, create_engine, select

from aixplore.core import db
from aixplore.core.cache import cached, invalidate
from aixplore.core.db import read_scope, session_scope
from aixplore.domain.accounts.models import User
from tests.factories import make_member


def test_cached_values_are_reused_until_invalidated() -> None:
    invalidate()
    calls: list[int] = []

    def compute() -> dict:
        calls.append(1)
        return {"n": len(calls)}

    assert cached("test:key", 60, compute) == {"n": 1}
    assert cached("test:key", 60, compute) == {"n": 1}
    invalidate("test:")
    assert cached("test:key", 60, compute) == {"n": 2}


def test_read_scope_sees_committed_data_and_never_writes() -> None:
    member = make_member(name="Before")
    with read_scope() as db:
        user = db.exec(select(User).where(User.id == member.id)).one()
        user.display_name = "Changed in a read scope"
        db.add(user)
        db.flush()
    with session_scope() as db:
        assert db.get_one(User, member.id).display_name == "Before"


def test_the_in_process_cache_stays_bounded_and_keeps_tombstones(monkeypatch) -> None:
    from aixplore.core import cache
    from aixplore.core.cache import entries, local, read_through

    for module in (read_through, entries):
        monkeypatch.setattr(module, "get_redis", lambda: None)
    monkeypatch.setattr(local, "LOCAL_MAX", 100)
    invalidate()
    cache.bury(["test:tomb"], 600)
    for n in range(1000):
        cached(f"test:many:{n}", 60 + n, lambda n=n: n)
    assert len(local.entries) <= 100
    assert cache.peek("test:tomb") == cache.GONE
    # The newest entries (latest to expire) are the ones kept.
    assert cache.peek("test:many:999") == 999
    invalidate()


def test_a_watched_table_retires_its_generation_on_commit_only() -> None:
    from sqlalchemy import update

    from aixplore.core import cache
    from aixplore.core.cache import generations
    from aixplore.domain.accounts.models import User

    cache.retire_on_change("test:users", "user")
    member = make_member(name="Watched")
    start = cache.generation("test:users")
    try:
        with session_scope() as db:
            db.get(User, member.id).display_name = "Renamed"  # type: ignore[union-attr]
            db.flush()
            db.rollback()
        assert cache.generation("test:users") == start
        with session_scope() as db:
            db.get(User, member.id).display_name = "Renamed"  # type: ignore[union-attr]
        assert cache.generation("test:users") == start + 1
        with session_scope() as db:  # a bulk statement is seen too
            db.exec(update(User).where(User.id == member.id).values(display_name="Again"))  # type: ignore[call-overload]
        assert cache.generation("test:users") == start + 2
    finally:
        generations.WATCHED["user"].discard("test:users")


def test_a_current_entry_is_used_until_one_of_its_generations_moves() -> None:
    from aixplore.core import cache

    invalidate()
    calls: list[int] = []

    def compute() -> dict:
        calls.append(1)
        return {"n": len(calls)}

    names = ("test:gen-a", "test:gen-b")
    assert cache.cached_current("test:current", names, 60, compute) == {"n": 1}
    assert cache.cached_current("test:current", names, 60, compute) == {"n": 1}
    cache.bump("test:gen-b")
    assert cache.cached_current("test:current", names, 60, compute) == {"n": 2}
    assert cache.cached_current("test:current", names, 60, compute) == {"n": 2}
    cache.bump("test:gen-a")
    assert cache.cached_current("test:current", names, 60, compute) == {"n": 3}
    # Another generation's bump leaves the entry alone.
    cache.bump("test:gen-unrelated")
    assert cache.cached_current("test:current", names, 60, compute) == {"n": 3}


def test_a_slow_reader_cannot_make_an_old_entry_current_again() -> None:
    """A reader that started before a bump stores what it computed under the old generation;
    readers after the bump must not take it."""
    from aixplore.core import cache

    invalidate()
    names = ("test:gen-slow",)

    def slow_old_reader() -> str:
        cache.bump("test:gen-slow")  # a writer commits while this reader computes
        return "old"

    assert cache.cached_current("test:slow", names, 60, slow_old_reader) == "old"
    assert cache.cached_current("test:slow", names, 60, lambda: "new") == "new"
    assert cache.cached_current("test:slow", names, 60, lambda: "newer") == "new"


def test_a_decoded_entry_is_shared_while_the_entry_stays_the_same() -> None:
    """With ``decode`` the decoded value is kept while the stored entry is unchanged, and
    decoded afresh once a generation moves or the entry is replaced."""
    import time

    from aixplore.core import cache

    invalidate()
    names = ("test:gen-decoded",)
    values = iter([[1, 2], [3, 4], [5, 6]])
    decoded: list[tuple[int, ...]] = []

    def decode(value: list[int]) -> tuple[int, ...]:
        decoded.append(tuple(value))
        return tuple(value)

    def read() -> tuple[int, ...]:
        return cache.cached_current("test:decoded", names, 1, lambda: next(values), decode)

    first = read()
    assert first == (1, 2)
    again = read()
    assert again is first  # the same object: neither parsed nor decoded again
    assert read() is first and len(decoded) == 1
    cache.bump("test:gen-decoded")
    assert read() == (3, 4)
    time.sleep(1.1)  # the entry expires; the next one holds other data
    assert read() == (5, 6)
    assert read() == (5, 6)


def test_a_generation_counter_that_is_gone_restarts_at_random() -> None:
    """A forgotten counter (a new process, a flushed Redis) never repeats a generation that
    something built earlier may still carry: it restarts at a random number, not at 0 or 1."""
    from aixplore.core import cache

    seen = []
    for _ in range(3):
        cache.invalidate()  # in-process: forgets the counters; on Redis: deletes them
        seen.append(cache.generation("test:gone", strict=True))
        cache.invalidate()
        cache.bump("test:gone")
        seen.append(cache.generation("test:gone"))
    assert len(set(seen)) == len(seen)
    assert min(seen) > 1_000


def test_a_probe_answers_again_only_within_the_window_it_is_given(tmp_path, monkeypatch) -> None:
    path = tmp_path / "probe.db"
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("CREATE TABLE entry (id INTEGER PRIMARY KEY)")
    writer.execute("INSERT INTO entry (id) VALUES (1)")
    sql = "SELECT max(id) FROM entry"
    clock = [1000.0]
    monkeypatch.setattr(db.time, "monotonic", lambda: clock[0])
    try:
        with Session(create_engine(f"sqlite:///{path}")) as session:
            assert db.probe(session, sql, reuse_s=0.001) == (1,)
            writer.execute("INSERT INTO entry (id) VALUES (2)")
            clock[0] += 0.001
            assert db.probe(session, sql, reuse_s=0.001) == (1,)  # the probe a moment ago
            assert db.probe(session, sql) == (2,)  # no window: SQLite is asked
            writer.execute("INSERT INTO entry (id) VALUES (3)")
            clock[0] += 0.0011
            assert db.probe(session, sql, reuse_s=0.001) == (3,)  # older than the window
    finally:
        writer.close()
        db.dispose_engines()
