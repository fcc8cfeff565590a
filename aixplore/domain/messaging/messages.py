"""Send, read, edit and delete messages; read receipts and typing.

Every change is written first, with the conversation's next sequence number, and announced to
the members' live channels only once it is committed (``core/live.py``). A member's page then
reads what changed after the last sequence it saw (:func:`read_changes`), so a notice that never
arrives (a worker died, Redis restarted) costs nothing but a moment: the next read or reconnect
catches up. Typing is the one thing announced without being stored: it is stale in seconds.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from aixplore.core import live, ratelimit
from aixplore.core.errors import NotFound, PermissionDenied, ValidationFailed
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import Actor, User
from aixplore.domain.accounts.services import require_actor
from aixplore.domain.messaging.group_chat import check_may_send
from aixplore.domain.messaging.models import (
    BODY_MAX,
    Conversation,
    ConversationMember,
    Message,
    MessageBatch,
    MessagePublic,
    MessagingSettings,
    Receipt,
)
from aixplore.domain.messaging.services import blocked_between, membership, read_receipts_on
from aixplore.domain.relations.models import Block
from aixplore.domain.solutions.media import store_message_image

SEND_LIMIT = "30/minute"  # messages a person may send
TYPING_LIMIT = "30/minute"
EDIT_WINDOW = timedelta(minutes=15)  # edits and deletes for everyone, after sending
PAGE_MAX = 100
CHANGES_MAX = 500


def _seq(value: Any, what: str) -> int:
    if (
        isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**31
    ):  # 32-bit columns
        return value
    raise ValidationFailed(f"That {what} does not exist.")


def _body(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationFailed("Write a message first.", field="body")
    body = value.strip()
    if len(body) > BODY_MAX:
        raise ValidationFailed(
            f"A message holds at most {BODY_MAX} characters; this one has {len(body)}.",
            field="body",
        )
    return body


def _members(session: Session, conversation_id: int) -> list[int]:
    return list(
        session.exec(
            select(ConversationMember.user_id).where(
                ConversationMember.conversation_id == conversation_id
            )
        ).all()
    )


def _next_seq(session: Session, conversation_id: int, *, new_message: bool) -> int:
    """Take the conversation's next sequence number (the row lock orders concurrent senders)."""
    values: dict[str, Any] = {"last_seq": col(Conversation.last_seq) + 1}
    if new_message:
        values["last_message_at"] = utcnow()
    seq = session.execute(
        update(Conversation)
        .where(col(Conversation.id) == conversation_id)
        .values(**values)
        .returning(col(Conversation.last_seq))
    ).scalar_one()
    return int(seq)


def _announce(
    session: Session,
    conversation_id: int,
    sender_id: int,
    item: dict[str, Any],
    *,
    others_only: bool = False,
    members: list[int] | None = None,
    blocks_checked: bool = False,
) -> None:
    """Tell every member but those who blocked ``sender_id``, once the change is committed.

    ``others_only`` (a read receipt) leaves out the maker's own channel, since it changes
    nothing the reader's own tabs show, and does not look for blocks: the receipt carries no
    content, and :func:`receipts` shows the same to every member who asks. With
    ``blocks_checked`` the caller has made sure that no member blocked the sender.
    """
    if others_only:
        blockers = {sender_id}
    elif blocks_checked:
        blockers = set()
    else:
        blockers = set(
            session.exec(select(Block.blocker_id).where(Block.blocked_id == sender_id)).all()
        )
    for user_id in _members(session, conversation_id) if members is None else members:
        if user_id not in blockers:
            live.publish_after_commit(session, live.user_channel(user_id), item)


def do_send(
    session: Session,
    actor: Actor | None,
    conversation: Any,
    body: Any,
    reply_to: Any = None,
    *,
    image: Any = None,
) -> MessagePublic:
    """Send a message (answering a message request accepts it), with an image if given.

    ``image`` is an upload's bytes: decoded to learn its type (a PNG, JPEG or WebP, whatever
    its name said), at most 5 MB, re-encoded without metadata; the text may then be empty.
    """
    member = membership(session, actor, conversation)
    actor = require_actor(actor)
    blank = body is None or (isinstance(body, str) and not body.strip())
    text = "" if image is not None and blank else _body(body)
    cid = member.conversation_id
    reply_seq = None if reply_to is None else _seq(reply_to, "message")
    if reply_seq is not None and _message(session, cid, reply_seq) is None:
        raise ValidationFailed("The message you reply to does not exist.")
    found = session.get(Conversation, cid)
    if found is not None:
        check_may_send(session, found)
    members = _members(session, cid)
    direct = found is not None and found.kind == "direct"
    if direct:
        others = [u for u in members if u != actor.user_id]
        if any(blocked_between(session, actor.user_id, u) for u in others):
            raise PermissionDenied("You cannot message this person.")
    ratelimit.hit(
        SEND_LIMIT, "message", str(actor.user_id), message="You are sending fast; wait a moment."
    )
    stored = None if image is None else store_message_image(image)
    seq = _next_seq(session, cid, new_message=True)
    message = Message(
        conversation_id=cid,
        seq=seq,
        changed_seq=seq,
        sender_id=actor.user_id,
        body=text,
        reply_to_seq=reply_seq,
        image_path=stored.path if stored else "",
        image_width=stored.width if stored else 0,
        image_height=stored.height if stored else 0,
    )
    session.add(message)
    member.last_read_seq, member.status = seq, "active"
    session.add(member)
    session.flush()
    item = {"kind": "message", "conversation": cid, "seq": seq}
    # In a direct conversation no block stands between the two: checked above.
    _announce(session, cid, actor.user_id, item, members=members, blocks_checked=direct)
    return _public(message, actor.display_name)


def _message(session: Session, conversation_id: int, seq: int) -> Message | None:
    return session.exec(
        select(Message).where(Message.conversation_id == conversation_id, Message.seq == seq)
    ).first()


def _public(message: Message, sender_name: str) -> MessagePublic:
    gone = message.deleted_at or message.hidden_at
    return MessagePublic(
        seq=message.seq,
        changed_seq=message.changed_seq,
        sender_id=message.sender_id,
        sender_name=sender_name,
        body=""
        if message.deleted_at is not None or message.hidden_at is not None
        else message.body,
        reply_to_seq=message.reply_to_seq,
        created_at=message.created_at,
        edited=message.edited_at is not None,
        deleted=message.deleted_at is not None,
        id=message.id or 0,
        hidden=message.hidden_at is not None,
        image_url=f"/media/{message.image_path}" if message.image_path and gone is None else "",
        image_width=message.image_width,
        image_height=message.image_height,
    )


def _readable(session: Session, actor: Actor, query: Any) -> Any:
    """Leave out messages from people the reader blocked."""
    blocked = select(Block.blocked_id).where(Block.blocker_id == actor.user_id)
    return query.where(col(Message.sender_id).not_in(blocked))


def _rows(session: Session, query: Any) -> list[MessagePublic]:
    rows = session.exec(query.join(User, col(User.id) == Message.sender_id)).all()
    return [_public(m, name) for m, name in rows]


def read_history(
    session: Session, actor: Actor | None, conversation: Any, *, before: Any = None, limit: Any = 50
) -> MessageBatch:
    """Messages before sequence ``before`` (the newest when None), oldest first.

    ``cursor`` is the conversation's last change: what a page showing the newest messages has
    seen, and where its catch-up starts.
    """
    member = membership(session, actor, conversation)
    actor = require_actor(actor)
    size = _seq(limit, "page")
    if not 1 <= size <= PAGE_MAX:
        raise ValidationFailed(f"Ask for 1 to {PAGE_MAX} messages at a time.")
    query = select(Message, User.display_name).where(
        Message.conversation_id == member.conversation_id
    )
    if before is not None:
        query = query.where(col(Message.seq) < _seq(before, "page"))
    query = _readable(session, actor, query).order_by(col(Message.seq).desc()).limit(size + 1)
    items = _rows(session, query)
    found = session.get(Conversation, member.conversation_id)
    cursor = found.last_seq if found is not None else 0
    return MessageBatch(items=list(reversed(items[:size])), cursor=cursor, more=len(items) > size)


def read_changes(
    session: Session, actor: Actor | None, conversation: Any, *, after: Any
) -> MessageBatch:
    """Messages new, edited or deleted after change ``after``, in the order they changed."""
    member = membership(session, actor, conversation)
    actor = require_actor(actor)
    since = _seq(after, "change")
    query = select(Message, User.display_name).where(
        Message.conversation_id == member.conversation_id, col(Message.changed_seq) > since
    )
    query = (
        _readable(session, actor, query).order_by(col(Message.changed_seq)).limit(CHANGES_MAX + 1)
    )
    items = _rows(session, query)
    more = len(items) > CHANGES_MAX
    items = items[:CHANGES_MAX]
    if more:
        cursor = items[-1].changed_seq
    else:
        found = session.get(Conversation, member.conversation_id)
        cursor = max(since, found.last_seq if found is not None else since)
    return MessageBatch(items=items, cursor=cursor, more=more)


def _own_recent(session: Session, actor: Actor, conversation_id: int, seq: Any) -> Message:
    message = _message(session, conversation_id, _seq(seq, "message"))
    if message is None or message.deleted_at is not None:
        raise NotFound("No such message.")
    if message.sender_id != actor.user_id:
        raise PermissionDenied("Only its sender can change a message.")
    if utcnow() - message.created_at > EDIT_WINDOW:
        minutes = int(EDIT_WINDOW.total_seconds() // 60)
        raise PermissionDenied(f"A message can be changed for {minutes} minutes after sending.")
    return message


def _changed(session: Session, actor: Actor, message: Message) -> MessagePublic:
    message.changed_seq = _next_seq(session, message.conversation_id, new_message=False)
    session.add(message)
    session.flush()
    cid = message.conversation_id
    item = {"kind": "message", "conversation": cid, "seq": message.changed_seq}
    _announce(session, cid, actor.user_id, item)
    return _public(message, actor.display_name)


def do_edit(
    session: Session, actor: Actor | None, conversation: Any, seq: Any, body: Any
) -> MessagePublic:
    """Change the text of one's own recent message (shown as edited)."""
    member = membership(session, actor, conversation)
    actor = require_actor(actor)
    message = _own_recent(session, actor, member.conversation_id, seq)
    message.body, message.edited_at = _body(body), utcnow()
    return _changed(session, actor, message)


def do_delete(session: Session, actor: Actor | None, conversation: Any, seq: Any) -> MessagePublic:
    """Delete one's own recent message for everyone (its place stays, empty)."""
    member = membership(session, actor, conversation)
    actor = require_actor(actor)
    message = _own_recent(session, actor, member.conversation_id, seq)
    message.body, message.deleted_at, message.image_path = "", utcnow(), ""
    return _changed(session, actor, message)


def do_mark_read(session: Session, actor: Actor | None, conversation: Any, seq: Any) -> int:
    """Mark the conversation read up to ``seq``; returns the member's last read sequence."""
    member = membership(session, actor, conversation)
    actor = require_actor(actor)
    found = session.get(Conversation, member.conversation_id)
    upto = min(_seq(seq, "message"), found.last_seq if found is not None else 0)
    if upto > member.last_read_seq:
        member.last_read_seq = upto
        session.add(member)
        session.flush()
        if read_receipts_on(session, actor.user_id):
            # Who read how far: a page that knows the reader's name updates "Seen by" from it.
            item = {
                "kind": "read",
                "conversation": member.conversation_id,
                "user": actor.user_id,
                "upto": upto,
            }
            _announce(session, member.conversation_id, actor.user_id, item, others_only=True)
    return member.last_read_seq


def receipts(session: Session, actor: Actor | None, conversation: Any) -> list[Receipt]:
    """How far the other members have read, for those who share it (only to those who do)."""
    member = membership(session, actor, conversation)
    actor = require_actor(actor)
    if not read_receipts_on(session, actor.user_id):
        return []
    rows = session.exec(
        select(ConversationMember.user_id, User.display_name, ConversationMember.last_read_seq)
        .join(User, col(User.id) == ConversationMember.user_id)
        .outerjoin(MessagingSettings, col(MessagingSettings.user_id) == User.id)
        .where(
            ConversationMember.conversation_id == member.conversation_id,
            ConversationMember.user_id != actor.user_id,
            # No settings row: the default, which shares.
            or_(col(MessagingSettings.user_id).is_(None), col(MessagingSettings.read_receipts)),
        )
    ).all()
    return [Receipt(user_id=uid, name=name, last_read_seq=upto) for uid, name, upto in rows]


def do_typing(session: Session, actor: Actor | None, conversation: Any) -> None:
    """Tell the other members the actor is typing (nothing is stored)."""
    member = membership(session, actor, conversation)
    actor = require_actor(actor)
    ratelimit.hit(TYPING_LIMIT, "typing", str(actor.user_id), message="Slow down.")
    cid = member.conversation_id
    item = {
        "kind": "typing",
        "conversation": cid,
        "user": actor.user_id,
        "name": actor.display_name,
    }
    for user_id in _members(session, cid):
        if user_id != actor.user_id and not blocked_between(session, actor.user_id, user_id):
            live.publish(live.user_channel(user_id), item)


def do_moderate(session: Session, message_id: int, *, hide: bool | None, delete: bool) -> str:
    """Hide, show again or delete a message for the moderators (authorized by moderation).

    The change takes the conversation's next sequence number, so every member's page shows it
    live or at its next catch-up. Returns whether it was hidden before ("hidden" or "").
    """
    message = session.get(Message, message_id)
    if message is None:
        return ""
    before = "hidden" if message.hidden_at is not None else ""
    if hide is not None:
        message.hidden_at = utcnow() if hide else None
    if delete:
        message.body, message.deleted_at, message.image_path = "", utcnow(), ""
    message.changed_seq = _next_seq(session, message.conversation_id, new_message=False)
    session.add(message)
    session.flush()
    cid = message.conversation_id
    item = {"kind": "message", "conversation": cid, "seq": message.changed_seq}
    for user_id in _members(session, cid):
        live.publish_after_commit(session, live.user_channel(user_id), item)
    return before
