"""The notification digest: a daily or weekly mail of what a user missed, in their time zone.

A daily digest is due from 08:00 local time, a weekly one from Monday 08:00 local time, and
not inside the user's quiet hours (then it waits for them to end). Each period is claimed
with a conditional UPDATE of ``digest_period`` in the same transaction as the mail is queued
(the event reminders' approach), so two job workers never mail one period twice, and a
worker that rolls back leaves the period for the next run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from aixplore.core.settings import get_settings
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import User
from aixplore.domain.mail.services import do_queue_mail
from aixplore.domain.notifications.models import Notification, NotificationSettings
from aixplore.domain.notifications.preferences import in_quiet_hours, zone_of

DIGEST_HOUR = 8
ITEMS_LISTED = 20
BATCH = 1000


@dataclass(frozen=True)
class DueDigest:
    """One user's digest that is due, as read before it is claimed."""

    user_id: int
    seen_period: str
    period: str
    since: datetime | None


def period_due(row: NotificationSettings, now: datetime) -> str | None:
    """The period whose digest is due for ``row``'s owner at ``now``, or None."""
    if row.digest not in ("daily", "weekly") or in_quiet_hours(row, now):
        return None
    local = now.astimezone(zone_of(row.timezone))
    if row.digest == "daily":
        return local.date().isoformat() if local.hour >= DIGEST_HOUR else None
    if local.weekday() == 0 and local.hour < DIGEST_HOUR:
        return None
    year, week, _day = local.isocalendar()
    return f"{year}-W{week:02d}"


def list_due_digests(
    session: Session, now: datetime, after_user_id: int = 0
) -> tuple[list[DueDigest], int | None]:
    """Digests due at ``now`` and not yet claimed among the next ``BATCH`` users with one;
    the last user id read (None: no more)."""
    rows = session.exec(
        select(NotificationSettings)
        .where(
            col(NotificationSettings.digest).in_(("daily", "weekly")),
            col(NotificationSettings.user_id) > after_user_id,
        )
        .order_by(col(NotificationSettings.user_id))
        .limit(BATCH)
    ).all()
    due: list[DueDigest] = []
    for row in rows:
        period = period_due(row, now)
        if period is not None and period != row.digest_period:
            due.append(DueDigest(row.user_id, row.digest_period, period, row.digest_since))
    return due, (rows[-1].user_id if rows else None)


def do_send_digest(session: Session, due: DueDigest, now: datetime) -> bool:
    """Claim ``due``'s period and queue its mail; False when another worker claimed it first."""
    claimed = session.execute(
        update(NotificationSettings)
        .where(
            col(NotificationSettings.user_id) == due.user_id,
            col(NotificationSettings.digest_period) == due.seen_period,
        )
        .values(digest_period=due.period, digest_since=now)
    )
    if getattr(claimed, "rowcount", 0) != 1:
        return False
    since = due.since or now - timedelta(days=7)
    missed = (
        col(Notification.user_id) == due.user_id,
        col(Notification.read_at).is_(None),
        col(Notification.created_at) >= since,
    )
    total = session.exec(select(func.count()).select_from(Notification).where(*missed)).one()
    user = session.get(User, due.user_id)
    if total == 0 or user is None:
        return True  # nothing missed: the period is done without a mail
    rows = session.exec(
        select(Notification)
        .where(*missed)
        .order_by(col(Notification.id).desc())
        .limit(ITEMS_LISTED)
    ).all()
    base = get_settings().base_url.rstrip("/")
    lines = [f"- {n.title}" + (f"\n  {base}{n.link}" if n.link else "") for n in rows]
    if total > len(rows):
        lines.append(f"… and {total - len(rows)} more.")
    noun = "notification" if total == 1 else "notifications"
    do_queue_mail(
        session,
        to=user.email,
        subject=f"Your AiXplore digest: {total} unread {noun}",
        body=(
            f"Hello {user.display_name},\n\nWhat you missed:\n\n" + "\n".join(lines) + "\n\n"
            f"All of them: {base}/notifications\n"
            f"Change or stop this digest: {base}/settings/notifications\n"
        ),
        kind="notification_digest",
        user_id=user.id,
    )
    return True


def do_send_digests(session: Session, now: datetime | None = None) -> int:
    """Send every digest due at ``now``, each period once; returns how many were claimed."""
    now = now or utcnow()
    claimed, after = 0, 0
    while True:
        due, last = list_due_digests(session, now, after)
        claimed += sum(do_send_digest(session, d, now) for d in due)
        if last is None:
            return claimed
        after = last
