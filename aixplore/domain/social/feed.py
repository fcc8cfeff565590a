"""The home feed: what followed people did, newest first, fanned out on write.

A service that does something feed-worthy calls :func:`record_activity` in its unit of work;
after commit the jobs layer fans the item out into each follower's timeline
(:func:`do_fan_out`, idempotent per (reader, item)). An author with more than
``fan_in_above`` followers (``AIXPLORE_FEED_FAN_IN_FOLLOWERS``, 10,000 by default) is not
fanned out: their followers' feeds read that author's items at read time instead (fan-in), so
one post never writes 100,000 rows. Reads merge both, drop muted people and subjects no longer
shown (unpublished, hidden, cancelled) and page by item id, which only grows: a cursor never
shifts, and "N new" counts what lies above the newest id the reader has.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from aixplore.core import live
from aixplore.core.errors import ValidationFailed
from aixplore.core.settings import get_settings
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import Actor
from aixplore.domain.accounts.services import require_actor
from aixplore.domain.activity.models import FeedItem
from aixplore.domain.relations.models import Follow
from aixplore.domain.social import timeline
from aixplore.domain.social.items import entries_for, reader_entries
from aixplore.domain.social.models import FeedEntry, FeedPage, Profile

PAGE_MAX = 50
NEW_MAX = 99  # "99+ new" beyond this


def fan_in_threshold() -> int:
    """Authors with more followers than this are read at read time, not fanned out."""
    return get_settings().feed_fan_in_followers


def do_fan_out(session: Session, item_id: int, *, fan_in_above: int | None = None) -> int:
    """Write item ``item_id`` into its author's followers' timelines; returns rows added.

    Safe to run twice or at once (pairs already there are skipped). Authors above the fan-in
    threshold are left to read time.
    """
    item = session.get(FeedItem, item_id, with_for_update=True)
    if item is None or item.fanned_out_at is not None:
        return 0
    limit = fan_in_threshold() if fan_in_above is None else fan_in_above
    author = session.get(Profile, item.actor_id)
    added = 0
    if author is None or author.follower_count <= limit:
        added = timeline.fan_out(session, item)
        # Open feeds count "N new" again once the rows are committed (core/live.py).
        followers = session.exec(
            select(Follow.follower_id).where(Follow.followee_id == item.actor_id)
        ).all()
        for follower in followers:
            live.publish_after_commit(session, live.user_channel(follower), {"kind": "feed"})
    item.fanned_out_at = utcnow()
    session.add(item)
    session.flush()
    return added


def list_unfanned(session: Session, *, older_than_seconds: int = 120) -> list[int]:
    """Items the after-commit hook missed (a crash between commit and enqueue)."""
    from datetime import timedelta

    cutoff = utcnow() - timedelta(seconds=older_than_seconds)
    return [
        int(i)
        for i in session.exec(
            select(FeedItem.id)
            .where(col(FeedItem.fanned_out_at).is_(None), col(FeedItem.created_at) < cutoff)
            .limit(500)
        ).all()
        if i is not None
    ]


def _fan_in_ids(
    session: Session, user_id: int, before: int | None, size: int, limit: int
) -> list[int]:
    """The newest items of the fan-in authors the reader follows, in one statement.

    The authors come from the few profiles above the threshold (``ix_profile_follower_count``)
    checked against the reader's follows, not from all of the reader's follows joined to
    profiles: a reader following 1,000 people costs a handful of index probes.
    """
    follows = select(Follow.followee_id).where(
        Follow.follower_id == user_id, col(Follow.followee_id) == col(Profile.user_id)
    )
    big = select(Profile.user_id).where(col(Profile.follower_count) > limit, follows.exists())
    query = select(FeedItem.id).where(
        col(FeedItem.actor_id).in_(big), col(FeedItem.members_only).is_(False)
    )
    if before is not None:
        query = query.where(col(FeedItem.id) < before)
    return [int(i or 0) for i in session.exec(query.order_by(col(FeedItem.id).desc()).limit(size))]


def _candidates(
    session: Session, user_id: int, before: int | None, size: int, fan_in_above: int | None
) -> tuple[list[int], bool]:
    """Item ids from the timeline and from fan-in authors, newest first; and whether more
    may lie beyond them."""
    limit = fan_in_threshold() if fan_in_above is None else fan_in_above
    ids = timeline.page(session, user_id, before, size)
    more = len(ids) == size
    pulled = _fan_in_ids(session, user_id, before, size, limit)
    if pulled:
        more = more or len(pulled) == size
        ids = sorted(set(ids) | set(pulled), reverse=True)
    return ids, more


def _cursor(value: Any) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value < 2**31:
        raise ValidationFailed("That page of the feed does not exist.")
    return value


def read_feed(
    session: Session,
    actor: Actor | None,
    *,
    before: Any = None,
    limit: Any = 20,
    fan_in_above: int | None = None,
) -> FeedPage:
    """A page of the actor's home feed, older than item ``before`` when given."""
    actor = require_actor(actor)
    cursor = _cursor(before)
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= PAGE_MAX:
        raise ValidationFailed(f"Ask for 1 to {PAGE_MAX} items at a time.")
    shown: list[FeedEntry] = []
    while True:
        # Over-fetch: some candidates fall away (muted, unpublished); loop until a page is full.
        ids, more = _candidates(session, actor.user_id, cursor, 2 * limit + 1, fan_in_above)
        entries = reader_entries(session, ids, actor.user_id)
        for item_id in ids:
            if item_id in entries:
                shown.append(entries[item_id])
                if len(shown) == limit:
                    rest = [i for i in ids if i < item_id]
                    return FeedPage(items=shown, next_before=item_id if rest or more else None)
        if not more or not ids:
            return FeedPage(items=shown, next_before=None)
        cursor = ids[-1]


def count_new(
    session: Session, actor: Actor | None, after: Any, *, fan_in_above: int | None = None
) -> int:
    """How many feed items are newer than item ``after`` (at most ``NEW_MAX + 1``)."""
    actor = require_actor(actor)
    newest = _cursor(after)
    if newest is None:
        return 0
    ids, _more = _candidates(session, actor.user_id, None, NEW_MAX + 1, fan_in_above)
    newer = [i for i in ids if i > newest]
    return len(reader_entries(session, newer, actor.user_id))


def activity_of(session: Session, user_id: int, limit: int = 10) -> list[FeedEntry]:
    """What one person did lately (their profile's activity), newest first."""
    ids = [
        int(i)
        for i in session.exec(
            select(FeedItem.id)
            .where(FeedItem.actor_id == user_id, col(FeedItem.members_only).is_(False))
            .order_by(col(FeedItem.id).desc())
            .limit(3 * limit)
        ).all()
        if i is not None
    ]
    entries = entries_for(session, ids)
    return [entries[i] for i in ids if i in entries][:limit]
