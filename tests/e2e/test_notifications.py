"""The bell and /notifications in Chromium; the mark-read handler over the socket as a stranger."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import col, select

from aixplore.core.db import read_scope, session_scope
from aixplore.domain.notifications import services as notifications
from aixplore.domain.notifications.models import Notification
from aixplore.domain.social.handles import ensure_profile
from aixplore.web.live import LiveState
from aixplore.web.notifications.state import NotificationsState
from aixplore.web.session import SessionState
from tests.e2e.helpers import (
    axe_violations,
    follow_through_the_app,
    horizontal_overflow,
    run_async,
    sign_in_through_ui,
)
from tests.factories import make_member, sign_in
from tests.support.reflex_client import ReflexClient

pytestmark = pytest.mark.e2e


def _notify(user_id: int, title: str, link: str = "/saved", body: str = "") -> int:
    with session_scope() as db:
        return notifications.notify(db, user_id, "order", title, body, link).id or 0


def _unread(user_id: int) -> list[str]:
    with read_scope() as db:
        rows = db.exec(
            select(Notification.title).where(
                Notification.user_id == user_id, col(Notification.read_at).is_(None)
            )
        ).all()
    return sorted(rows)


def test_the_bell_counts_and_the_page_lists_opens_and_marks_read(
    page: Page, base_url: str, shoot
) -> None:
    member = make_member(name="Nora Notified")
    _notify(member.id, "Your order #7 is now Generating", "/orders", "Still going.")
    _notify(member.id, "2 new solutions for “ocr”", "/saved", "OCR One, OCR Two")
    with session_scope() as db:
        handle = ensure_profile(db, member.id).handle
    sign_in_through_ui(page, base_url, member.email)
    bell = page.get_by_role("link", name="Notifications, 2 unread")
    expect(bell).to_be_visible()
    # A notice that arrives while the page is open shows up without a reload: the app
    # announces it to the open tab the moment it is stored (web/live.py).
    follow_through_the_app(base_url, make_member(name="Wes Webhook").email, handle)
    expect(page.get_by_role("link", name="Notifications, 3 unread")).to_be_visible(timeout=30000)
    page.get_by_role("link", name="Notifications, 3 unread").click()
    expect(page).to_have_url(f"{base_url}/notifications")
    main = page.locator("main")
    expect(main.get_by_role("listitem")).to_have_count(3)
    expect(main.get_by_text("Unread", exact=True)).to_have_count(3)
    assert axe_violations(page) == []
    shoot(page, "notifications")
    # Following one opens its target and marks it read; the count drops.
    main.get_by_role("link", name="2 new solutions for “ocr”").click()
    expect(page).to_have_url(f"{base_url}/saved")
    expect(page.get_by_role("link", name="Notifications, 2 unread")).to_be_visible()
    assert _unread(member.id) == [
        "Wes Webhook (@wes_webhook) followed you",
        "Your order #7 is now Generating",
    ]
    page.go_back()
    expect(page).to_have_url(f"{base_url}/notifications")
    expect(main.get_by_text("Unread", exact=True)).to_have_count(2)
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.get_by_role("link", name="Notifications", exact=True)).to_be_visible()
    expect(main.get_by_text("Unread", exact=True)).to_have_count(0)
    assert _unread(member.id) == []
    # One that arrives while the list is open shows at its top without a reload.
    follow_through_the_app(base_url, make_member(name="Val Validating").email, handle)
    expect(main.get_by_role("listitem")).to_have_count(4)
    expect(main.get_by_role("listitem").first).to_contain_text("Val Validating")
    expect(page.get_by_role("link", name="Notifications, 1 unread")).to_be_visible()
    # On a phone: the bell sits in the top bar and the drawer lists the page.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(page.get_by_role("link", name="Notifications, 1 unread")).to_be_visible()
    expect(main.get_by_role("listitem")).to_have_count(4)
    assert horizontal_overflow(page) <= 0
    assert axe_violations(page) == []
    shoot(page, "notifications")
    page.get_by_role("button", name="Open menu").click()
    drawer = page.get_by_role("dialog")
    expect(drawer.get_by_role("link", name="Notifications")).to_be_visible()


def test_load_more_pages_through_older_notifications(page: Page, base_url: str) -> None:
    member = make_member(name="Paul Pager")
    for n in range(23):
        _notify(member.id, f"Notice number {n}")
    sign_in_through_ui(page, base_url, member.email)
    page.goto(f"{base_url}/notifications")
    main = page.locator("main")
    expect(main.get_by_role("listitem")).to_have_count(20)
    expect(main.get_by_text("Notice number 22", exact=True)).to_be_visible()
    page.get_by_role("button", name="Load more").click()
    expect(main.get_by_role("listitem")).to_have_count(23)
    expect(main.get_by_text("Notice number 0", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Load more")).to_have_count(0)


def test_marking_another_users_notification_over_the_socket_is_refused(app_url: str) -> None:
    victim = make_member(name="Vera Victim")
    mallory = make_member(name="Mallory Member")
    theirs = _notify(victim.id, "Your order #9 is now Delivered", "/orders")
    token = sign_in(mallory.email)

    async def attack() -> list:
        async with ReflexClient(app_url, cookies={"aixplore_session": token}) as tab:
            await tab.hydrate("/notifications")
            results = [
                await tab.call(NotificationsState.open, notification_id=theirs),
                await tab.call(NotificationsState.open, notification_id="1 OR 1=1"),
                await tab.call(NotificationsState.open, notification_id={"$gt": 0}),
                await tab.call(NotificationsState.mark_all_read),
                await tab.call(LiveState.listen, generation="1 OR 1=1"),
            ]
            assert tab.state(SessionState)["viewer_id"] == mallory.id  # really signed in
            assert tab.state(NotificationsState).get("rows", []) == []
            return results

    results = run_async(attack())
    for result in results[:3]:
        assert ("error", "No such notification.") in result.toasts, result.updates
        assert all("went wrong on our side" not in t.message for t in result.toasts)
    assert _unread(victim.id) == ["Your order #9 is now Delivered"]

    async def signed_out() -> object:
        async with ReflexClient(app_url) as tab:
            await tab.hydrate("/")
            return await tab.call(NotificationsState.open, notification_id=theirs)

    result = run_async(signed_out())
    assert any(path.startswith("/login") for path in result.redirects)  # type: ignore[attr-defined]
    assert _unread(victim.id) == ["Your order #9 is now Delivered"]
