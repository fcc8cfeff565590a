"""Notification levels per thread and per category, and who hears about a new post.

Levels (Discourse's): *watching* hears of every new post; *tracking* and *normal* hear when
someone replies to, quotes or mentions them (tracking also shows a thread's unread count in
its category list); *muted* hears nothing from the thread or category, mentions included. A
thread's level overrides its category's; without either a reader is *normal*. Starting a
thread makes its author watch it; replying makes the replier track it (unless they chose).
Nobody hears of posts by someone they blocked or muted.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from aixplore.core.errors import NotFound, ValidationFailed
from aixplore.domain.accounts.models import Actor
from aixplore.domain.accounts.services import require_actor
from aixplore.domain.forums.categories import category_by_slug, check_can_read
from aixplore.domain.forums.models import (
    ForumCategory,
    ForumCategoryLevel,
    ForumPost,
    ForumThread,
    ForumThreadLevel,
    NotificationLevel,
)
from aixplore.domain.groups import services as groups
from aixplore.domain.notifications.services import notify
from aixplore.domain.relations.models import Block, Mute


def _level(value: Any) -> NotificationLevel:
    try:
        return NotificationLevel(value)
    except ValueError:
        raise ValidationFailed("Choose watching, tracking, normal or muted.") from None


def level_for(session: Session, user_id: int, thread: ForumThread) -> NotificationLevel:
    """The reader's level on a thread (the thread's, else the category's, else normal)."""
    row = session.get(ForumThreadLevel, (user_id, thread.id))
    if row is not None:
        return row.level
    above = session.get(ForumCategoryLevel, (user_id, thread.category_id))
    return above.level if above is not None else NotificationLevel.NORMAL


def set_thread_level(
    session: Session, user_id: int, thread_id: int, level: NotificationLevel, *, keep: bool
) -> None:
    """Set a level (``keep``: only where the reader chose none yet)."""
    row = session.get(ForumThreadLevel, (user_id, thread_id))
    if row is not None and keep:
        return
    if row is None:
        row = ForumThreadLevel(user_id=user_id, thread_id=thread_id, level=level)
    row.level = level
    session.add(row)
    session.flush()


def do_set_thread_level(
    session: Session, actor: Actor | None, thread_id: Any, level: Any
) -> NotificationLevel:
    """Choose how much the actor hears about one thread they may read."""
    actor = require_actor(actor)
    wanted = _level(level)
    thread = session.get(ForumThread, thread_id) if isinstance(thread_id, int) else None
    if thread is None:
        raise NotFound("No such thread.")
    check_can_read(session, actor, session.get_one(ForumCategory, thread.category_id))
    set_thread_level(session, actor.user_id, thread.id or 0, wanted, keep=False)
    return wanted


def do_set_category_level(
    session: Session, actor: Actor | None, slug: Any, level: Any
) -> NotificationLevel:
    """Choose how much the actor hears about a whole category they may read."""
    actor = require_actor(actor)
    wanted = _level(level)
    category = category_by_slug(session, actor, slug)
    row = session.get(ForumCategoryLevel, (actor.user_id, category.id))
    if row is None:
        row = ForumCategoryLevel(user_id=actor.user_id, category_id=category.id or 0, level=wanted)
    row.level = wanted
    session.add(row)
    session.flush()
    return wanted


def category_level(session: Session, actor: Actor | None, category_id: int) -> NotificationLevel:
    """The actor's level on a category (normal for visitors)."""
    if actor is None:
        return NotificationLevel.NORMAL
    row = session.get(ForumCategoryLevel, (actor.user_id, category_id))
    return row.level if row is not None else NotificationLevel.NORMAL


def _shut_out(session: Session, author_id: int) -> set[int]:
    """People who blocked or muted the author: they hear nothing of the author's posts."""
    blocked = session.exec(select(Block.blocker_id).where(Block.blocked_id == author_id)).all()
    muted = session.exec(select(Mute.muter_id).where(Mute.muted_id == author_id)).all()
    return set(blocked) | set(muted)


def _watchers(session: Session, thread: ForumThread) -> set[int]:
    on_thread = session.exec(
        select(ForumThreadLevel.user_id, ForumThreadLevel.level).where(
            ForumThreadLevel.thread_id == thread.id
        )
    ).all()
    chosen = {uid: level for uid, level in on_thread}
    on_category = session.exec(
        select(ForumCategoryLevel.user_id).where(
            ForumCategoryLevel.category_id == thread.category_id,
            ForumCategoryLevel.level == NotificationLevel.WATCHING,
        )
    ).all()
    found = {u for u, level in chosen.items() if level == NotificationLevel.WATCHING}
    return found | {u for u in on_category if u not in chosen}


def tell_about_post(
    session: Session,
    author: Actor,
    handle: str,
    thread: ForumThread,
    category: ForumCategory,
    post: ForumPost,
    *,
    replied_to: int | None,
    mentioned: set[int],
    quoted: set[int],
) -> None:
    """Notify the mentioned, the quoted, the replied-to and the watchers, once each."""
    told = {author.user_id} | _shut_out(session, author.user_id)
    members = None
    if category.group_id is not None:
        group = groups.group_by_id(session, category.group_id)
        if group.visibility != "public":
            members = set(groups.member_ids(session, category.group_id))
    link = f"/forums/t/{thread.id}#post-{post.number}"
    who = f"{author.display_name} (@{handle})"
    plans = [
        ("mention", mentioned, f"{who} mentioned you in “{thread.title}”"),
        ("quote", quoted, f"{who} quoted you in “{thread.title}”"),
        ("reply", {replied_to} if replied_to else set(), f"{who} replied in “{thread.title}”"),
        ("forum_post", _watchers(session, thread), f"{who} posted in “{thread.title}”"),
    ]
    for kind, people, title in plans:
        for uid in sorted(people - told):
            if members is not None and uid not in members:
                continue  # they cannot read it: tell them nothing of it
            if level_for(session, uid, thread) == NotificationLevel.MUTED:
                continue
            notify(session, uid, kind, title, body=post.body_md[:300], link=link)
            told.add(uid)


def unread_levels(session: Session, user_id: int, thread_ids: list[int]) -> dict[int, str]:
    """The reader's levels on these threads where they chose one."""
    rows = session.exec(
        select(ForumThreadLevel.thread_id, ForumThreadLevel.level).where(
            ForumThreadLevel.user_id == user_id, col(ForumThreadLevel.thread_id).in_(thread_ids)
        )
    ).all()
    return {tid: level for tid, level in rows}
