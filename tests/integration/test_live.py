"""Live notices (``core/live.py``): through this process's hub, and across workers through a
real Redis: two hubs with a relay each stand for two backend workers.

A Redis restart is a real one (``tests/support/backend.RedisServer``): the relays reconnect and
tell every subscriber to catch up from the database.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator

import pytest
import redis

from aixplore.core import live
from aixplore.core.live import RESYNC, Hub, RedisRelay, Subscription
from tests.support.backend import RedisServer


def _channel() -> str:
    return f"test:{uuid.uuid4().hex}"


async def _next(sub: Subscription, seconds: float = 5.0) -> dict | None:
    """The next notice other than a resync."""
    while True:
        item = await sub.get(seconds)
        if item != RESYNC:
            return item


def test_a_notice_reaches_every_subscriber_of_its_channel_and_no_other() -> None:
    async def scenario() -> None:
        hub = Hub()
        loop = asyncio.get_running_loop()
        first, second, other = (Subscription([c], loop) for c in ("a", "a", "b"))
        for sub in (first, second, other):
            hub.add(sub)
        hub.deliver("a", {"seq": 1})
        assert await first.get(1) == {"seq": 1}
        assert await second.get(1) == {"seq": 1}
        assert await other.get(0.05) is None
        hub.remove(first)
        hub.deliver("a", {"seq": 2})
        assert await first.get(0.05) is None
        assert await second.get(1) == {"seq": 2}

    asyncio.run(scenario())


def test_a_subscriber_far_behind_is_told_to_catch_up_instead_of_queueing_without_end() -> None:
    async def scenario() -> None:
        hub = Hub()
        sub = Subscription(["a"], asyncio.get_running_loop())
        hub.add(sub)
        for seq in range(live.QUEUE_MAX + 5):
            hub.deliver("a", {"seq": seq})
        received = []
        while (item := await sub.get(0.05)) is not None:
            received.append(item)
        assert RESYNC in received
        assert len(received) <= live.QUEUE_MAX

    asyncio.run(scenario())


def test_publish_without_redis_reaches_this_process_subscribers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(live, "get_redis", lambda: None)
    channel = _channel()

    async def scenario() -> None:
        async with live.subscribe(channel) as sub:
            live.publish(channel, {"seq": 7})
            assert await sub.get(1) == {"seq": 7}
        assert live.hub().count() == 0

    asyncio.run(scenario())


class _Workers:
    """Two workers' hubs, each with its own relay on one Redis."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.hubs = (Hub(), Hub())
        self.relays = tuple(RedisRelay(url, hub) for hub in self.hubs)
        for relay in self.relays:
            assert relay.connected.wait(10), "the relay did not connect"
        self.client = redis.Redis.from_url(url)

    def publish(self, channel: str, payload: str) -> int:
        return int(self.client.publish(live.PREFIX + channel, payload))  # type: ignore[arg-type]

    def close(self) -> None:
        for relay in self.relays:
            relay.close()
        self.client.close()


@pytest.fixture
def workers(redis_url: str) -> Iterator[_Workers]:
    made = _Workers(redis_url)
    yield made
    made.close()


def test_a_notice_sent_on_one_worker_reaches_subscribers_on_both(workers: _Workers) -> None:
    channel = _channel()

    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        on_a, on_b = Subscription([channel], loop), Subscription([channel], loop)
        workers.hubs[0].add(on_a)
        workers.hubs[1].add(on_b)
        assert workers.publish(channel, '{"seq": 1}') >= 2  # a listener per worker
        assert await _next(on_a) == {"seq": 1}
        assert await _next(on_b) == {"seq": 1}
        workers.publish(channel, "not json")
        workers.publish(channel, '{"seq": 2}')
        assert await _next(on_b) == {"seq": 2}

    asyncio.run(scenario())


def test_after_a_redis_restart_the_relay_listens_again_and_subscribers_catch_up() -> None:
    server = RedisServer()
    server.start()
    made = _Workers(server.url)
    channel = _channel()
    try:

        async def scenario() -> None:
            sub = Subscription([channel], asyncio.get_running_loop())
            made.hubs[1].add(sub)
            while await sub.get(0.05) is not None:  # the resync of the first connection
                pass
            server.restart()
            # The relay noticed, reconnected, and says that notices may have been missed.
            assert await sub.get(15) == RESYNC
            client = redis.Redis.from_url(server.url)
            try:
                client.publish(live.PREFIX + channel, '{"seq": 9}')
            finally:
                client.close()
            assert await _next(sub) == {"seq": 9}

        asyncio.run(scenario())
    finally:
        made.close()
        server.kill()
