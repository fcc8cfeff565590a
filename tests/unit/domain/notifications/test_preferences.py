"""Notification preferences: a channel per kind, quiet hours in the user's zone, grouping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from aixplore.core.db import read_scope, session_scope
from aixplore.core.errors import NotAuthenticated, ValidationFailed
from aixplore.core.time import utcnow
from aixplore.domain.mail.services import list_outbox_for
from aixplore.domain.notifications import preferences
from aixplore.domain.notifications import services as notifications
from aixplore.domain.notifications.models import KINDS, NotificationSettings
from aixplore.domain.social import graph
from tests.unit.domain.messaging.support import handle, run
from tests.unit.domain.social.support import person


def settings(**changes: Any) -> dict[str, Any]:
    """A complete settings form: the defaults with ``changes``."""
    form: dict[str, Any] = {
        "channels": dict.fromkeys(KINDS, "app"),
        "timezone": "UTC",
        "quiet_start": None,
        "quiet_end": None,
        "digest": "off",
    }
    channels = changes.pop("channels", {})
    form["channels"].update(channels)
    return {**form, **changes}


def _mails(email: str) -> list[str]:
    with read_scope() as db:
        return [m.subject for m in list_outbox_for(db, email)]


def _titles(actor: Any) -> list[str]:
    with read_scope() as db:
        page = notifications.list_my_notifications(db, actor)
    return [n.title for n in page.items]


def test_each_kind_goes_where_its_owner_chose() -> None:
    ana = person("Ana")
    saved = run(
        preferences.do_save_settings,
        ana,
        settings(channels={"order": "email", "review": "off"}),
    )
    assert saved.channels["order"] == "email" and saved.channels["follow"] == "app"
    with session_scope() as db:
        assert notifications.notify(db, ana.user_id, "review", "Nobody hears this") is None
        notifications.notify(db, ana.user_id, "order", "Your app is ready", link="/orders/3")
        notifications.notify(db, ana.user_id, "follow", "Bo followed you")
    assert _titles(ana) == ["Bo followed you", "Your app is ready"]
    assert _mails(ana.email) == ["Your app is ready"]  # only the kind chosen by mail
    with read_scope() as db:
        assert preferences.get_my_settings(db, ana).channels["review"] == "off"


def test_no_mail_in_quiet_hours_in_the_owners_time_zone() -> None:
    ana = person("Ana")
    zone = "Asia/Kathmandu"  # UTC+05:45: an hour there is not an hour in UTC
    here = utcnow().astimezone(preferences.zone_of(zone)).hour
    quiet = settings(
        channels={"order": "email"},
        timezone=zone,
        quiet_start=(here - 1) % 24,
        quiet_end=(here + 2) % 24,
    )
    run(preferences.do_save_settings, ana, quiet)
    with session_scope() as db:
        notifications.notify(db, ana.user_id, "order", "Shipped while you sleep")
    assert _mails(ana.email) == []
    assert _titles(ana) == ["Shipped while you sleep"]  # the bell still has it
    awake = {**quiet, "quiet_start": (here + 3) % 24, "quiet_end": (here + 5) % 24}
    run(preferences.do_save_settings, ana, awake)
    with session_scope() as db:
        notifications.notify(db, ana.user_id, "order", "Shipped while you are up")
    assert _mails(ana.email) == ["Shipped while you are up"]


def test_quiet_hours_wrap_midnight_in_the_users_zone() -> None:
    row = NotificationSettings(user_id=1, timezone="America/New_York", quiet_start=22, quiet_end=7)
    at = datetime(2026, 12, 7, 3, 30, tzinfo=UTC)  # 22:30 the day before in New York
    assert preferences.in_quiet_hours(row, at)
    assert preferences.in_quiet_hours(row, at + timedelta(hours=8))  # 06:30
    assert not preferences.in_quiet_hours(row, at + timedelta(hours=9))  # 07:30
    assert not preferences.in_quiet_hours(row, at - timedelta(hours=1))  # 21:30
    row.quiet_start, row.quiet_end = 9, 17
    assert preferences.in_quiet_hours(row, datetime(2026, 12, 7, 14, 0, tzinfo=UTC))  # 09:00
    assert not preferences.in_quiet_hours(row, datetime(2026, 12, 7, 22, 0, tzinfo=UTC))


@pytest.mark.parametrize(
    "form",
    [
        "not a form",
        None,
        settings(channels={"order": "sms"}),
        settings(channels={"no_such_kind": "app"}),
        settings(timezone="Mars/Olympus_Mons"),
        settings(timezone=["UTC"]),
        settings(quiet_start=22),
        settings(quiet_start=22, quiet_end=22),
        settings(quiet_start=24, quiet_end=7),
        settings(quiet_start=True, quiet_end=7),
        settings(quiet_start="22", quiet_end="7"),
        settings(digest="hourly"),
        {**settings(), "user_id": 1},
    ],
)
def test_bad_settings_are_refused_with_a_message(form: Any) -> None:
    ana = person("Ana")
    with pytest.raises(ValidationFailed, match="notification settings were not saved"):
        run(preferences.do_save_settings, ana, form)
    with read_scope() as db:
        assert db.get(NotificationSettings, ana.user_id) is None


def test_settings_belong_to_the_signed_in_person_only() -> None:
    with pytest.raises(NotAuthenticated):
        run(preferences.do_save_settings, None, settings())
    with pytest.raises(NotAuthenticated):
        run(preferences.get_my_settings, None)


def test_follows_group_into_one_unread_notification() -> None:
    ana = person("Ana")
    fans = [person(name) for name in ("Bo", "Cy", "Di", "Ed")]
    run(graph.do_follow, fans[0], handle(ana))
    assert [t.split(" (@")[0] for t in _titles(ana)] == ["Bo"]  # "Bo (@bo) followed you"
    run(graph.do_follow, fans[1], handle(ana))
    assert _titles(ana) == ["Cy and Bo followed you"]
    # Following again after an unfollow names nobody twice.
    run(graph.do_unfollow, fans[0], handle(ana))
    run(graph.do_follow, fans[0], handle(ana))
    assert _titles(ana) == ["Bo and Cy followed you"]
    run(graph.do_follow, fans[2], handle(ana))
    assert _titles(ana) == ["Di and 2 others followed you"]
    with read_scope() as db:
        assert notifications.unread_count(db, ana) == 1
        grouped = notifications.list_my_notifications(db, ana).items[0]
    # Once read, the next follower starts a new notification.
    run(notifications.do_mark_read, ana, grouped.id)
    run(graph.do_follow, fans[3], handle(ana))
    titles = _titles(ana)
    assert titles[1] == "Di and 2 others followed you" and titles[0].startswith("Ed (@")
    with read_scope() as db:
        assert notifications.unread_count(db, ana) == 1


def test_every_kind_has_a_label_on_the_settings_page() -> None:
    from aixplore.domain.notifications.models import KIND_LABELS, KINDS

    assert set(KIND_LABELS) == set(KINDS)
