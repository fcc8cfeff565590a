"""Notify a user in the app; list, count and mark their notifications (their own only).

Other features call :func:`notify` inside their own unit of work, so an action that rolls
back notifies nobody. Each user keeps at most ``KEEP`` notifications: writing one deletes
those older than the newest ``KEEP`` (one short walk of the ``(user_id, id)`` index), so
no retention job is needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, update
from sqlmodel import Session, col, select

from aixplore.core import live
from aixplore.core.errors import NotFound, ValidationFailed
from aixplore.core.settings import get_settings
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import Actor, User
from aixplore.domain.accounts.services import require_actor
from aixplore.domain.mail.services import do_queue_mail
from aixplore.domain.notifications.models import (
    BODY_MAX,
    KINDS,
    LINK_MAX,
    TITLE_MAX,
    Notification,
    NotificationPage,
    NotificationPublic,
    NotificationSettings,
)
from aixplore.domain.notifications.preferences import channel_for, in_quiet_hours

KEEP = 500
PAGE_MAX = 100
ACTORS_KEPT = 200  # names a grouped notification remembers ("Ana and 199 others" at most)


@dataclass(frozen=True)
class Grouping:
    """Lets unread notifications about one thing become one ("Ana and 3 others reacted ...").

    ``key`` names the thing ("reaction:/forums/t/4#post-2"); ``action`` completes the grouped
    title after the names ("reacted to your post in “Prices”").
    """

    key: str
    actor_id: int
    actor_name: str
    action: str


def valid_link(link: str) -> bool:
    """Whether ``link`` is a path inside the app ("/orders/12"), never another site."""
    if link == "":
        return True
    inside = link.startswith("/") and not link.startswith("//") and "\\" not in link
    return inside and len(link) <= LINK_MAX and link.isprintable()


def notify(
    session: Session,
    user_id: int,
    kind: str,
    title: str,
    body: str = "",
    link: str = "",
    *,
    group: Grouping | None = None,
) -> Notification | None:
    """Add a notification for ``user_id`` in the caller's unit of work, as they chose.

    ``kind`` is one of ``KINDS`` and ``link`` a path inside the app: callers build both, so a
    wrong one is a programming error (ValueError), not the user's. Long texts are shortened.
    A kind the user turned off stores nothing (None); one they want by mail is also queued in
    the outbox, unless it is their quiet hours. With ``group``, an unread notification with
    the same key is replaced by one naming everyone (it moves to the top).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    if not valid_link(link):
        raise ValueError(f"a notification links inside the app only, not {link!r}")
    prefs = session.get(NotificationSettings, user_id)
    channel = channel_for(prefs, kind)
    if channel == "off":
        return None
    actors: list[list[Any]] | None = None
    if group is not None:
        actors, title = _grouped(session, user_id, group, title)
    notification = Notification(
        user_id=user_id,
        kind=kind,
        title=_shorten(title, TITLE_MAX),
        body=_shorten(body, BODY_MAX),
        link=link,
        group_key=group.key[: LINK_MAX + 20] if group is not None else "",
        actors=actors,
    )
    session.add(notification)
    session.flush()
    _prune(session, user_id)
    if channel == "email" and not in_quiet_hours(prefs, utcnow()):
        _mail(session, notification)
    # The bell of each open tab of the user counts again once this is committed.
    item = {"kind": "notification", "id": notification.id}
    live.publish_after_commit(session, live.user_channel(user_id), item)
    return notification


def _grouped(
    session: Session, user_id: int, group: Grouping, title: str
) -> tuple[list[list[Any]], str]:
    """Take in the unread notification with the group's key (deleted); the actors and title."""
    earlier = session.exec(
        select(Notification)
        .where(
            Notification.user_id == user_id,
            Notification.group_key == group.key[: LINK_MAX + 20],
            col(Notification.read_at).is_(None),
        )
        .order_by(col(Notification.id).desc())
        .limit(1)
    ).first()
    actors: list[list[Any]] = [[group.actor_id, group.actor_name]]
    if earlier is None:
        return actors, title
    actors += [a for a in earlier.actors or [] if a and a[0] != group.actor_id]
    actors = actors[:ACTORS_KEPT]
    session.delete(earlier)
    if len(actors) == 1:
        return actors, title
    others = len(actors) - 1
    who = (
        f"{actors[0][1]} and {actors[1][1]}"
        if others == 1
        else f"{actors[0][1]} and {others} others"
    )
    return actors, f"{who} {group.action}"


def _mail(session: Session, notification: Notification) -> None:
    """Queue the notification as a mail to its owner (the outbox sends it after commit)."""
    user = session.get(User, notification.user_id)
    if user is None or not user.email:
        return
    link = (
        f"\n\n{get_settings().base_url.rstrip('/')}{notification.link}" if notification.link else ""
    )
    body = f"{notification.body}\n" if notification.body else ""
    do_queue_mail(
        session,
        to=user.email,
        subject=notification.title,
        body=(
            f"Hello {user.display_name},\n\n{notification.title}\n{body}{link}\n\n"
            "Choose what reaches you by mail: Settings → Notifications."
        ),
        kind="notification",
        user_id=user.id,
    )


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _prune(session: Session, user_id: int) -> None:
    """Delete what lies beyond the newest ``KEEP`` (read or not: the bound is hard)."""
    oldest_kept = session.exec(
        select(Notification.id)
        .where(Notification.user_id == user_id)
        .order_by(col(Notification.id).desc())
        .offset(KEEP - 1)
        .limit(1)
    ).first()
    if oldest_kept is not None:
        session.execute(
            delete(Notification).where(
                col(Notification.user_id) == user_id, col(Notification.id) < oldest_kept
            )
        )


def _public(row: Notification) -> NotificationPublic:
    return NotificationPublic(
        id=row.id or 0,
        kind=row.kind,
        title=row.title,
        body=row.body,
        link=row.link,
        created_at=row.created_at,
        read=row.read_at is not None,
        group_key=row.group_key,
    )


def _id(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31:
        return value
    return None


def list_my_notifications(
    session: Session, actor: Actor | None, *, before_id: Any = None, limit: Any = 20
) -> NotificationPage:
    """The actor's notifications, newest first, older than ``before_id`` when given."""
    actor = require_actor(actor)
    cursor = _id(before_id)
    if before_id is not None and cursor is None:
        raise ValidationFailed("That page of notifications does not exist.")
    size = _id(limit)
    if size is None or size > PAGE_MAX:
        raise ValidationFailed(f"Ask for 1 to {PAGE_MAX} notifications at a time.")
    query = select(Notification).where(Notification.user_id == actor.user_id)
    if cursor is not None:
        query = query.where(col(Notification.id) < cursor)
    rows = session.exec(query.order_by(col(Notification.id).desc()).limit(size + 1)).all()
    return NotificationPage(items=[_public(r) for r in rows[:size]], more=len(rows) > size)


def list_my_notifications_after(
    session: Session, actor: Actor | None, after_id: int, limit: int = PAGE_MAX
) -> list[NotificationPublic]:
    """The actor's notifications newer than ``after_id``, oldest first (live readers)."""
    actor = require_actor(actor)
    rows = session.exec(
        select(Notification)
        .where(Notification.user_id == actor.user_id, col(Notification.id) > after_id)
        .order_by(col(Notification.id))
        .limit(max(1, min(limit, PAGE_MAX)))
    ).all()
    return [_public(r) for r in rows]


def newest_notification_id(session: Session, actor: Actor | None) -> int:
    """The id of the actor's newest notification (0 when none): where a live reader starts."""
    actor = require_actor(actor)
    found = session.exec(
        select(func.max(Notification.id)).where(Notification.user_id == actor.user_id)
    ).one()
    return int(found or 0)


def unread_count(session: Session, actor: Actor | None) -> int:
    """How many of the actor's notifications are unread (one count over a partial index)."""
    actor = require_actor(actor)
    return session.exec(
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == actor.user_id, col(Notification.read_at).is_(None))
    ).one()


def get_my_notification(
    session: Session, actor: Actor | None, notification_id: Any
) -> NotificationPublic:
    """One of the actor's notifications; anyone else's does not exist."""
    actor = require_actor(actor)
    wanted = _id(notification_id)
    row = session.get(Notification, wanted) if wanted is not None else None
    if row is None or row.user_id != actor.user_id:
        raise NotFound("No such notification.")
    return _public(row)


def do_mark_read(session: Session, actor: Actor | None, notification_id: Any) -> NotificationPublic:
    """Mark one of the actor's notifications read (again is fine); others' do not exist."""
    actor = require_actor(actor)
    wanted = _id(notification_id)
    row = session.get(Notification, wanted) if wanted is not None else None
    if row is None or row.user_id != actor.user_id:
        raise NotFound("No such notification.")
    if row.read_at is None:
        row.read_at = utcnow()
        session.add(row)
        session.flush()
    return _public(row)


def do_mark_all_read(session: Session, actor: Actor | None) -> int:
    """Mark every unread notification of the actor read; returns how many were unread."""
    actor = require_actor(actor)
    result = session.execute(
        update(Notification)
        .where(col(Notification.user_id) == actor.user_id, col(Notification.read_at).is_(None))
        .values(read_at=utcnow())
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
