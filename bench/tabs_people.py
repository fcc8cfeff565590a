"""The many-tabs benchmark's data: members with open sessions, their conversations, pushes.

Imported after the benchmark has pointed the settings at its throwaway database. Members are
inserted in bulk (verified, no password: they never sign in with one) and each gets a session
as a sign-in opens one (``accounts.sessions``: only the token's digest is stored).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, insert, text
from sqlmodel import col, select

from aixplore.core.db import read_scope, session_scope
from aixplore.core.security import new_token, token_digest
from aixplore.core.time import utcnow
from aixplore.domain import tables  # noqa: F401
from aixplore.domain.accounts.models import PlatformRole, User, UserSession
from aixplore.domain.messaging.models import Conversation, ConversationMember, Message
from aixplore.domain.notifications.services import notify

_made = 0


def make_people(count: int, tag: str) -> list[tuple[int, str]]:
    """``count`` verified members, each with an open session: (user id, raw session token)."""
    global _made
    _made += 1
    prefix = f"tabs-{tag}-{_made}-"
    now = utcnow()
    with session_scope() as db:
        db.execute(
            insert(User),
            [
                {
                    "email": f"{prefix}{n}@bench.invalid",
                    "display_name": f"{tag.title()} {n}",
                    "bio": "",
                    "role": PlatformRole.MEMBER,
                    "email_verified_at": now,
                    "created_at": now,
                }
                for n in range(count)
            ],
        )
    with read_scope() as db:
        rows = db.exec(select(User.id, User.email).where(col(User.email).startswith(prefix))).all()
    ids = [uid for uid, _ in sorted(rows, key=lambda r: int(r[1][len(prefix) :].split("@")[0]))]
    tokens = [new_token() for _ in ids]
    with session_scope() as db:
        db.execute(
            insert(UserSession),
            [
                {
                    "user_id": uid,
                    "token_hash": token_digest(raw),
                    "provider": "password",
                    "ip": "bench",
                    "user_agent": "bench/tabs",
                    "created_at": now,
                    "last_seen_at": now,
                    "expires_at": now + timedelta(days=1),
                }
                for uid, raw in zip(ids, tokens, strict=True)
            ],
        )
    return [(uid or 0, raw) for uid, raw in zip(ids, tokens, strict=True)]


def make_pairs(count: int) -> list[tuple[int, str, int, str, int]]:
    """``count`` conversations of two new members each: (conversation, token a, id a, token b,
    id b)."""
    people = make_people(2 * count, "chat")
    pairs = []
    with session_scope() as db:
        for k in range(count):
            (a, token_a), (b, token_b) = people[2 * k], people[2 * k + 1]
            talk = Conversation(kind="group", title=f"Pair {k}", created_by=a)
            db.add(talk)
            db.flush()
            for uid in (a, b):
                db.add(ConversationMember(conversation_id=talk.id or 0, user_id=uid))
            pairs.append((talk.id or 0, token_a, a, token_b, b))
    return pairs


def notify_one(user_id: int) -> None:
    """One notification for ``user_id``, committed (and so pushed) as the app does."""
    with session_scope() as db:
        notify(db, user_id, "follow", "Someone followed you", link="/notifications")


def stored_count(conversations: list[int]) -> int:
    """Messages stored in these conversations."""
    with read_scope() as db:
        found = db.exec(
            select(func.count()).where(col(Message.conversation_id).in_(conversations))
        ).one()
    return int(found)


def pg_transactions() -> int:
    """Transactions PostgreSQL has finished in this database so far (every client's)."""
    with read_scope() as db:
        found = db.execute(
            text(
                "SELECT xact_commit + xact_rollback FROM pg_stat_database "
                "WHERE datname = current_database()"
            )
        ).scalar_one()
    return int(found)
