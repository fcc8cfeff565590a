"""The notification digest: due in the user's time zone, what was missed, once per period."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlmodel import col

from aixplore.core.db import read_scope, session_scope
from aixplore.core.time import utcnow
from aixplore.domain.mail.services import list_outbox_for
from aixplore.domain.notifications import digest, preferences
from aixplore.domain.notifications import services as notifications
from aixplore.domain.notifications.models import Notification, NotificationSettings
from tests.unit.domain.messaging.support import run
from tests.unit.domain.notifications.test_preferences import settings
from tests.unit.domain.social.support import person

# A Monday, 07:30 in Tokyo (UTC+9) and 22:30 the day before in UTC.
TOKYO_MONDAY_0730 = datetime(2026, 12, 6, 22, 30, tzinfo=UTC)


def _digests(email: str) -> list[str]:
    with read_scope() as db:
        return [m.body_text for m in list_outbox_for(db, email) if m.kind == "notification_digest"]


def _backdate(user_id: int, when: datetime) -> None:
    """Make the user's notifications and digest start look older (as if written then)."""
    with session_scope() as db:
        db.execute(
            update(Notification).where(col(Notification.user_id) == user_id).values(created_at=when)
        )
        db.execute(
            update(NotificationSettings)
            .where(col(NotificationSettings.user_id) == user_id)
            .values(digest_since=when)
        )


def test_a_daily_digest_is_due_at_eight_in_the_users_zone() -> None:
    row = NotificationSettings(user_id=1, timezone="Asia/Tokyo", digest="daily")
    assert digest.period_due(row, TOKYO_MONDAY_0730) is None
    assert digest.period_due(row, TOKYO_MONDAY_0730 + timedelta(minutes=30)) == "2026-12-07"
    row.timezone = "UTC"  # 22:30 on Sunday in UTC: Sunday's digest
    assert digest.period_due(row, TOKYO_MONDAY_0730) == "2026-12-06"
    row.quiet_start, row.quiet_end = 22, 23  # it waits for quiet hours to end
    assert digest.period_due(row, TOKYO_MONDAY_0730) is None
    row.digest = "off"
    assert digest.period_due(row, TOKYO_MONDAY_0730 + timedelta(hours=12)) is None


def test_a_weekly_digest_is_due_from_monday_eight_in_the_users_zone() -> None:
    row = NotificationSettings(user_id=1, timezone="Asia/Tokyo", digest="weekly")
    assert digest.period_due(row, TOKYO_MONDAY_0730) is None
    assert digest.period_due(row, TOKYO_MONDAY_0730 + timedelta(hours=1)) == "2026-W50"
    assert digest.period_due(row, TOKYO_MONDAY_0730 + timedelta(days=3)) == "2026-W50"
    row.timezone = "UTC"  # still Sunday there: the week before
    assert digest.period_due(row, TOKYO_MONDAY_0730) == "2026-W49"


def test_the_digest_lists_what_was_missed_once_per_period() -> None:
    ana, bo = person("Ana"), person("Bo")
    run(preferences.do_save_settings, ana, settings(timezone="Asia/Tokyo", digest="daily"))
    run(preferences.do_save_settings, bo, settings(timezone="Asia/Tokyo", digest="daily"))
    with session_scope() as db:
        notifications.notify(db, ana.user_id, "order", "Your app is ready", link="/orders/7")
        notifications.notify(db, ana.user_id, "follow", "Cy followed you")
        read = notifications.notify(db, ana.user_id, "review", "A review of your app")
        assert read is not None
    run(notifications.do_mark_read, ana, read.id)
    _backdate(ana.user_id, TOKYO_MONDAY_0730 - timedelta(hours=20))
    _backdate(bo.user_id, TOKYO_MONDAY_0730 - timedelta(hours=20))
    at = TOKYO_MONDAY_0730 + timedelta(minutes=45)
    assert run(digest.do_send_digests, TOKYO_MONDAY_0730) == 0  # 07:30 there: not yet
    assert run(digest.do_send_digests, at) == 2  # both claimed; Bo missed nothing
    assert run(digest.do_send_digests, at + timedelta(minutes=15)) == 0  # again: nothing
    mails = _digests(ana.email)
    assert len(mails) == 1 and _digests(bo.email) == []
    assert "Your app is ready" in mails[0] and "/orders/7" in mails[0]
    assert "Cy followed you" in mails[0] and "A review" not in mails[0]  # read: not missed
    # The next day's digest covers only what came after this one.
    with session_scope() as db:
        notifications.notify(db, ana.user_id, "order", "Your app shipped")
    assert run(digest.do_send_digests, at + timedelta(days=1)) == 2
    mails = _digests(ana.email)
    assert len(mails) == 2 and "Your app shipped" in mails[0]
    assert "Cy followed you" not in mails[0]


def test_two_workers_never_send_one_period_twice() -> None:
    ana = person("Ana")
    run(preferences.do_save_settings, ana, settings(timezone="Asia/Tokyo", digest="daily"))
    with session_scope() as db:
        notifications.notify(db, ana.user_id, "order", "Your app is ready")
    _backdate(ana.user_id, TOKYO_MONDAY_0730 - timedelta(hours=1))
    at = TOKYO_MONDAY_0730 + timedelta(hours=1)
    # Worker one reads the due digests; worker two sends them all before worker one claims.
    with read_scope() as first:
        due, _last = digest.list_due_digests(first, at)
    assert [d.user_id for d in due] == [ana.user_id]
    assert run(digest.do_send_digests, at) == 1
    with session_scope() as first:
        assert [digest.do_send_digest(first, d, at) for d in due] == [False]
    assert len(_digests(ana.email)) == 1


def test_the_digest_walks_every_user_past_one_batch(monkeypatch) -> None:
    people = [person(f"Reader {n}") for n in range(3)]
    for someone in people:
        run(preferences.do_save_settings, someone, settings(digest="weekly"))
        with session_scope() as db:
            notifications.notify(db, someone.user_id, "order", "Your app is ready")
        _backdate(someone.user_id, TOKYO_MONDAY_0730 - timedelta(days=2))
    monkeypatch.setattr(digest, "BATCH", 2)
    assert run(digest.do_send_digests, TOKYO_MONDAY_0730 + timedelta(days=1)) == 3
    assert all(len(_digests(p.email)) == 1 for p in people)


def test_the_job_sends_each_due_digest_once_in_short_transactions(monkeypatch) -> None:
    from aixplore.jobs import notifications as job

    now = utcnow()
    zones = ("UTC", "Asia/Tokyo", "America/New_York", "Europe/Paris", "Pacific/Auckland")
    zone = next(z for z in zones if now.astimezone(preferences.zone_of(z)).hour >= 9)
    people = [person(f"Reader {n}") for n in range(3)]
    for someone in people:
        run(preferences.do_save_settings, someone, settings(timezone=zone, digest="daily"))
        with session_scope() as db:
            notifications.notify(db, someone.user_id, "order", "Your app is ready")
        _backdate(someone.user_id, now - timedelta(hours=1))
    monkeypatch.setattr(job, "CHUNK", 2)
    assert job.send_notification_digests.call_local() == 3
    assert job.send_notification_digests.call_local() == 0
    assert all(len(_digests(p.email)) == 1 for p in people)
