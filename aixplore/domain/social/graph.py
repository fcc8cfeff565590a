"""Follows, blocks and mutes between people, their lists and who to follow next.

Everyone is named by handle (as the pages and the API name them); the actor only ever comes
from the caller's checked session. Following is one-way and needs no approval. A block ends
follows both ways and keeps the blocked person from seeing the blocker's profile, following
them or replying to them; a mute only takes the muted person's items out of the muter's feed.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, update
from sqlmodel import Session, col, select

from aixplore.core.errors import Conflict, PermissionDenied, ValidationFailed
from aixplore.domain.accounts.models import Actor
from aixplore.domain.accounts.services import require_actor
from aixplore.domain.discovery.models import Bookmark
from aixplore.domain.notifications.services import Grouping, notify
from aixplore.domain.relations.models import Block, ConnectionStatus, Follow, Mute
from aixplore.domain.relations.services import (
    connection_between,
    end_connection,
    follows,
    has_blocked,
)
from aixplore.domain.social import timeline
from aixplore.domain.social.handles import ensure_profiles, resolve_handle
from aixplore.domain.social.models import PersonCard, Profile, Relationship
from aixplore.domain.social.people import check_can_view_section, person_cards
from aixplore.domain.solutions.models import Solution, SolutionStatus

PAGE_MAX = 100
FOLLOWING_MAX = 5000  # a person may follow at most this many (Mastodon's limit too, near enough)


def other_person(session: Session, actor: Actor, handle: Any) -> Profile:
    """The profile ``handle`` names, refused when it is the actor's own."""
    profile, _old = resolve_handle(session, handle)
    if profile.user_id == actor.user_id:
        raise ValidationFailed("That is you.")
    ensure_profiles(session, [actor.user_id])
    return profile


def _count(session: Session, user_id: int, column: str, change: int) -> None:
    session.execute(
        update(Profile)
        .where(col(Profile.user_id) == user_id)
        .values({column: getattr(Profile, column) + change})
    )


def _end_follow(session: Session, follower_id: int, followee_id: int) -> bool:
    ended = session.execute(
        delete(Follow).where(
            col(Follow.follower_id) == follower_id, col(Follow.followee_id) == followee_id
        )
    )
    if not ended.rowcount:  # type: ignore[attr-defined]
        return False
    _count(session, follower_id, "following_count", -1)
    _count(session, followee_id, "follower_count", -1)
    timeline.remove_author(session, follower_id, followee_id)
    return True


def relationship(session: Session, viewer: Actor | None, user_id: int) -> Relationship:
    """How ``viewer`` stands to ``user_id`` (all false for a visitor)."""
    if viewer is None:
        return Relationship()
    me = viewer.user_id
    if me == user_id:
        return Relationship(me=True)
    row = connection_between(session, me, user_id)
    connection = (
        ""
        if row is None
        else "connected"
        if row.status == ConnectionStatus.ACCEPTED
        else "requested"
        if row.requester_id == me
        else "asked_me"
    )
    return Relationship(
        connection=connection,
        following=follows(session, me, user_id),
        follows_me=follows(session, user_id, me),
        blocked=has_blocked(session, me, user_id),
        muted=session.get(Mute, (me, user_id)) is not None,
    )


def do_follow(session: Session, actor: Actor | None, handle: Any) -> Relationship:
    """Follow the person ``handle`` names (again: no change) and tell them."""
    actor = require_actor(actor)
    target = other_person(session, actor, handle)
    if has_blocked(session, target.user_id, actor.user_id):
        raise PermissionDenied(f"You cannot follow @{target.handle}: they have blocked you.")
    if has_blocked(session, actor.user_id, target.user_id):
        raise Conflict(f"You blocked @{target.handle}. Unblock them first to follow them.")
    if follows(session, actor.user_id, target.user_id):
        return relationship(session, actor, target.user_id)
    mine = ensure_profiles(session, [actor.user_id])[actor.user_id]
    if mine.following_count >= FOLLOWING_MAX:
        raise Conflict(f"You can follow at most {FOLLOWING_MAX:,} people.")
    session.add(Follow(follower_id=actor.user_id, followee_id=target.user_id))
    session.flush()
    _count(session, actor.user_id, "following_count", 1)
    _count(session, target.user_id, "follower_count", 1)
    timeline.backfill(session, actor.user_id, target.user_id)
    notify(
        session,
        target.user_id,
        "follow",
        f"{actor.display_name} (@{mine.handle}) followed you",
        link=f"/u/{mine.handle}",
        group=Grouping("follow", actor.user_id, actor.display_name, "followed you"),
    )
    return relationship(session, actor, target.user_id)


def do_unfollow(session: Session, actor: Actor | None, handle: Any) -> Relationship:
    """Stop following ``handle`` (not following: no change)."""
    actor = require_actor(actor)
    target = other_person(session, actor, handle)
    _end_follow(session, actor.user_id, target.user_id)
    return relationship(session, actor, target.user_id)


def do_block(session: Session, actor: Actor | None, handle: Any) -> Relationship:
    """Block ``handle``: follows both ways and any connection end; they cannot see, follow,
    connect with or answer the actor."""
    actor = require_actor(actor)
    target = other_person(session, actor, handle)
    if not has_blocked(session, actor.user_id, target.user_id):
        session.add(Block(blocker_id=actor.user_id, blocked_id=target.user_id))
        session.flush()
    _end_follow(session, actor.user_id, target.user_id)
    _end_follow(session, target.user_id, actor.user_id)
    end_connection(session, actor.user_id, target.user_id)
    return relationship(session, actor, target.user_id)


def do_unblock(session: Session, actor: Actor | None, handle: Any) -> Relationship:
    """Lift a block (the follows it ended stay ended)."""
    actor = require_actor(actor)
    target = other_person(session, actor, handle)
    session.execute(
        delete(Block).where(
            col(Block.blocker_id) == actor.user_id, col(Block.blocked_id) == target.user_id
        )
    )
    return relationship(session, actor, target.user_id)


def do_set_muted(session: Session, actor: Actor | None, handle: Any, muted: Any) -> Relationship:
    """Mute or unmute ``handle`` (their items leave or return to the actor's feed)."""
    actor = require_actor(actor)
    if not isinstance(muted, bool):
        raise ValidationFailed("Say whether to mute or unmute.")
    target = other_person(session, actor, handle)
    exists = session.get(Mute, (actor.user_id, target.user_id))
    if muted and exists is None:
        session.add(Mute(muter_id=actor.user_id, muted_id=target.user_id))
    elif not muted and exists is not None:
        session.delete(exists)
    session.flush()
    return relationship(session, actor, target.user_id)


def page_cursor(before: Any) -> int | None:
    """A list's cursor (the last user id shown), checked."""
    if before is None:
        return None
    if not isinstance(before, int) or isinstance(before, bool) or not 0 < before < 2**31:
        raise ValidationFailed("That page does not exist.")
    return before


def page_size(limit: Any) -> int:
    """A list's page size, checked."""
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= PAGE_MAX:
        raise ValidationFailed(f"Ask for 1 to {PAGE_MAX} people at a time.")
    return limit


def list_people(
    session: Session,
    viewer: Actor | None,
    handle: Any,
    which: Any,
    *,
    before: Any = None,
    limit: Any = 30,
) -> tuple[list[PersonCard], int | None]:
    """A profile's followers or following (``which``), newest first, as its viewer may see.

    The cursor is the user id of the last person shown (ids order the page, so a follow made
    meanwhile never shifts what comes next); returns the page and the next cursor.
    """
    if which not in ("followers", "following"):
        raise ValidationFailed("Choose followers or following.")
    profile, _old = resolve_handle(session, handle)
    check_can_view_section(session, viewer, profile, "network")
    cursor, size = page_cursor(before), page_size(limit)
    mine, theirs = (
        (Follow.followee_id, Follow.follower_id)
        if which == "followers"
        else (Follow.follower_id, Follow.followee_id)
    )
    query = select(theirs).where(col(mine) == profile.user_id)
    if cursor is not None:
        query = query.where(col(theirs) < cursor)
    ids = [int(i) for i in session.exec(query.order_by(col(theirs).desc()).limit(size + 1)).all()]
    cards = person_cards(session, ids[:size])
    page = [cards[i] for i in ids[:size] if i in cards]
    return page, (ids[size - 1] if len(ids) > size else None)


def suggestions(session: Session, actor: Actor | None, limit: int = 5) -> list[PersonCard]:
    """People the actor may want to follow: followed by people they follow, then publishers
    of solutions they bookmarked; never themselves, people they follow, or blocks either way."""
    actor = require_actor(actor)
    me = actor.user_id
    excluded = (
        set(session.exec(select(Follow.followee_id).where(Follow.follower_id == me)).all())
        | set(session.exec(select(Block.blocked_id).where(Block.blocker_id == me)).all())
        | set(session.exec(select(Block.blocker_id).where(Block.blocked_id == me)).all())
        | {me}
    )
    mine = select(Follow.followee_id).where(Follow.follower_id == me)
    second = session.exec(
        select(Follow.followee_id, func.count())
        .where(col(Follow.follower_id).in_(mine))
        .group_by(col(Follow.followee_id))
        .order_by(func.count().desc(), col(Follow.followee_id))
        .limit(limit + len(excluded))
    ).all()
    picked: dict[int, str] = {}
    for uid, shared in second:
        if uid not in excluded and len(picked) < limit:
            picked[uid] = f"Followed by {shared} {'person' if shared == 1 else 'people'} you follow"
    if len(picked) < limit:
        publishers = session.exec(
            select(Solution.owner_id)
            .join(Bookmark, col(Bookmark.solution_id) == col(Solution.id))
            .where(Bookmark.user_id == me, Solution.status == SolutionStatus.PUBLISHED)
            .group_by(col(Solution.owner_id))
            .order_by(func.max(Bookmark.created_at).desc())
            .limit(limit + len(excluded))
        ).all()
        for uid in publishers:
            if uid not in excluded and uid not in picked and len(picked) < limit:
                picked[uid] = "Publishes something you bookmarked"
    cards = person_cards(session, picked)
    return [
        cards[uid].model_copy(update={"reason": reason})
        for uid, reason in picked.items()
        if uid in cards
    ]
