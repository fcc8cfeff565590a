"""Reading the forum: a category's threads, a thread's pages, a post's earlier versions.

Thread pages select posts by number (``(thread_id, number)`` is unique and indexed), so the
last page of a 10,000-reply thread costs what the first does. Reading a page counts, for
signed-in readers, the visit, the thread entered and the posts newly seen (``trust.py``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from aixplore.core.errors import DomainError, ValidationFailed
from aixplore.domain.accounts.models import Actor
from aixplore.domain.forums import levels, trust
from aixplore.domain.forums.categories import can_moderate, category_by_slug, check_can_post, public
from aixplore.domain.forums.models import (
    ForumBookmark,
    ForumCategory,
    ForumCategoryLevel,
    ForumPost,
    ForumPostRevision,
    ForumReaction,
    ForumThread,
    ForumThreadLevel,
    ForumThreadRead,
    NotificationLevel,
    PostPublic,
    ReactionCount,
    RevisionPublic,
    ThreadPage,
    ThreadSummary,
)
from aixplore.domain.forums.posting import post_for, thread_for
from aixplore.domain.social.people import person_cards

POSTS_PER_PAGE = 20
THREADS_PER_PAGE = 30
REACTIONS = {
    "like": "👍",
    "heart": "❤️",
    "laugh": "😂",
    "hooray": "🎉",
    "thinking": "🤔",
    "eyes": "👀",
}


def _page(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 100_000:
        raise ValidationFailed("That page does not exist.")
    return value


def summaries(
    session: Session, viewer: Actor | None, rows: list[ForumThread]
) -> list[ThreadSummary]:
    """Threads as lists show them (tracked and watched threads with unread counts)."""
    cards = person_cards(session, {t.author_id for t in rows})
    slugs = dict(
        session.exec(
            select(ForumCategory.id, ForumCategory.slug).where(
                col(ForumCategory.id).in_({t.category_id for t in rows})
            )
        ).all()
    )
    ids = [t.id or 0 for t in rows]
    unread: dict[int, int] = {}
    if viewer is not None and ids:
        chosen = levels.unread_levels(session, viewer.user_id, ids)
        seen = dict(
            session.exec(
                select(ForumThreadRead.thread_id, ForumThreadRead.last_read).where(
                    ForumThreadRead.user_id == viewer.user_id,
                    col(ForumThreadRead.thread_id).in_(ids),
                )
            ).all()
        )
        for t in rows:
            if chosen.get(t.id or 0) in (NotificationLevel.TRACKING, NotificationLevel.WATCHING):
                unread[t.id or 0] = max(0, t.post_count - seen.get(t.id or 0, 0))
    return [
        ThreadSummary(
            id=t.id or 0,
            title=t.title,
            category_slug=slugs.get(t.category_id, ""),
            author_handle=cards[t.author_id].handle if t.author_id in cards else "",
            author_name=cards[t.author_id].name if t.author_id in cards else "",
            pinned=t.pinned,
            closed=t.closed,
            answered=t.accepted_post_id is not None,
            replies=max(0, t.post_count - 1),
            last_posted_at=t.last_posted_at,
            unread=unread.get(t.id or 0, 0),
        )
        for t in rows
    ]


def list_threads(
    session: Session, viewer: Actor | None, category_slug: Any, page: Any = 1
) -> tuple[list[ThreadSummary], bool]:
    """A category's threads, pinned first then by latest post; and whether more follow."""
    category = category_by_slug(session, viewer, category_slug)
    number = _page(page)
    rows = session.exec(
        select(ForumThread)
        .where(ForumThread.category_id == category.id)
        .order_by(col(ForumThread.pinned).desc(), col(ForumThread.last_posted_at).desc())
        .offset((number - 1) * THREADS_PER_PAGE)
        .limit(THREADS_PER_PAGE + 1)
    ).all()
    return summaries(session, viewer, list(rows[:THREADS_PER_PAGE])), len(rows) > THREADS_PER_PAGE


def _reactions(
    session: Session, viewer: Actor | None, post_ids: list[int]
) -> dict[int, list[ReactionCount]]:
    """Each post's reaction counts, and whether the viewer gave each one: one statement."""
    if not post_ids:
        return {}
    me = viewer.user_id if viewer is not None else -1
    counts = session.exec(
        select(
            ForumReaction.post_id,
            ForumReaction.reaction,
            func.count(),
            func.max(case((col(ForumReaction.user_id) == me, 1), else_=0)),
        )
        .where(col(ForumReaction.post_id).in_(post_ids))
        .group_by(col(ForumReaction.post_id), col(ForumReaction.reaction))
    ).all()
    found: dict[int, list[ReactionCount]] = {}
    for post_id, reaction, n, mine in counts:
        found.setdefault(post_id, []).append(
            ReactionCount(
                reaction=reaction, emoji=REACTIONS.get(reaction, ""), count=n, mine=bool(mine)
            )
        )
    for shown in found.values():
        shown.sort(
            key=lambda r: list(REACTIONS).index(r.reaction) if r.reaction in REACTIONS else 99
        )
    return found


def _mark_read(session: Session, viewer: Actor, thread: ForumThread, highest: int) -> None:
    row = session.get(ForumThreadRead, (viewer.user_id, thread.id))
    entered = row is None
    if row is None:
        row = ForumThreadRead(user_id=viewer.user_id, thread_id=thread.id or 0, last_read=0)
    newly = max(0, highest - row.last_read)
    if newly or entered:
        row.last_read = max(row.last_read, highest)
        session.add(row)
        session.flush()
    trust.record_page(session, viewer.user_id, posts_read=newly, threads_entered=int(entered))


def _marks(session: Session, user_id: int, thread: ForumThread) -> tuple[bool, NotificationLevel]:
    """Whether the reader bookmarked the thread, and their level on it, in one statement
    (what ``levels.level_for`` answers: the thread's level, else the category's, else normal)."""
    bookmarked = (
        select(ForumBookmark.user_id)
        .where(ForumBookmark.user_id == user_id, ForumBookmark.thread_id == thread.id)
        .exists()
    )
    on_thread = (
        select(ForumThreadLevel.level)
        .where(ForumThreadLevel.user_id == user_id, ForumThreadLevel.thread_id == thread.id)
        .scalar_subquery()
    )
    on_category = (
        select(ForumCategoryLevel.level)
        .where(
            ForumCategoryLevel.user_id == user_id,
            ForumCategoryLevel.category_id == thread.category_id,
        )
        .scalar_subquery()
    )
    mark, level, above = session.execute(select(bookmarked, on_thread, on_category)).one()
    chosen = level or above
    return bool(mark), NotificationLevel(chosen) if chosen else NotificationLevel.NORMAL


def read_thread(
    session: Session, viewer: Actor | None, thread_id: Any, page: Any = 1
) -> ThreadPage:
    """One page of a thread as the viewer may see it (hidden posts' text only to their
    author and moderators)."""
    thread, category = thread_for(session, viewer, thread_id)
    number = _page(page)
    pages = max(1, -(-thread.post_count // POSTS_PER_PAGE))
    number = min(number, pages)
    low = (number - 1) * POSTS_PER_PAGE
    posts = session.exec(
        select(ForumPost)
        .where(
            ForumPost.thread_id == thread.id,
            col(ForumPost.number) > low,
            col(ForumPost.number) <= low + POSTS_PER_PAGE,
        )
        .order_by(col(ForumPost.number))
    ).all()
    moderator = can_moderate(session, viewer, category)
    cards = person_cards(session, {p.author_id for p in posts})
    replied = {p.reply_to_id for p in posts if p.reply_to_id}
    reply_numbers = (
        dict(
            session.exec(
                select(ForumPost.id, ForumPost.number).where(col(ForumPost.id).in_(replied))
            ).all()
        )
        if replied
        else {}
    )
    reactions = _reactions(session, viewer, [p.id or 0 for p in posts])
    me = viewer.user_id if viewer is not None else None
    shown = []
    for p in posts:
        card = cards.get(p.author_id)
        concealed = p.deleted_at is not None or (
            p.hidden_at is not None and not moderator and p.author_id != me
        )
        shown.append(
            PostPublic(
                id=p.id or 0,
                number=p.number,
                author_id=p.author_id,
                author_handle=card.handle if card else "",
                author_name=card.name if card else "",
                author_initials=card.initials if card else "",
                author_avatar_url=card.avatar_url if card else "",
                body_html="" if concealed else p.body_html,
                body_md="" if concealed else p.body_md,
                created_at=p.created_at,
                edited=p.edit_count > 0,
                edit_count=p.edit_count,
                hidden=p.hidden_at is not None,
                deleted=p.deleted_at is not None,
                accepted=thread.accepted_post_id == p.id,
                reply_to_number=reply_numbers.get(p.reply_to_id) if p.reply_to_id else None,
                reactions=reactions.get(p.id or 0, []),
                mine=p.author_id == me,
            )
        )
    bookmarked, level, may_post = False, NotificationLevel.NORMAL, False
    if viewer is not None:
        if posts:
            _mark_read(session, viewer, thread, posts[-1].number)
        bookmarked, level = _marks(session, viewer.user_id, thread)
        try:
            check_can_post(session, viewer, category)
            may_post = not thread.closed or moderator
        except DomainError:
            may_post = False
    return ThreadPage(
        id=thread.id or 0,
        title=thread.title,
        category=public(category),
        author_id=thread.author_id,
        pinned=thread.pinned,
        closed=thread.closed,
        accepted_post_id=thread.accepted_post_id,
        posts=shown,
        page=number,
        pages=pages,
        bookmarked=bookmarked,
        level=level,
        can_reply=may_post,
        can_moderate=moderator,
        can_accept=viewer is not None and viewer.user_id == thread.author_id,
    )


def list_revisions(session: Session, viewer: Actor | None, post_id: Any) -> list[RevisionPublic]:
    """A post's earlier versions, oldest first (anyone who may read the post)."""
    post, _thread, category = post_for(session, viewer, post_id)
    if post.deleted_at is not None or (
        post.hidden_at is not None
        and not can_moderate(session, viewer, category)
        and (viewer is None or viewer.user_id != post.author_id)
    ):
        return []
    rows = session.exec(
        select(ForumPostRevision)
        .where(ForumPostRevision.post_id == post.id)
        .order_by(col(ForumPostRevision.id))
    ).all()
    return [
        RevisionPublic(body_html=r.body_html, written_at=r.written_at, replaced_at=r.replaced_at)
        for r in rows
    ]
