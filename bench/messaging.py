"""Messaging benchmark: live delivery across two workers, and catch-up after 1,000 missed.

``.venv/bin/python bench/messaging.py [--messages 300]`` against the database
``AIXPLORE_DATABASE_URL`` names and the Redis ``AIXPLORE_REDIS_URL`` names (required: the point
is delivery through Redis pub/sub). Two hubs, each with its own Redis relay thread
(``core/live.py``), stand for two backend workers; a member on each is subscribed to their
channel. A third member sends ``--messages`` messages to the group through
``domain/messaging/messages.do_send`` (committed, then announced), one at a time; for each,
the time from the send's start until *both* subscribers have the notice and have read the new
message from the database (``read_changes``, what an open page does) is recorded. Prints p50,
p95 and max in milliseconds and the number lost (expected 0). Then one subscriber "misses"
1,000 messages and catches up from its last sequence: prints how long that read takes.
Use a scratch database: it adds three users and their conversation.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aixplore.cli import migrate
from aixplore.core import live
from aixplore.core.db import session_scope
from aixplore.core.live import RESYNC, Hub, RedisRelay, Subscription
from aixplore.core.settings import get_settings
from aixplore.domain import tables  # noqa: F401
from aixplore.domain.accounts.models import Actor, PlatformRole, User
from aixplore.domain.messaging import messages
from aixplore.domain.messaging import services as conversations
from aixplore.domain.messaging.models import Conversation, ConversationMember


def _people() -> tuple[list[Actor], int]:
    tag = uuid.uuid4().hex[:8]
    actors = []
    with session_scope() as db:
        for name in ("Sender", "Reader A", "Reader B"):
            user = User(email=f"msg-bench-{tag}-{len(actors)}@bench.invalid", display_name=name)
            db.add(user)
            db.flush()
            actors.append(
                Actor(
                    user_id=user.id or 0,
                    email=user.email,
                    display_name=name,
                    role=PlatformRole.MEMBER,
                )
            )
        group = Conversation(kind="group", title=f"Bench {tag}", created_by=actors[0].user_id)
        db.add(group)
        db.flush()
        for actor in actors:
            db.add(ConversationMember(conversation_id=group.id or 0, user_id=actor.user_id))
    return actors, group.id or 0


async def _deliver(count: int, actors: list[Actor], group: int, url: str) -> None:
    hubs = (Hub(), Hub())
    relays = [RedisRelay(url, hub) for hub in hubs]
    for relay in relays:
        assert relay.connected.wait(10), "the relay did not connect"
    loop = asyncio.get_running_loop()
    subs = [Subscription([live.user_channel(a.user_id)], loop) for a in actors[1:]]
    for hub, sub in zip(hubs, subs, strict=True):
        hub.add(sub)
    cursors = [0, 0]
    timings, lost = [], 0

    async def receive(i: int, reader: Actor) -> None:
        while True:
            item = await subs[i].get(5)
            if item is None:
                raise TimeoutError
            if item != RESYNC:
                break
        with session_scope() as db:
            batch = messages.read_changes(db, reader, group, after=cursors[i])
        cursors[i] = batch.cursor

    for n in range(count):
        started = time.perf_counter()
        waiting = [asyncio.create_task(receive(i, r)) for i, r in enumerate(actors[1:])]
        await asyncio.to_thread(_send, actors[0], group, f"message {n}")
        try:
            await asyncio.gather(*waiting)
        except TimeoutError:
            lost += 1
            continue
        timings.append((time.perf_counter() - started) * 1000)
    for relay in relays:
        relay.close()
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(
        f"delivery to both workers' subscribers ({count} messages): p50 "
        f"{statistics.median(timings):.1f} ms, p95 {p95:.1f} ms, max {timings[-1]:.1f} ms, "
        f"lost {lost}"
    )


def _send(actor: Actor, group: int, body: str) -> None:
    with session_scope() as db:
        messages.do_send(db, actor, group, body)


def _catch_up(actors: list[Actor], group: int, missed: int) -> None:
    with session_scope() as db:
        last_seen = conversations.get_summary(db, actors[1], group).last_seq
    for n in range(missed):
        _send(actors[0], group, f"missed {n}")
    started = time.perf_counter()
    got, cursor, more = 0, last_seen, True
    while more:
        with session_scope() as db:
            batch = messages.read_changes(db, actors[1], group, after=cursor)
        got, cursor, more = got + len(batch.items), batch.cursor, batch.more
    took = (time.perf_counter() - started) * 1000
    print(f"catch-up of {got} missed messages: {took:.1f} ms")
    assert got == missed


def main() -> None:
    """Run both measurements and print them."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--missed", type=int, default=1_000)
    args = parser.parse_args()
    url = get_settings().redis_url
    if not url:
        sys.exit("set AIXPLORE_REDIS_URL: delivery is measured through Redis pub/sub")
    messages.SEND_LIMIT = "1000000/minute"  # one sender, many messages: not a flood here
    migrate()
    actors, group = _people()
    asyncio.run(_deliver(args.messages, actors, group, url))
    _catch_up(actors, group, args.missed)


if __name__ == "__main__":
    main()
