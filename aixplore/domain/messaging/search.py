"""Search in one's own conversations: the words a member typed find the messages they can read.

The query joins the searcher's own memberships, so a conversation they are not in can never
match, and leaves out what their pages leave out (deleted and hidden messages, people they
blocked). A case-insensitive substring match (``ILIKE`` on PostgreSQL, ``LIKE`` on SQLite),
newest first: a member's conversations hold few enough messages for that to stay quick.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, col, select

from aixplore.core.errors import ValidationFailed
from aixplore.domain.accounts.models import Actor, User
from aixplore.domain.accounts.services import require_actor
from aixplore.domain.messaging.models import Conversation, ConversationMember, Message
from aixplore.domain.messaging.services import conversation_titles
from aixplore.domain.relations.models import Block

QUERY_MIN, QUERY_MAX = 2, 100
RESULTS_MAX = 50
EXCERPT = 160


class MessageHit(BaseModel):
    """One message that matched, where it is, and a piece of it around the match."""

    conversation_id: int
    conversation_title: str
    seq: int
    sender_name: str
    excerpt: str
    created_at: datetime


def _query(value: Any) -> str:
    if not isinstance(value, str) or not QUERY_MIN <= len(value.strip()) <= QUERY_MAX:
        raise ValidationFailed(f"Search for {QUERY_MIN} to {QUERY_MAX} characters.")
    return value.strip()


def _excerpt(body: str, words: str) -> str:
    at = body.lower().find(words.lower())
    start = max(0, at - EXCERPT // 3) if at >= 0 else 0
    piece = body[start : start + EXCERPT]
    return ("…" if start else "") + piece + ("…" if start + EXCERPT < len(body) else "")


def search_my_messages(
    session: Session, actor: Actor | None, query: Any, *, limit: Any = 20
) -> list[MessageHit]:
    """Messages in the actor's own conversations that contain ``query``, newest first."""
    actor = require_actor(actor)
    words = _query(query)
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= RESULTS_MAX:
        raise ValidationFailed(f"Ask for 1 to {RESULTS_MAX} results.")
    escaped = words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    blocked = select(Block.blocked_id).where(Block.blocker_id == actor.user_id)
    rows = session.exec(
        select(Message, Conversation, User.display_name)
        .join(
            ConversationMember,
            (col(ConversationMember.conversation_id) == Message.conversation_id)
            & (col(ConversationMember.user_id) == actor.user_id),
        )
        .join(Conversation, col(Conversation.id) == Message.conversation_id)
        .join(User, col(User.id) == Message.sender_id)
        .where(
            col(Message.body).ilike(f"%{escaped}%", escape="\\"),
            col(Message.deleted_at).is_(None),
            col(Message.hidden_at).is_(None),
            col(Message.sender_id).not_in(blocked),
        )
        .order_by(col(Message.id).desc())
        .limit(limit)
    ).all()
    titles = conversation_titles(session, actor, list({c.id: c for _m, c, _n in rows}.values()))
    return [
        MessageHit(
            conversation_id=message.conversation_id,
            conversation_title=titles.get(message.conversation_id, conversation.title),
            seq=message.seq,
            sender_name=name,
            excerpt=_excerpt(message.body, words),
            created_at=message.created_at,
        )
        for message, conversation, name in rows
    ]
