"""Recording what people do for their followers' feeds (called by the feature services).

Kept apart from ``feed.py`` (which reads solutions, reviews and events) so that the services
of those features can record without importing each other through it.
"""

from __future__ import annotations

from sqlmodel import Session, select

from aixplore.core.events import publish_after_commit
from aixplore.domain.activity.models import FeedItem, FeedKind

FEED_ITEM_ADDED = "social.feed_item_added"


def record_activity(
    session: Session,
    actor_id: int,
    kind: FeedKind,
    subject_id: int,
    *,
    group_id: int | None = None,
    members_only: bool = False,
) -> None:
    """Note that ``actor_id`` did ``kind`` to ``subject_id`` (once per subject).

    The jobs layer fans the item out after the caller commits (nothing on a rollback). An
    item of group ``group_id`` reaches its members too; ``members_only`` keeps it from the
    author's followers (a private or secret group's).
    """
    exists = session.exec(
        select(FeedItem.id).where(FeedItem.kind == kind, FeedItem.subject_id == subject_id)
    ).first()
    if exists is not None:
        return
    item = FeedItem(
        actor_id=actor_id,
        kind=kind,
        subject_id=subject_id,
        group_id=group_id,
        members_only=members_only,
    )
    session.add(item)
    session.flush()
    publish_after_commit(session, FEED_ITEM_ADDED, item.id)
