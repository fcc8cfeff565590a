"""Starting threads, replying and editing: every check first, then one write.

A post is refused whole (nothing stored) when it is oversized, when the actor's trust level
forbids its links or images or its pace (``trust.py``), when the thread is closed (its
moderators aside), or when it reaches someone who blocked the actor: replying to their post
or in their thread, quoting them or mentioning them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from aixplore.core.errors import Conflict, NotFound, PermissionDenied
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import Actor
from aixplore.domain.accounts.services import require_actor
from aixplore.domain.activity.models import FeedKind
from aixplore.domain.activity.services import record_activity
from aixplore.domain.forums import feed as _feed  # noqa: F401 - threads in feeds
from aixplore.domain.forums import levels, text, trust
from aixplore.domain.forums.categories import (
    can_moderate,
    category_by_slug,
    check_can_post,
    check_can_read,
)
from aixplore.domain.forums.models import (
    ForumCategory,
    ForumPost,
    ForumPostRevision,
    ForumThread,
    NotificationLevel,
)
from aixplore.domain.groups import services as groups
from aixplore.domain.relations.services import has_blocked
from aixplore.domain.social.handles import ensure_profile
from aixplore.domain.social.models import Profile


def thread_for(
    session: Session, viewer: Actor | None, thread_id: Any
) -> tuple[ForumThread, ForumCategory]:
    """The thread and its category, if the viewer may read them."""
    if not isinstance(thread_id, int) or isinstance(thread_id, bool) or not 0 < thread_id < 2**31:
        raise NotFound("No such thread.")
    thread = session.get(ForumThread, thread_id)
    if thread is None:
        raise NotFound("No such thread.")
    category = session.get_one(ForumCategory, thread.category_id)
    check_can_read(session, viewer, category)
    return thread, category


def post_for(
    session: Session, viewer: Actor | None, post_id: Any
) -> tuple[ForumPost, ForumThread, ForumCategory]:
    """The post, its thread and category, if the viewer may read them."""
    if not isinstance(post_id, int) or isinstance(post_id, bool) or not 0 < post_id < 2**31:
        raise NotFound("No such post.")
    post = session.get(ForumPost, post_id)
    if post is None:
        raise NotFound("No such post.")
    thread, category = thread_for(session, viewer, post.thread_id)
    return post, thread, category


def _people(session: Session, handles: list[str]) -> dict[int, str]:
    if not handles:
        return {}
    rows = session.exec(
        select(Profile.user_id, Profile.handle).where(col(Profile.handle_key).in_(handles))
    ).all()
    return {uid: handle for uid, handle in rows}


def _check_reach(session: Session, actor: Actor, people: dict[int, str], verb: str) -> None:
    for uid, handle in people.items():
        if uid != actor.user_id and has_blocked(session, uid, actor.user_id):
            raise PermissionDenied(f"You cannot {verb} @{handle}: they have blocked you.")


def _checked(
    session: Session, actor: Actor, thread: ForumThread | None, body: Any
) -> tuple[str, dict[int, str], set[int]]:
    """The clean body, the people it mentions and the authors it quotes (all permitted)."""
    clean = text.clean_body(body)
    mentioned = _people(session, text.mentioned_handles(clean))
    _check_reach(session, actor, mentioned, "mention")
    quoted: set[int] = set()
    for thread_id, number in text.quoted_posts(clean):
        found = session.exec(
            select(ForumPost.author_id).where(
                ForumPost.thread_id == thread_id, ForumPost.number == number
            )
        ).first()
        if found is not None:
            quoted.add(found)
    _check_reach(session, actor, _handles(session, quoted), "quote")
    return clean, mentioned, quoted


def _handles(session: Session, user_ids: set[int]) -> dict[int, str]:
    return {uid: ensure_profile(session, uid).handle for uid in user_ids}


def _add_post(
    session: Session,
    actor: Actor,
    thread: ForumThread,
    body: str,
    *,
    title: str = "",
    reply_to: int | None = None,
) -> ForumPost:
    # Two replies at once must not take the same number: hold the thread row (PostgreSQL;
    # SQLite's write transaction already runs one writer at a time).
    session.execute(select(ForumThread.id).where(ForumThread.id == thread.id).with_for_update())
    number = (
        session.exec(
            select(func.max(ForumPost.number)).where(ForumPost.thread_id == thread.id)
        ).one()
        or 0
    ) + 1
    post = ForumPost(
        thread_id=thread.id or 0,
        author_id=actor.user_id,
        number=number,
        title=title,
        body_md=body,
        body_html=text.render(body),
        reply_to_id=reply_to,
    )
    session.add(post)
    now = utcnow()
    session.execute(
        update(ForumThread)
        .where(col(ForumThread.id) == thread.id)
        .values(post_count=ForumThread.post_count + 1, last_posted_at=now)
    )
    session.flush()
    return post


def do_start_thread(
    session: Session, actor: Actor | None, category_slug: Any, title: Any, body: Any
) -> int:
    """Open a thread in a category with its first post; returns the thread's id."""
    actor = require_actor(actor)
    category = category_by_slug(session, actor, category_slug)
    check_can_post(session, actor, category)
    clean_title = text.clean_title(title)
    return start_thread(session, actor, category, clean_title, body)


def start_thread(
    session: Session,
    actor: Actor,
    category: ForumCategory,
    title: str,
    body: Any,
    *,
    subject: tuple[str, int] | None = None,
) -> int:
    clean, mentioned, quoted = _checked(session, actor, None, body)
    trust.check_may_post(
        session, actor, clean, has_link=text.has_link(clean), has_image=text.has_image(clean)
    )
    thread = ForumThread(
        category_id=category.id or 0,
        author_id=actor.user_id,
        title=title,
        subject_kind=subject[0] if subject else None,
        subject_id=subject[1] if subject else None,
    )
    session.add(thread)
    session.flush()
    post = _add_post(session, actor, thread, clean, title=title)
    session.execute(
        update(ForumCategory)
        .where(col(ForumCategory.id) == category.id)
        .values(thread_count=ForumCategory.thread_count + 1)
    )
    levels.set_thread_level(
        session, actor.user_id, thread.id or 0, NotificationLevel.WATCHING, keep=False
    )
    handle = ensure_profile(session, actor.user_id).handle
    levels.tell_about_post(
        session,
        actor,
        handle,
        thread,
        category,
        post,
        replied_to=None,
        mentioned=set(mentioned),
        quoted=quoted,
    )
    private = False
    if category.group_id is not None:
        private = groups.group_by_id(session, category.group_id).visibility != "public"
    record_activity(
        session,
        actor.user_id,
        FeedKind.THREAD_STARTED,
        thread.id or 0,
        group_id=category.group_id,
        members_only=private,
    )
    return thread.id or 0


def do_reply(
    session: Session, actor: Actor | None, thread_id: Any, body: Any, reply_to: Any = None
) -> ForumPost:
    """Reply in a thread, to its opening post or to post number ``reply_to``."""
    actor = require_actor(actor)
    thread, category = thread_for(session, actor, thread_id)
    check_can_post(session, actor, category)
    if thread.closed and not can_moderate(session, actor, category):
        raise Conflict("This thread is closed: it takes no more replies.")
    target: ForumPost | None = None
    if reply_to is not None:
        if not isinstance(reply_to, int) or isinstance(reply_to, bool):
            raise NotFound("No such post to reply to.")
        target = session.exec(
            select(ForumPost).where(ForumPost.thread_id == thread.id, ForumPost.number == reply_to)
        ).first()
        if target is None:
            raise NotFound("No such post to reply to.")
    replied_to = target.author_id if target is not None else thread.author_id
    _check_reach(session, actor, _handles(session, {replied_to}), "reply to")
    clean, mentioned, quoted = _checked(session, actor, thread, body)
    trust.check_may_post(
        session, actor, clean, has_link=text.has_link(clean), has_image=text.has_image(clean)
    )
    post = _add_post(session, actor, thread, clean, reply_to=target.id if target else None)
    trust.count(session, actor.user_id, replies_written=1)
    levels.set_thread_level(
        session, actor.user_id, thread.id or 0, NotificationLevel.TRACKING, keep=True
    )
    handle = ensure_profile(session, actor.user_id).handle
    levels.tell_about_post(
        session,
        actor,
        handle,
        thread,
        category,
        post,
        replied_to=replied_to,
        mentioned=set(mentioned),
        quoted=quoted,
    )
    return post


def do_edit_post(session: Session, actor: Actor | None, post_id: Any, body: Any) -> ForumPost:
    """Change a post's text (its author, or the forum's moderators); the old text is kept."""
    actor = require_actor(actor)
    post, thread, category = post_for(session, actor, post_id)
    moderator = can_moderate(session, actor, category)
    if post.author_id != actor.user_id and not moderator:
        raise PermissionDenied("You may edit only your own posts.")
    if post.deleted_at is not None:
        raise Conflict("A deleted post cannot be edited.")
    if thread.closed and not moderator:
        raise Conflict("This thread is closed: its posts can no longer be edited.")
    clean, _mentioned, _quoted = _checked(session, actor, thread, body)
    if post.author_id == actor.user_id:
        trust.check_may_post(
            session, actor, clean, has_link=text.has_link(clean), has_image=text.has_image(clean)
        )
    if clean == post.body_md:
        return post
    session.add(
        ForumPostRevision(
            post_id=post.id or 0,
            body_md=post.body_md,
            body_html=post.body_html,
            written_at=post.edited_at or post.created_at,
        )
    )
    post.body_md, post.body_html = clean, text.render(clean)
    post.edit_count += 1
    post.edited_at = utcnow()
    session.add(post)
    session.flush()
    return post
