"""Trust levels, as in Discourse: earned by reading and being read, never asked for.

What we count (``forum_standing``, kept as people use the forum):

- *days visited*: distinct UTC days on which the person opened a forum page;
- *threads entered*: threads whose page they opened;
- *posts read*: posts they have seen on thread pages (each post counts once);
- *replies written*: replies they posted (opening posts not counted);
- *reactions received*: reactions others gave to their posts;
- *reading time*: the time from opening one thread page to opening the next, up to
  ``PAGE_SECONDS`` (2 minutes) a page, and nothing when more than ``READING_GAP`` (10 minutes)
  passed (they were away, not reading). Measured on the server, so the last page of a visit
  is not counted: an underestimate, never more than the time between pages.

Levels only rise; a platform admin may set any level (``do_set_trust_level``), and platform
admins act as level 4.

==========  =====================================================================
Level       Reached when
==========  =====================================================================
0 new       every new account. No links or images; 3 posts a minute, 20 a day.
1 basic     threads entered >= 5 and posts read >= 30.
2 member    days visited >= 15, threads entered >= 20, posts read >= 100,
            replies written >= 3, reactions received >= 1 and 60 minutes reading.
3 regular   days visited >= 50, threads entered >= 100, posts read >= 500,
            replies written >= 10, reactions received >= 20 and 60 minutes reading.
4 leader    set by a platform admin only.
==========  =====================================================================

Posting limits per level (per person, on the app's rate limiter: Redis when configured,
else in process): level 0: 3 a minute and 20 a day; level 1: 6 a minute and 100 a day;
level 2 and up: 12 a minute and 500 a day. New threads count against the same limits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col

from aixplore.core import ratelimit
from aixplore.core.errors import NotFound, PermissionDenied, ValidationFailed
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import Actor, User
from aixplore.domain.accounts.services import require_actor
from aixplore.domain.forums.models import ForumStanding


@dataclass(frozen=True)
class Rule:
    """What it takes to reach a level."""

    days_visited: int
    threads_entered: int
    posts_read: int
    replies_written: int
    reactions_received: int
    reading_seconds: int = 0


RULES: dict[int, Rule] = {
    1: Rule(
        days_visited=0, threads_entered=5, posts_read=30, replies_written=0, reactions_received=0
    ),
    2: Rule(
        days_visited=15,
        threads_entered=20,
        posts_read=100,
        replies_written=3,
        reactions_received=1,
        reading_seconds=3600,
    ),
    3: Rule(
        days_visited=50,
        threads_entered=100,
        posts_read=500,
        replies_written=10,
        reactions_received=20,
        reading_seconds=3600,
    ),
}
PAGE_SECONDS = 120
READING_GAP = timedelta(minutes=10)
LEADER = 4
POST_LIMITS: dict[int, tuple[str, str]] = {
    0: ("3/minute", "20/day"),
    1: ("6/minute", "100/day"),
    2: ("12/minute", "500/day"),
}


def standing(session: Session, user_id: int) -> ForumStanding:
    """The person's standing row (made on first need)."""
    row = session.get(ForumStanding, user_id)
    if row is None:
        # Two first posts at once must not both insert: the second insert does nothing.
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        session.execute(
            insert(ForumStanding)
            .values(user_id=user_id)
            .on_conflict_do_nothing(index_elements=["user_id"])
        )
        row = session.get_one(ForumStanding, user_id)
    return row


def level_of(session: Session, actor: Actor) -> int:
    """The actor's trust level (platform admins: leader)."""
    if actor.is_platform_admin:
        return LEADER
    return standing(session, actor.user_id).trust_level


def _earned(row: ForumStanding) -> int:
    level = row.trust_level
    for target in sorted(RULES):
        rule = RULES[target]
        if target > level and (
            row.days_visited >= rule.days_visited
            and row.threads_entered >= rule.threads_entered
            and row.posts_read >= rule.posts_read
            and row.replies_written >= rule.replies_written
            and row.reactions_received >= rule.reactions_received
            and row.reading_seconds >= rule.reading_seconds
        ):
            level = target
    return level


def promote(session: Session, user_id: int) -> int:
    """Raise the person's level to what their activity earned; returns the level."""
    row = standing(session, user_id)
    session.refresh(row)
    earned = _earned(row)
    if earned > row.trust_level:
        row.trust_level = earned
        session.add(row)
        session.flush()
    return row.trust_level


def count(session: Session, user_id: int, **changes: int) -> None:
    """Add to the person's counters in one UPDATE (no lost increments), then promote."""
    standing(session, user_id)
    session.execute(
        update(ForumStanding)
        .where(col(ForumStanding.user_id) == user_id)
        .values({k: getattr(ForumStanding, k) + v for k, v in changes.items()})
    )
    promote(session, user_id)


def record_page(session: Session, user_id: int, *, posts_read: int, threads_entered: int) -> None:
    """Count one thread page opened: today as a day visited (once per UTC day), the reading
    time since the previous page (see the module's rules), the posts newly seen and the
    thread entered; all in one UPDATE of increments (no lost counts), then promote."""
    row = standing(session, user_id)
    now = utcnow()
    values: dict[str, Any] = {"last_read_at": now}
    changes = {"posts_read": posts_read, "threads_entered": threads_entered}
    if row.last_visit != now.date():
        values["last_visit"] = now.date()
        changes["days_visited"] = 1
    if row.last_read_at is not None and timedelta(0) < now - row.last_read_at <= READING_GAP:
        elapsed = (now - row.last_read_at).total_seconds()
        changes["reading_seconds"] = int(min(elapsed, PAGE_SECONDS))
    changes = {k: v for k, v in changes.items() if v}
    for k, v in changes.items():
        values[k] = getattr(ForumStanding, k) + v
    session.execute(
        update(ForumStanding)
        .where(col(ForumStanding.user_id) == user_id)
        .values(values)
        .execution_options(synchronize_session=False)
    )
    if changes:
        promote(session, user_id)  # reads the row back: it counted what others added too
    else:  # the row this session holds, as the UPDATE left it (not a change to flush)
        set_committed_value(row, "last_read_at", now)


def check_may_post(
    session: Session, actor: Actor, body: str, *, has_link: bool, has_image: bool
) -> None:
    """Refuse what the actor's level forbids: links and images at level 0, and flooding."""
    level = level_of(session, actor)
    if level == 0 and (has_link or has_image):
        what = "links" if has_link else "images"
        raise PermissionDenied(
            f"New members may not post {what} yet. Read a few threads first: once you have "
            "entered 5 threads and read 30 posts you may."
        )
    for limit in POST_LIMITS[min(level, 2)]:
        ratelimit.hit(
            limit,
            "forum-post",
            str(actor.user_id),
            message="You are posting very quickly. Wait a little before posting again.",
        )


def do_set_trust_level(session: Session, actor: Actor | None, user_id: Any, level: Any) -> int:
    """Set someone's trust level (platform admins only)."""
    actor = require_actor(actor)
    if not actor.is_platform_admin:
        raise PermissionDenied("Only platform admins set trust levels.")
    if not isinstance(level, int) or isinstance(level, bool) or not 0 <= level <= LEADER:
        raise ValidationFailed(f"Choose a level from 0 to {LEADER}.")
    if not isinstance(user_id, int) or isinstance(user_id, bool):
        raise ValidationFailed("Say whose level.")
    if session.get(User, user_id) is None:
        raise NotFound("No such person.")
    row = standing(session, user_id)
    row.trust_level = level
    session.add(row)
    session.flush()
    return level
