"""Home timelines: the ``timeline_entry`` table, and a Redis sorted set per reader beside it.

The table is the record on every engine. With Redis configured, each reader's newest
``REDIS_KEEP`` item ids are also kept in ``feed:<user id>`` (score and member: the item id),
so a page is one round trip (the marker's ZSCORE and a ZREVRANGEBYSCORE, pipelined). The set
holds a marker member whose score says whether the set is complete (-1) or was trimmed (-2); a
set without it (never built, evicted, Redis restarted) is rebuilt from the table on the next
read, and a read the set cannot answer whole (older than a trimmed set reaches) goes to the
table. A Redis that fails is logged and
the table answers: the feed never depends on Redis being up.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import delete, literal, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.sql import Select
from sqlmodel import Session, col

from aixplore.core.events import publish_after_commit, subscribe
from aixplore.core.redis import get_redis
from aixplore.domain.activity.models import FeedItem
from aixplore.domain.relations.models import Follow
from aixplore.domain.social.models import TimelineEntry

log = logging.getLogger(__name__)

# Readers besides followers who get an item (a group's members, registered by domain/groups):
# each returns a (user_id, item_id) select, or None when the item is not theirs.
Audience = Callable[[FeedItem], "Select | None"]
_AUDIENCES: list[Audience] = []


def register_audience(audience: Audience) -> None:
    """Add readers to fan-out (once per process; features register when imported)."""
    if audience not in _AUDIENCES:
        _AUDIENCES.append(audience)


REDIS_KEEP = 800
BACKFILL = 20  # a new follow brings the person's last items into the follower's timeline
_MARK = "m"
_COMPLETE, _TRIMMED = -1, -2
_FORGET = "social.timeline.forget"

# Add an item to each existing set (a missing set is rebuilt from the table when read) and
# trim to the newest REDIS_KEEP, marking a trimmed set as such.
_ADD = """
for _, key in ipairs(KEYS) do
  if redis.call('ZSCORE', key, 'm') then
    redis.call('ZADD', key, ARGV[1], ARGV[1])
    if redis.call('ZCARD', key) > tonumber(ARGV[2]) + 1 then
      redis.call('ZREMRANGEBYRANK', key, 1, -(tonumber(ARGV[2]) + 1))
      redis.call('ZADD', key, -2, 'm')
    end
  end
end
return 1
"""


def key(user_id: int) -> str:
    """The Redis key of a reader's timeline."""
    return f"feed:{user_id}"


def _insert_ignore(session: Session, rows: Select) -> int:
    """INSERT the (user_id, item_id) rows ``rows`` selects, skipping pairs already there."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert(TimelineEntry)
        .from_select(["user_id", "item_id"], rows)
        .on_conflict_do_nothing(index_elements=["user_id", "item_id"])
        .returning(col(TimelineEntry.user_id))
    )
    return len(session.execute(statement).all())


def _readers(item: FeedItem) -> list[Select]:
    followers = select(col(Follow.follower_id), literal(item.id)).where(
        col(Follow.followee_id) == item.actor_id
    )
    found = [] if item.members_only else [followers]
    for audience in _AUDIENCES:
        rows = audience(item)
        if rows is not None:
            found.append(rows)
    return found


def fan_out(session: Session, item: FeedItem) -> int:
    """Put ``item`` in the timeline of each follower of its author and of each other reader
    an audience adds (a group's members); again: no change. Members-only items skip
    followers."""
    added, ids = 0, set()
    for rows in _readers(item):
        added += _insert_ignore(session, rows)
        ids |= {int(u) for u in session.execute(rows).scalars().all()}
    client = get_redis()
    if client is not None:
        ids = sorted(ids)
        try:
            script = client.register_script(_ADD)
            for start in range(0, len(ids), 1000):
                script(
                    keys=[key(int(u)) for u in ids[start : start + 1000]],
                    args=[item.id or 0, REDIS_KEEP],
                )
        except Exception:  # the table is the record: a lost Redis write only costs a rebuild
            log.warning("timeline fan-out to Redis failed", exc_info=True)
            forget_after_commit(session, [int(u) for u in ids])
    return added


def backfill(session: Session, user_id: int, author_id: int) -> None:
    """Bring ``author_id``'s last items into ``user_id``'s timeline (on a new follow)."""
    recent = (
        select(literal(user_id), col(FeedItem.id))
        .where(col(FeedItem.actor_id) == author_id, col(FeedItem.members_only).is_(False))
        .order_by(col(FeedItem.id).desc())
        .limit(BACKFILL)
    )
    _insert_ignore(session, recent)
    forget_after_commit(session, [user_id])


def remove_author(session: Session, user_id: int, author_id: int) -> None:
    """Take ``author_id``'s items out of ``user_id``'s timeline (unfollow, block)."""
    theirs = select(col(FeedItem.id)).where(col(FeedItem.actor_id) == author_id)
    session.execute(
        delete(TimelineEntry).where(
            col(TimelineEntry.user_id) == user_id, col(TimelineEntry.item_id).in_(theirs)
        )
    )
    forget_after_commit(session, [user_id])


def remove_group(session: Session, user_id: int, group_id: int) -> None:
    """Take a group's members-only items out of ``user_id``'s timeline (they left it)."""
    theirs = select(col(FeedItem.id)).where(
        col(FeedItem.group_id) == group_id, col(FeedItem.members_only).is_(True)
    )
    session.execute(
        delete(TimelineEntry).where(
            col(TimelineEntry.user_id) == user_id, col(TimelineEntry.item_id).in_(theirs)
        )
    )
    forget_after_commit(session, [user_id])


def forget_after_commit(session: Session, user_ids: list[int]) -> None:
    """Drop these readers' Redis sets once the change commits (rebuilt on their next read)."""
    if get_redis() is not None and user_ids:
        publish_after_commit(session, _FORGET, list(user_ids))


def _forget(user_ids: list[int]) -> None:
    client = get_redis()
    if client is not None:
        client.delete(*[key(u) for u in user_ids])


subscribe(_FORGET, _forget)


def _table_page(session: Session, user_id: int, before: int | None, size: int) -> list[int]:
    query = select(col(TimelineEntry.item_id)).where(col(TimelineEntry.user_id) == user_id)
    if before is not None:
        query = query.where(col(TimelineEntry.item_id) < before)
    query = query.order_by(col(TimelineEntry.item_id).desc()).limit(size)
    return [int(i) for i in session.execute(query).scalars().all()]


def _rebuild(session: Session, user_id: int) -> None:
    client = get_redis()
    assert client is not None
    ids = _table_page(session, user_id, None, REDIS_KEEP + 1)
    mark = _TRIMMED if len(ids) > REDIS_KEEP else _COMPLETE
    mapping: dict[str, float] = {str(i): float(i) for i in ids[:REDIS_KEEP]}
    mapping[_MARK] = float(mark)
    pipe = client.pipeline(transaction=True)
    pipe.delete(key(user_id))
    pipe.zadd(key(user_id), mapping)
    pipe.execute()


def page(session: Session, user_id: int, before: int | None, size: int) -> list[int]:
    """Up to ``size`` item ids of a reader's timeline below ``before``, newest first."""
    client = get_redis()
    if client is None:
        return _table_page(session, user_id, before, size)
    top = f"({before}" if before is not None else "+inf"
    try:
        for _attempt in range(2):
            # The marker and the page in one round trip; a set without its marker is rebuilt.
            pipe = client.pipeline(transaction=False)
            pipe.zscore(key(user_id), _MARK)
            pipe.zrevrangebyscore(key(user_id), top, "(0", start=0, num=size)
            mark, found = pipe.execute()
            if mark is not None:
                break
            _rebuild(session, user_id)
        else:
            return _table_page(session, user_id, before, size)
    except Exception:
        log.warning("reading a timeline from Redis failed; reading the table", exc_info=True)
        return _table_page(session, user_id, before, size)
    ids = [int(i) for i in found]  # type: ignore[union-attr]
    if len(ids) == size or mark == _COMPLETE:
        return ids
    return _table_page(session, user_id, before, size)
