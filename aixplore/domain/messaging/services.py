"""Start conversations, list them, accept requests, mute; who may reach whom.

Every function takes the signed-in ``actor`` and checks that they belong to the conversation:
a conversation someone is not in does not exist for them (NotFound), through the socket and the
API alike. Blocks apply both ways: nobody starts a conversation with someone who blocked them
or whom they blocked. Someone who does not follow the starter gets the conversation as a
request, which they accept (or answer) before it joins their list.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, func, or_
from sqlmodel import Session, col, select

from aixplore.core import ratelimit
from aixplore.core.errors import NotFound, PermissionDenied, ValidationFailed
from aixplore.domain.accounts.models import Actor, User
from aixplore.domain.accounts.services import require_actor
from aixplore.domain.messaging.group_chat import check_group_member
from aixplore.domain.messaging.models import (
    GROUP_MAX,
    TITLE_MAX,
    Conversation,
    ConversationMember,
    ConversationSummary,
    Message,
    MessagingSettings,
)
from aixplore.domain.relations.models import Block
from aixplore.domain.relations.services import follows
from aixplore.domain.social.handles import resolve_handle

START_LIMIT = "20/hour"  # new conversations a person may start
LIST_MAX = 50


def conversation_id(value: Any) -> int:
    """A conversation id from outside (a URL, a handler argument), or NotFound."""
    if isinstance(value, str) and value.isdigit() and len(value) < 19:
        value = int(value)
    if (
        isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31
    ):  # a 32-bit column
        return value
    raise NotFound("No such conversation.")


_HELD = "aixplore_messaging_held"  # session.info: rows this unit of work reads again


def membership(session: Session, actor: Actor | None, value: Any) -> ConversationMember:
    """The actor's place in conversation ``value``; NotFound when they are not in it.

    The member and conversation rows (one statement) stay referenced for the rest of the unit
    of work: the session's identity map holds rows only weakly, and a catch-up reads both again
    three times (the changes, their cursor, the read mark), a statement each time they had been
    dropped.
    """
    actor = require_actor(actor)
    cid = conversation_id(value)
    row = session.exec(
        select(ConversationMember, Conversation)
        .join(Conversation, col(Conversation.id) == ConversationMember.conversation_id)
        .where(
            ConversationMember.conversation_id == cid, ConversationMember.user_id == actor.user_id
        )
    ).first()  # both rows in one statement; session.get() finds them in the identity map
    if row is None:
        raise NotFound("No such conversation.")
    member, found = row
    session.info.setdefault(_HELD, []).extend(row)
    check_group_member(session, found, actor.user_id)  # a group's chat: its members only
    return member


def blocked_between(session: Session, one: int, other: int) -> bool:
    """Whether either person blocked the other (one statement)."""
    either = or_(
        and_(col(Block.blocker_id) == one, col(Block.blocked_id) == other),
        and_(col(Block.blocker_id) == other, col(Block.blocked_id) == one),
    )
    return session.exec(select(Block.blocker_id).where(either).limit(1)).first() is not None


def _person(session: Session, actor: Actor, handle: Any) -> int:
    profile, _ = resolve_handle(session, handle)
    if profile.user_id == actor.user_id:
        raise ValidationFailed("Pick someone other than yourself.", field="people")
    if blocked_between(session, actor.user_id, profile.user_id):
        raise PermissionDenied(f"You cannot message @{profile.handle}.")
    return profile.user_id


def _join(session: Session, conversation: Conversation, starter: int, user_id: int) -> None:
    status = "active" if user_id == starter or follows(session, user_id, starter) else "request"
    session.add(
        ConversationMember(conversation_id=conversation.id or 0, user_id=user_id, status=status)
    )


def do_start_direct(session: Session, actor: Actor | None, handle: Any) -> int:
    """The actor's one-to-one conversation with ``handle`` (started if there is none yet)."""
    actor = require_actor(actor)
    other = _person(session, actor, handle)
    key = f"{min(actor.user_id, other)}:{max(actor.user_id, other)}"
    found = session.exec(select(Conversation).where(Conversation.direct_key == key)).first()
    if found is not None and found.id is not None:
        return found.id
    ratelimit.hit(START_LIMIT, "conversation", str(actor.user_id), message=_TOO_MANY)
    conversation = Conversation(kind="direct", direct_key=key, created_by=actor.user_id)
    session.add(conversation)
    session.flush()
    for user_id in (actor.user_id, other):
        _join(session, conversation, actor.user_id, user_id)
    session.flush()
    return conversation.id or 0


_TOO_MANY = "You started many conversations in a short time; try again later."


def do_start_group(session: Session, actor: Actor | None, title: Any, handles: Any) -> int:
    """Start a group conversation named ``title`` with the people ``handles`` name."""
    actor = require_actor(actor)
    if not isinstance(title, str) or not 1 <= len(title.strip()) <= TITLE_MAX:
        raise ValidationFailed(f"Name the group in 1 to {TITLE_MAX} characters.", field="title")
    if not isinstance(handles, list) or not all(isinstance(h, str) for h in handles):
        raise ValidationFailed("List the people by their handles.", field="people")
    wanted = list(dict.fromkeys(h.strip().removeprefix("@").lower() for h in handles if h.strip()))
    if not 1 <= len(wanted) <= GROUP_MAX - 1:
        raise ValidationFailed(
            f"A group has 2 to {GROUP_MAX} people, you included.", field="people"
        )
    others = list(dict.fromkeys(_person(session, actor, h) for h in wanted))
    ratelimit.hit(START_LIMIT, "conversation", str(actor.user_id), message=_TOO_MANY)
    conversation = Conversation(kind="group", title=title.strip(), created_by=actor.user_id)
    session.add(conversation)
    session.flush()
    for user_id in [actor.user_id, *others]:
        _join(session, conversation, actor.user_id, user_id)
    session.flush()
    return conversation.id or 0


def conversation_titles(
    session: Session, actor: Actor, conversations: list[Conversation]
) -> dict[int, str]:
    """Group titles, and for a one-to-one conversation the other person's name."""
    direct = [c.id for c in conversations if c.kind == "direct"]
    names = dict(
        session.exec(
            select(ConversationMember.conversation_id, User.display_name)
            .join(User, col(User.id) == ConversationMember.user_id)
            .where(
                col(ConversationMember.conversation_id).in_(direct),
                ConversationMember.user_id != actor.user_id,
            )
        ).all()
    )
    return {c.id or 0: c.title or names.get(c.id or 0, "Conversation") for c in conversations}


def list_conversations(
    session: Session, actor: Actor | None, *, requests: bool = False
) -> list[ConversationSummary]:
    """The actor's conversations (or message requests), the latest active first."""
    actor = require_actor(actor)
    rows = session.exec(
        select(Conversation, ConversationMember)
        .join(ConversationMember, col(ConversationMember.conversation_id) == Conversation.id)
        .where(
            ConversationMember.user_id == actor.user_id,
            ConversationMember.status == ("request" if requests else "active"),
        )
        .order_by(col(Conversation.last_seq) == 0, col(Conversation.last_message_at).desc())
        .limit(LIST_MAX)
    ).all()
    ids = [c.id for c, _ in rows]
    unread = _unread(session, actor, rows)
    sizes = dict(
        session.exec(
            select(ConversationMember.conversation_id, func.count())
            .where(col(ConversationMember.conversation_id).in_(ids))
            .group_by(col(ConversationMember.conversation_id))
        ).all()
    )
    titles = conversation_titles(session, actor, [c for c, _ in rows])
    return [
        ConversationSummary(
            id=c.id or 0,
            kind=c.kind,
            title=titles[c.id or 0],
            status=m.status,
            muted=m.muted,
            unread=unread.get(c.id or 0, 0),
            members=sizes.get(c.id or 0, 0),
            last_seq=c.last_seq,
            last_message_at=c.last_message_at,
        )
        for c, m in rows
    ]


def _unread(session: Session, actor: Actor, rows: Any) -> dict[int, int]:
    """Messages from others after each conversation's last read one (counted where behind)."""
    behind = [(c.id, m.last_read_seq) for c, m in rows if c.last_seq > m.last_read_seq]
    if not behind:
        return {}
    counts: dict[int, int] = {}
    for cid, read in behind:
        counts[cid] = session.exec(
            select(func.count())
            .select_from(Message)
            .where(
                Message.conversation_id == cid,
                col(Message.seq) > read,
                Message.sender_id != actor.user_id,
                col(Message.deleted_at).is_(None),
            )
        ).one()
    return counts


def get_summary(session: Session, actor: Actor | None, value: Any) -> ConversationSummary:
    """One of the actor's conversations as their list shows it."""
    member = membership(session, actor, value)
    conversation = session.get(Conversation, member.conversation_id)
    assert conversation is not None  # the member row cascades from it
    actor = require_actor(actor)
    size = session.exec(
        select(func.count())
        .select_from(ConversationMember)
        .where(ConversationMember.conversation_id == member.conversation_id)
    ).one()
    return ConversationSummary(
        id=member.conversation_id,
        kind=conversation.kind,
        title=conversation_titles(session, actor, [conversation])[member.conversation_id],
        status=member.status,
        muted=member.muted,
        unread=_unread(session, actor, [(conversation, member)]).get(member.conversation_id, 0),
        members=size,
        last_seq=conversation.last_seq,
        last_message_at=conversation.last_message_at,
    )


def do_accept(session: Session, actor: Actor | None, value: Any) -> None:
    """Move a message request into the actor's conversations."""
    member = membership(session, actor, value)
    if member.status != "active":
        member.status = "active"
        session.add(member)
        session.flush()


def do_set_muted(session: Session, actor: Actor | None, value: Any, muted: Any) -> None:
    """Mute or unmute a conversation (it stays in the list, without counting as unread)."""
    if not isinstance(muted, bool):
        raise ValidationFailed("Say whether to mute the conversation.")
    member = membership(session, actor, value)
    member.muted = muted
    session.add(member)
    session.flush()


def read_receipts_on(session: Session, user_id: int) -> bool:
    """Whether ``user_id`` shares how far they have read."""
    found = session.get(MessagingSettings, user_id)
    return True if found is None else found.read_receipts


def do_set_read_receipts(session: Session, actor: Actor | None, on: Any) -> None:
    """Share read receipts, or stop (and see nobody else's, as is fair)."""
    actor = require_actor(actor)
    if not isinstance(on, bool):
        raise ValidationFailed("Say whether to send read receipts.")
    found = session.get(MessagingSettings, actor.user_id) or MessagingSettings(
        user_id=actor.user_id
    )
    found.read_receipts = on
    session.add(found)
    session.flush()


def unread_total(session: Session, actor: Actor | None) -> int:
    """Unread messages over the actor's unmuted conversations (the menu's count)."""
    return sum(c.unread for c in list_conversations(session, actor) if not c.muted)
