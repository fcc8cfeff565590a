"""Each process's copy of the shared cache entries, kept current by Redis (``near_cache``).

Runs on a real Redis in both passes (``redis_url``). Another process's writes are made here
through a separate client, as Redis sees them: the copy hears of them only through Redis's
announcements.
"""

from __future__ import annotations

import socket
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any, cast

import pytest
import redis

from aixplore.core import near_cache
from aixplore.core.near_cache import NearCache
from aixplore.core.settings import get_settings


def _until(check: Callable[[], bool], seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "not within the time allowed"
        time.sleep(0.002)


class _Setup:
    def __init__(self, url: str) -> None:
        self.prefix = f"test:near:{uuid.uuid4().hex}:"
        self.near = NearCache(url, self.prefix)
        self.other = redis.Redis.from_url(url)  # another process
        _until(lambda: self.near.ready)

    def key(self, name: str) -> str:
        return self.prefix + name

    def write(self, key: str, value: bytes, **options: Any) -> None:
        """Another process writes ``key``; returns once the copy has heard of it."""
        mark = self.near.begin()
        self.other.set(key, value, **options)
        _until(lambda: self.near.begin() != mark)

    def mget(self, keys: list[str]) -> list[bytes | None]:
        return cast(list[bytes | None], self.other.mget(keys))

    def read(self, *keys: str) -> list[bytes | None]:
        """Read ``keys`` from Redis the way ``near_cache.read`` does, keeping the answer."""
        mark = self.near.begin()
        values = self.mget(list(keys))
        self.near.store(mark, keys, values)
        return values


@pytest.fixture
def setup(redis_url: str) -> Iterator[_Setup]:
    made = _Setup(redis_url)
    yield made
    made.near.close()
    made.other.close()


def test_a_read_is_answered_from_memory_until_another_process_changes_the_key(
    setup: _Setup,
) -> None:
    key = setup.key("a")
    setup.write(key, b"1")
    assert setup.read(key) == [b"1"]
    assert setup.near.lookup([key]) == [b"1"]
    setup.write(key, b"2")
    _until(lambda: setup.near.lookup([key]) is None)
    assert setup.read(key) == [b"2"]
    assert setup.near.lookup([key]) == [b"2"]


def test_an_absent_key_is_remembered_as_absent_until_it_is_written(setup: _Setup) -> None:
    key = setup.key("absent")
    assert setup.read(key) == [None]
    assert setup.near.lookup([key]) == [None]
    setup.write(key, b"now")
    _until(lambda: setup.near.lookup([key]) is None)


def test_an_expiry_and_a_delete_are_announced_too(setup: _Setup) -> None:
    short, gone = setup.key("short"), setup.key("gone")
    setup.write(short, b"x", px=200)
    setup.write(gone, b"y")
    setup.read(short, gone)
    setup.other.delete(gone)
    _until(lambda: setup.near.lookup([gone]) is None)
    time.sleep(0.25)
    assert setup.other.get(short) is None  # Redis deletes the expired key and says so
    _until(lambda: setup.near.lookup([short]) is None)


def test_a_value_that_changed_while_it_was_read_is_not_kept(setup: _Setup) -> None:
    key = setup.key("race")
    setup.write(key, b"old")
    mark = setup.near.begin()
    values = setup.mget([key])  # the read ...
    setup.other.set(key, b"new")  # ... and a change before it is kept
    _until(lambda: setup.near.begin() != mark)  # the change's announcement arrived
    setup.near.store(mark, [key], values)
    assert setup.near.lookup([key]) is None


def test_only_a_full_set_of_keys_is_answered_from_memory(setup: _Setup) -> None:
    one, two = setup.key("one"), setup.key("two")
    setup.write(one, b"1")
    setup.read(one)
    assert setup.near.lookup([one, two]) is None
    setup.read(one, two)
    assert setup.near.lookup([one, two]) == [b"1", None]


def test_keys_outside_the_prefix_are_never_kept_stale(setup: _Setup) -> None:
    # Redis announces only the prefix's keys, so nothing else may be read through the copy;
    # writes elsewhere do not disturb it.
    key = setup.key("k")
    setup.write(key, b"1")
    setup.read(key)
    setup.other.set(f"elsewhere:{uuid.uuid4().hex}", b"x")
    time.sleep(0.05)
    assert setup.near.lookup([key]) == [b"1"]


def test_this_process_s_own_write_drops_the_key_at_once_and_voids_reads_in_flight(
    setup: _Setup,
) -> None:
    key = setup.key("own")
    setup.write(key, b"1")
    setup.read(key)
    mark = setup.near.begin()
    setup.near.forget([key])
    assert setup.near.lookup([key]) is None
    setup.near.store(mark, [key], [b"1"])  # a read that began before the write
    assert setup.near.lookup([key]) is None


def test_an_entry_is_served_from_memory_for_max_age_at_most(
    setup: _Setup, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(near_cache, "MAX_AGE", 0.05)
    key = setup.key("aged")
    setup.read(key)
    assert setup.near.lookup([key]) == [None]
    time.sleep(0.08)
    assert setup.near.lookup([key]) is None


def test_a_flush_empties_the_copy(setup: _Setup) -> None:
    key = setup.key("flushed")
    setup.write(key, b"1")
    setup.read(key)
    setup.other.flushdb()
    _until(lambda: setup.near.lookup([key]) is None)


def test_a_lost_connection_empties_the_copy_and_listening_starts_again(setup: _Setup) -> None:
    key = setup.key("lost")
    setup.write(key, b"1")
    setup.read(key)
    first = setup.near.client_id
    assert first is not None
    setup.other.client_kill_filter(_id=str(first))
    _until(lambda: setup.near.ready and setup.near.client_id != first)
    # Whatever was kept before is gone: changes made while nobody listened were not heard.
    assert setup.near.lookup([key]) is None
    setup.write(key, b"2")
    assert setup.read(key) == [b"2"]
    assert setup.near.lookup([key]) == [b"2"]


def test_without_redis_nothing_is_kept_and_every_read_goes_to_redis() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens there
    near = NearCache(f"redis://127.0.0.1:{port}/0", "test:near:down:")
    try:
        time.sleep(0.2)
        assert not near.ready
        assert near.begin() == -1
        near.store(near.begin(), ["test:near:down:k"], [b"1"])
        assert near.lookup(["test:near:down:k"]) is None
    finally:
        near.close()


class _CountingClient:
    def __init__(self, client: redis.Redis) -> None:
        self.client = client
        self.reads = 0

    def mget(self, keys: list[str]) -> Any:
        self.reads += 1
        return self.client.mget(keys)


def test_the_cache_module_s_reads_and_writes_go_through_the_copy(
    setup: _Setup, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(near_cache, "in_use", lambda prefix: setup.near)
    counting = _CountingClient(setup.other)
    client: Any = counting
    key = setup.key("wired")
    setup.write(key, b"1")
    assert near_cache.read(client, setup.prefix, [key]) == [b"1"]
    assert near_cache.read(client, setup.prefix, [key]) == [b"1"]
    assert counting.reads == 1  # the second read came from memory
    setup.write(key, b"2")
    near_cache.wrote(setup.prefix, [key])  # as after this process's own write
    assert near_cache.read(client, setup.prefix, [key]) == [b"2"]
    assert counting.reads == 2
    near_cache.wrote(setup.prefix, None)
    assert setup.near.lookup([key]) is None


def test_the_setting_turns_the_copy_off(redis_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = get_settings()
    monkeypatch.setattr(settings, "redis_url", redis_url)
    monkeypatch.setattr(settings, "redis_near_cache", False)
    assert near_cache.in_use("test:near:off:") is None
    monkeypatch.setattr(settings, "redis_near_cache", True)
    try:
        near = near_cache.in_use("test:near:off:")
        assert near is not None and near.url == redis_url
        assert near_cache.in_use("test:near:off:") is near  # one per process
    finally:
        near_cache.close_all()
    monkeypatch.setattr(settings, "redis_url", None)
    assert near_cache.in_use("test:near:off:") is None
