"""Notification settings, a grouped notification, and searching, reporting and images on
/messages, in Chromium at 1280 and 375 px (axe-clean, looked at in the screenshots)."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from aixplore.core.db import read_scope, session_scope
from aixplore.domain.messaging import messages
from aixplore.domain.messaging import services as conversations
from aixplore.domain.notifications.models import NotificationSettings
from aixplore.domain.social import graph
from aixplore.domain.social.handles import ensure_profiles
from tests.e2e.helpers import axe_violations, horizontal_overflow, sign_in_through_ui
from tests.factories import actor_for, make_member, sign_in

pytestmark = pytest.mark.e2e


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (480, 270), (40, 110, 180)).save(out, format="JPEG")
    return out.getvalue()


def test_settings_grouping_and_message_search_report_and_image(
    page: Page, base_url: str, shoot
) -> None:
    nora = make_member(name="Nora Settings")
    fans = [make_member(name=n) for n in ("Ana Fan", "Bo Fan", "Cy Fan")]
    # Signed in first: SQLite allows one writer, and the block below writes.
    actors = [actor_for(sign_in(u.email)) for u in (nora, *fans)]
    with session_scope() as db:
        handles = ensure_profiles(db, [nora.id])
        for fan in actors[1:]:
            graph.do_follow(db, fan, handles[nora.id].handle)
        graph.do_follow(db, actors[0], ensure_profiles(db, [fans[0].id])[fans[0].id].handle)
        talk = conversations.do_start_direct(db, actors[1], handles[nora.id].handle)
        messages.do_send(db, actors[1], talk, "The quarterly numbers are in")
        messages.do_send(db, actors[1], talk, "", image=_photo())
    sign_in_through_ui(page, base_url, nora.email)
    # Three follows, one notification.
    page.goto(f"{base_url}/notifications")
    main = page.locator("main")
    expect(main.get_by_role("listitem")).to_have_count(1)
    expect(main.get_by_text("Cy Fan and 2 others followed you")).to_be_visible()
    expect(page.get_by_role("link", name="Notifications, 1 unread")).to_be_visible()

    main.get_by_role("link", name="Settings", exact=True).click()
    expect(page).to_have_url(f"{base_url}/settings/notifications")
    main.get_by_label("Orders", exact=True).select_option("email")
    main.get_by_label("Time zone").select_option("Asia/Tokyo")
    main.get_by_label("Quiet from").select_option("22")
    main.get_by_label("Quiet until").select_option("7")
    main.get_by_label("Email digest").select_option("weekly")
    main.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Notification settings saved.")).to_be_visible()
    with read_scope() as db:
        saved = db.get(NotificationSettings, nora.id)
        assert saved is not None
        assert (saved.channels, saved.timezone, saved.quiet_start, saved.quiet_end) == (
            {"order": "email"},
            "Asia/Tokyo",
            22,
            7,
        )
    page.reload()
    expect(main.get_by_label("Email digest")).to_have_value("weekly")
    assert axe_violations(page) == []
    shoot(page, "notification-settings")

    page.goto(f"{base_url}/messages/{talk}")
    thread = page.get_by_role("list", name="Messages")
    expect(thread.get_by_role("img", name="Image from Ana Fan")).to_be_visible()
    expect(thread.get_by_role("button", name="Report message")).to_have_count(2)
    main.get_by_label("Search my messages").fill("quarterly")
    main.get_by_role("button", name="Search", exact=True).click()
    results = main.get_by_role("list", name="Search results")
    expect(results.get_by_text("The quarterly numbers are in")).to_be_visible()
    assert axe_violations(page) == []
    shoot(page, "messages-search")

    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(f"{base_url}/settings/notifications")
    expect(main.get_by_label("Email digest")).to_have_value("weekly")
    assert horizontal_overflow(page) <= 0
    assert axe_violations(page) == []
    shoot(page, "notification-settings")
    page.goto(f"{base_url}/messages/{talk}")
    expect(thread.get_by_role("img", name="Image from Ana Fan")).to_be_visible()
    assert horizontal_overflow(page) <= 0
    assert axe_violations(page) == []
    shoot(page, "messages-search")
