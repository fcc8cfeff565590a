"""A social group's chat: one per group, its members the group's, outsiders refused."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import update
from sqlmodel import select

from aixplore.core.db import read_scope, session_scope
from aixplore.core.errors import NotFound, PermissionDenied
from aixplore.domain.accounts.models import User
from aixplore.domain.groups import services as groups
from aixplore.domain.groups.models import CommunityGroup, GroupMember, GroupRole
from aixplore.domain.messaging import group_chat, messages
from aixplore.domain.messaging import services as conversations
from aixplore.domain.messaging.models import GROUP_MAX, ConversationMember
from tests.unit.domain.messaging.support import run
from tests.unit.domain.social.support import person


def _group(owner, visibility: str) -> tuple[str, int]:
    made = run(groups.do_create_group, owner, f"Chat {uuid.uuid4().hex[:6]}", "", visibility)
    return made.slug, made.id


def _chat_ids(actor) -> list[int]:
    with read_scope() as db:
        return [c.id for c in conversations.list_conversations(db, actor)]


def _members(chat: int) -> set[int]:
    with read_scope() as db:
        return set(
            db.exec(
                select(ConversationMember.user_id).where(ConversationMember.conversation_id == chat)
            )
        )


def test_the_chat_follows_the_groups_membership() -> None:
    owner, bob, cleo, dan = person("Owner"), person("Bob"), person("Cleo"), person("Dan")
    slug, gid = _group(owner, "private")
    run(groups.do_join, bob, slug, "")
    run(groups.do_answer_request, owner, slug, bob.user_id, True)
    chat = run(group_chat.do_open_group_chat, owner, slug)
    assert run(group_chat.do_open_group_chat, bob, slug) == chat  # one per group
    assert _members(chat) == {owner.user_id, bob.user_id}
    run(messages.do_send, owner, chat, "welcome")
    # Joining later adds you: the history is there, and the chat is in your list.
    for newcomer in (cleo, dan):
        run(groups.do_join, newcomer, slug, "")
        run(groups.do_answer_request, owner, slug, newcomer.user_id, True)
    assert chat in _chat_ids(cleo)
    assert [m.body for m in run(messages.read_history, cleo, chat).items] == ["welcome"]
    # Leaving, or being banned, takes you out: refused through every service.
    run(groups.do_leave, bob, slug)
    run(groups.ban_from_group, owner, gid, dan.user_id, "spam in chat")
    assert _members(chat) == {owner.user_id, cleo.user_id}
    for gone in (bob, dan):
        assert chat not in _chat_ids(gone)
        with pytest.raises(NotFound):
            run(messages.read_changes, gone, chat, after=0)
        with pytest.raises(NotFound):
            run(messages.do_send, gone, chat, "still here?")


def test_outsiders_cannot_open_or_read_a_private_or_secret_groups_chat() -> None:
    owner, eve = person("Owner"), person("Eve")
    private, _ = _group(owner, "private")
    secret, _ = _group(owner, "secret")
    public, _ = _group(owner, "public")
    with pytest.raises(PermissionDenied, match="Join it first"):
        run(group_chat.do_open_group_chat, eve, private)
    with pytest.raises(NotFound):
        run(group_chat.do_open_group_chat, eve, secret)
    with pytest.raises(PermissionDenied, match="Join it first"):
        run(group_chat.do_open_group_chat, eve, public)  # members only, even when public
    chat = run(group_chat.do_open_group_chat, owner, secret)
    run(messages.do_send, owner, chat, "members only")
    with pytest.raises(NotFound):
        run(messages.read_history, eve, chat)
    # A conversation row alone lets nobody in: the group's membership is what counts.
    with session_scope() as db:
        db.add(ConversationMember(conversation_id=chat, user_id=eve.user_id))
    with pytest.raises(NotFound):
        run(messages.read_history, eve, chat)


def test_a_group_past_the_conversation_cap_keeps_its_chat_readable_but_closed() -> None:
    owner, bob = person("Owner"), person("Bob")
    slug, gid = _group(owner, "public")
    run(groups.do_join, bob, slug, "")
    chat = run(group_chat.do_open_group_chat, owner, slug)
    run(messages.do_send, bob, chat, "before it grew")
    tag = uuid.uuid4().hex[:8]
    with session_scope() as db:
        extra = [
            User(email=f"crowd-{tag}-{n}@example.com", display_name="Crowd")
            for n in range(GROUP_MAX)
        ]
        db.add_all(extra)
        db.flush()
        db.add_all(
            GroupMember(group_id=gid, user_id=u.id or 0, role=GroupRole.MEMBER) for u in extra
        )
        db.execute(
            update(CommunityGroup)
            .where(CommunityGroup.id == gid)  # type: ignore[arg-type]
            .values(member_count=GROUP_MAX + 2)
        )
    with pytest.raises(PermissionDenied, match="up to 100 members"):
        run(messages.do_send, bob, chat, "after it grew")
    assert [m.body for m in run(messages.read_history, bob, chat).items] == ["before it grew"]
    big, _ = _group(owner, "public")
    with session_scope() as db:
        db.execute(
            update(CommunityGroup)
            .where(CommunityGroup.slug == big)  # type: ignore[arg-type]
            .values(member_count=GROUP_MAX + 1)
        )
    with pytest.raises(PermissionDenied, match="up to 100 members"):
        run(group_chat.do_open_group_chat, owner, big)
