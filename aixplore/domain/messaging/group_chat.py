"""A social group's chat: one group conversation per group whose members are the group's.

The conversation (``Conversation.group_id``, unique) is made the first time a member opens
it. From then on its membership follows the group's: joining the group adds you
(:func:`_follow_group`, which ``domain/groups`` calls whenever someone joins or leaves), and
leaving or being banned removes you. What is checked on every read and write
(:func:`check_group_member`, from ``services.membership``) is the group's own membership, so
someone who is no longer in the group is refused even if a conversation row of theirs
outlived it: through the socket and the API alike, the chat of a group you are not in does
not exist for you.

Size: a conversation holds up to ``GROUP_MAX`` (100) people, and every message is announced
to each member's live channel. A group with more members keeps its chat's history readable
by its members, but opening a new chat and sending are refused with a pointer to the group's
forum, which is built for large audiences.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from aixplore.core import live
from aixplore.core.errors import NotFound, PermissionDenied
from aixplore.domain.accounts.models import Actor
from aixplore.domain.accounts.services import require_actor
from aixplore.domain.groups import services as groups
from aixplore.domain.groups.models import GroupMember
from aixplore.domain.messaging.models import GROUP_MAX, Conversation, ConversationMember

TOO_BIG = (
    f"Group chat is for groups of up to {GROUP_MAX} members; this group is larger. "
    "Talk in its forum instead."
)


def _chat_of(session: Session, group_id: int) -> Conversation | None:
    return session.exec(select(Conversation).where(Conversation.group_id == group_id)).first()


def _sync(session: Session, conversation: Conversation) -> None:
    """Make the conversation's members exactly the group's members."""
    cid, gid = conversation.id or 0, conversation.group_id or 0
    wanted = set(groups.member_ids(session, gid))
    have = set(
        session.exec(
            select(ConversationMember.user_id).where(ConversationMember.conversation_id == cid)
        )
    )
    for user_id in sorted(wanted - have):
        session.add(ConversationMember(conversation_id=cid, user_id=user_id))
    if have - wanted:
        session.execute(
            delete(ConversationMember).where(
                col(ConversationMember.conversation_id) == cid,
                col(ConversationMember.user_id).in_(have - wanted),
            )
        )
    session.flush()


def do_open_group_chat(session: Session, actor: Actor | None, slug: Any) -> int:
    """The id of the chat of group ``slug`` (made now if it has none): its members only."""
    actor = require_actor(actor)
    shown = groups.get_group(session, actor, slug)  # NotFound for a secret group's outsiders
    group = groups.group_by_id(session, shown.id)
    if session.get(GroupMember, (shown.id, actor.user_id)) is None:
        raise PermissionDenied(f"Only members of {group.name} chat in it. Join it first.")
    conversation = _chat_of(session, shown.id)
    if conversation is None:
        if group.member_count > GROUP_MAX:
            raise PermissionDenied(TOO_BIG)
        try:
            with session.begin_nested():
                conversation = Conversation(
                    kind="group", title=group.name[:80], group_id=shown.id, created_by=None
                )
                session.add(conversation)
                session.flush()
        except IntegrityError:  # another member opened it at the same moment
            conversation = _chat_of(session, shown.id)
            assert conversation is not None
    _sync(session, conversation)
    return conversation.id or 0


def check_group_member(session: Session, conversation: Conversation, user_id: int) -> None:
    """Refuse (NotFound) someone no longer in the group whose chat this is."""
    if conversation.group_id is None:
        return
    if session.get(GroupMember, (conversation.group_id, user_id)) is None:
        raise NotFound("No such conversation.")


def check_may_send(session: Session, conversation: Conversation) -> None:
    """Refuse a message to a group chat whose group has outgrown ``GROUP_MAX``."""
    if conversation.group_id is None:
        return
    size = session.exec(
        select(func.count())
        .select_from(GroupMember)
        .where(GroupMember.group_id == conversation.group_id)
    ).one()
    if size > GROUP_MAX:
        raise PermissionDenied(TOO_BIG)


def _follow_group(session: Session, group_id: int, user_id: int, joined: bool) -> None:
    """Someone joined or left group ``group_id``: add them to its chat or take them out."""
    conversation = _chat_of(session, group_id)
    if conversation is None:
        return
    cid = conversation.id or 0
    if joined:
        if session.get(ConversationMember, (cid, user_id)) is None:
            session.add(ConversationMember(conversation_id=cid, user_id=user_id))
            session.flush()
        return
    session.execute(
        delete(ConversationMember).where(
            col(ConversationMember.conversation_id) == cid,
            col(ConversationMember.user_id) == user_id,
        )
    )
    # Their open pages read their list again (the chat is gone from it).
    live.publish_after_commit(session, live.user_channel(user_id), live.RESYNC)


groups.on_member_change(_follow_group)
