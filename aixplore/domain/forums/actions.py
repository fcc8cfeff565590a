"""What readers and moderators do to threads and posts besides writing them.

Reactions and bookmarks (any reader), the accepted answer (the thread's author), pinning and
closing (the forum's moderators), and hiding, restoring and deleting posts with a reason (the
forum's moderators; the moderation inbox calls these same functions).
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from aixplore.core.errors import Conflict, DomainError, PermissionDenied, ValidationFailed
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import Actor
from aixplore.domain.accounts.services import require_actor
from aixplore.domain.forums import trust
from aixplore.domain.forums.categories import check_moderator
from aixplore.domain.forums.models import (
    REASON_MAX,
    ForumBookmark,
    ForumPost,
    ForumPostRevision,
    ForumReaction,
    ForumThread,
    ThreadSummary,
)
from aixplore.domain.forums.posting import post_for, thread_for
from aixplore.domain.forums.reading import REACTIONS, summaries
from aixplore.domain.notifications.services import Grouping, notify
from aixplore.domain.relations.services import has_blocked


def _flag(value: Any, what: str) -> bool:
    if not isinstance(value, bool):
        raise ValidationFailed(f"Say whether to {what}.")
    return value


def do_toggle_reaction(session: Session, actor: Actor | None, post_id: Any, reaction: Any) -> bool:
    """Add the actor's reaction to a post, or take it back; returns whether it is on now."""
    actor = require_actor(actor)
    if reaction not in REACTIONS:
        raise ValidationFailed("Choose one of the offered reactions.")
    post, thread, _category = post_for(session, actor, post_id)
    if post.deleted_at is not None or post.hidden_at is not None:
        raise Conflict("This post takes no reactions.")
    if has_blocked(session, post.author_id, actor.user_id):
        raise PermissionDenied("You cannot react to this person's posts: they have blocked you.")
    row = session.get(ForumReaction, (post.id, actor.user_id, reaction))
    if row is not None:
        session.delete(row)
        session.flush()
        return False
    session.add(ForumReaction(post_id=post.id or 0, user_id=actor.user_id, reaction=reaction))
    session.flush()
    if post.author_id != actor.user_id:
        trust.count(session, post.author_id, reactions_received=1)
        notify(
            session,
            post.author_id,
            "reaction",
            f"{actor.display_name} reacted {REACTIONS[reaction]} to your post in “{thread.title}”",
            link=f"/forums/t/{thread.id}#post-{post.number}",
            group=Grouping(
                f"reaction:{post.id}",
                actor.user_id,
                actor.display_name,
                f"reacted to your post in “{thread.title}”",
            ),
        )
    return True


def do_set_bookmark(session: Session, actor: Actor | None, thread_id: Any, bookmarked: Any) -> bool:
    """Keep a thread for later, or let it go."""
    actor = require_actor(actor)
    wanted = _flag(bookmarked, "bookmark")
    thread, _category = thread_for(session, actor, thread_id)
    row = session.get(ForumBookmark, (actor.user_id, thread.id))
    if wanted and row is None:
        session.add(ForumBookmark(user_id=actor.user_id, thread_id=thread.id or 0))
    elif not wanted and row is not None:
        session.delete(row)
    session.flush()
    return wanted


def list_bookmarks(session: Session, actor: Actor | None) -> list[ThreadSummary]:
    """The actor's bookmarked threads that they may still read, newest bookmark first."""
    actor = require_actor(actor)
    rows = session.exec(
        select(ForumThread)
        .join(ForumBookmark, col(ForumBookmark.thread_id) == col(ForumThread.id))
        .where(ForumBookmark.user_id == actor.user_id)
        .order_by(col(ForumBookmark.created_at).desc())
        .limit(100)
    ).all()
    readable = []
    for thread in rows:
        try:
            thread_for(session, actor, thread.id)
        except DomainError:
            continue
        readable.append(thread)
    return summaries(session, actor, readable)


def do_accept_answer(session: Session, actor: Actor | None, post_id: Any) -> int | None:
    """Mark a reply as the thread's answer (its author only); again on it: unmark."""
    actor = require_actor(actor)
    post, thread, _category = post_for(session, actor, post_id)
    if thread.author_id != actor.user_id:
        raise PermissionDenied("Only the thread's author chooses its answer.")
    if post.number == 1 or post.deleted_at is not None or post.hidden_at is not None:
        raise ValidationFailed("Choose a visible reply as the answer.")
    thread.accepted_post_id = None if thread.accepted_post_id == post.id else post.id
    session.add(thread)
    session.flush()
    if thread.accepted_post_id is not None and post.author_id != actor.user_id:
        notify(
            session,
            post.author_id,
            "reply",
            f"Your reply was accepted as the answer to “{thread.title}”",
            link=f"/forums/t/{thread.id}#post-{post.number}",
        )
    return thread.accepted_post_id


def do_set_pinned(session: Session, actor: Actor | None, thread_id: Any, pinned: Any) -> bool:
    """Pin a thread to the top of its category, or unpin it (its moderators only)."""
    actor = require_actor(actor)
    wanted = _flag(pinned, "pin")
    thread, category = thread_for(session, actor, thread_id)
    check_moderator(session, actor, category)
    thread.pinned = wanted
    session.add(thread)
    session.flush()
    return wanted


def do_set_closed(session: Session, actor: Actor | None, thread_id: Any, closed: Any) -> bool:
    """Close a thread to replies, or open it again (its moderators only)."""
    actor = require_actor(actor)
    wanted = _flag(closed, "close")
    thread, category = thread_for(session, actor, thread_id)
    check_moderator(session, actor, category)
    thread.closed = wanted
    session.add(thread)
    session.flush()
    return wanted


def _reason(value: Any) -> str:
    if not isinstance(value, str) or not 3 <= len(value.strip()) <= REASON_MAX:
        raise ValidationFailed(f"Give a reason of 3 to {REASON_MAX} characters.")
    return value.strip()


def _moderated(
    session: Session, actor: Actor | None, post_id: Any
) -> tuple[Actor, ForumPost, ForumThread]:
    actor = require_actor(actor)
    post, thread, category = post_for(session, actor, post_id)
    check_moderator(session, actor, category)
    return actor, post, thread


def hide_post(session: Session, actor: Actor | None, post_id: Any, reason: Any) -> None:
    """Hide a post pending review: readers see that it is hidden, not what it says."""
    actor, post, thread = _moderated(session, actor, post_id)
    why = _reason(reason)
    set_hidden(session, post, why)
    notify(
        session,
        post.author_id,
        "forum_post",
        f"Your post in “{thread.title}” was hidden",
        body=why,
        link=f"/forums/t/{thread.id}#post-{post.number}",
    )


def restore_post(session: Session, actor: Actor | None, post_id: Any) -> None:
    """Show a hidden post again."""
    _actor, post, _thread = _moderated(session, actor, post_id)
    set_hidden(session, post, None)


def delete_post(session: Session, actor: Actor | None, post_id: Any, reason: Any) -> None:
    """Delete a post for good: its text goes (revisions too); its place says it was deleted."""
    _actor, post, thread = _moderated(session, actor, post_id)
    erase(session, post, thread, _reason(reason))


def set_hidden(session: Session, post: ForumPost, why: str | None) -> None:
    """Hide a post with a reason, or show it again (``why`` None); callers authorize."""
    if post.deleted_at is not None:
        raise Conflict("This post is deleted." if why else "A deleted post cannot be restored.")
    post.hidden_at, post.hidden_reason = (utcnow(), why) if why else (None, "")
    session.add(post)
    session.flush()


def erase(session: Session, post: ForumPost, thread: ForumThread, why: str) -> None:
    """Delete a post's text and its revisions for good, keeping its place; callers authorize."""
    post.deleted_at, post.deleted_reason = utcnow(), why
    post.body_md, post.body_html = "", ""
    session.add(post)
    for revision in post_revisions(session, post.id or 0):
        session.delete(revision)
    if thread.accepted_post_id == post.id:
        thread.accepted_post_id = None
        session.add(thread)
    session.flush()


def post_revisions(session: Session, post_id: int) -> list[ForumPostRevision]:
    """A post's stored revisions (rows)."""
    return list(session.exec(select(ForumPostRevision).where(ForumPostRevision.post_id == post_id)))
