"""Notification preferences, digests and message search: what they cost.

``.venv/bin/python bench/notifications.py [--users 2000] [--messages 20000]`` against the
database ``AIXPLORE_DATABASE_URL`` names (use a scratch one: it adds users, notifications and
messages). Prints:

- ``notify()`` per call, for a user without settings and for one who wants the kind by mail
  (the settings row read and the mail queued in the outbox);
- one digest run for ``--users`` users with a daily digest and 5 unread notifications each
  (every digest due: the worst quarter hour);
- search in one's own conversations: a member in 20 conversations holding ``--messages``
  messages between them, p50/p95 of 50 searches for a word in 1 % of them.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, update
from sqlmodel import col, select

from aixplore.cli import migrate
from aixplore.core.db import read_scope, session_scope
from aixplore.core.time import utcnow
from aixplore.domain import tables  # noqa: F401
from aixplore.domain.accounts.models import Actor, PlatformRole, User
from aixplore.domain.messaging import search
from aixplore.domain.messaging.models import Conversation, ConversationMember, Message
from aixplore.domain.notifications import digest
from aixplore.domain.notifications.models import Notification, NotificationSettings
from aixplore.domain.notifications.services import notify


def _users(count: int, tag: str) -> list[int]:
    with session_scope() as db:
        rows = [
            {
                "email": f"{tag}-{n}@bench.example",
                "display_name": f"Reader {n}",
                "password_hash": "x",
                "role": PlatformRole.MEMBER,
                "bio": "",
                "created_at": utcnow(),
            }
            for n in range(count)
        ]
        db.execute(insert(User), rows)
    with read_scope() as db:
        found = db.exec(select(User.id).where(col(User.email).like(f"{tag}-%"))).all()
    return sorted(u for u in found if u is not None)


def _actor(user_id: int) -> Actor:
    return Actor(user_id=user_id, email="", display_name="Bench", role=PlatformRole.MEMBER)


def _notify_cost(users: list[int]) -> None:
    with session_scope() as db:
        db.add(NotificationSettings(user_id=users[1], channels={"order": "email"}))
    for label, uid in (("no settings", users[0]), ("by mail", users[1])):
        took = []
        for n in range(200):
            started = time.perf_counter()
            with session_scope() as db:
                notify(db, uid, "order", f"Order {n} moved", link="/orders")
            took.append((time.perf_counter() - started) * 1000)
        print(f"notify(), {label}: p50 {statistics.median(took):.2f} ms per call (with commit)")


def _digest_cost(users: list[int]) -> None:
    since = utcnow() - timedelta(hours=1)
    with session_scope() as db:
        db.execute(
            insert(NotificationSettings),
            [
                {
                    "user_id": u,
                    "digest": "daily",
                    "digest_since": since,
                    "timezone": "UTC",
                    "digest_period": "",
                }
                for u in users
            ],
        )
        db.execute(
            insert(Notification),
            [
                {
                    "user_id": u,
                    "kind": "follow",
                    "title": f"Someone {k} followed you",
                    "created_at": utcnow(),
                    "group_key": "",
                }
                for u in users
                for k in range(5)
            ],
        )
    at = utcnow().replace(hour=9, minute=0)
    started = time.perf_counter()
    with session_scope() as db:
        sent = digest.do_send_digests(db, at)
    took = time.perf_counter() - started
    print(f"digest run: {sent} digests claimed and queued in {took:.2f} s")


def _search_cost(members: list[int], total: int) -> None:
    me = members[0]
    with session_scope() as db:
        talks = []
        for n in range(20):
            talk = Conversation(kind="group", title=f"Bench {n}", last_seq=total // 20)
            db.add(talk)
            db.flush()
            talks.append(talk.id or 0)
            db.add(ConversationMember(conversation_id=talk.id or 0, user_id=me))
            db.add(ConversationMember(conversation_id=talk.id or 0, user_id=members[1]))
        rows = []
        for i in range(total):
            word = "pelican" if i % 100 == 0 else "ordinary"
            rows.append(
                {
                    "conversation_id": talks[i % 20],
                    "seq": i // 20 + 1,
                    "changed_seq": i // 20 + 1,
                    "sender_id": members[1],
                    "body": f"message {i} about the {word} plan",
                    "created_at": utcnow(),
                    "image_path": "",
                    "image_width": 0,
                    "image_height": 0,
                }
            )
        db.execute(insert(Message), rows)
    took = []
    for _ in range(50):
        started = time.perf_counter()
        with read_scope() as db:
            hits = search.search_my_messages(db, _actor(me), "Pelican")
        took.append((time.perf_counter() - started) * 1000)
    took.sort()
    print(
        f"search over {total:,} messages in 20 conversations ({len(hits)} shown): "
        f"p50 {statistics.median(took):.1f} ms, p95 {took[int(len(took) * 0.95)]:.1f} ms"
    )


def main() -> None:
    """Run the three measurements and print them."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--messages", type=int, default=20000)
    args = parser.parse_args()
    migrate()
    tag = uuid.uuid4().hex[:8]
    users = _users(args.users, tag)
    _notify_cost(users)
    with session_scope() as db:  # the notify() calls above are not part of the digest
        db.execute(
            update(Notification)
            .where(col(Notification.user_id).in_(users[:2]))
            .values(read_at=utcnow())
        )
    _digest_cost(users[2:])
    _search_cost(users, args.messages)


if __name__ == "__main__":
    main()
