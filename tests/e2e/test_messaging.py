"""Messages and notifications arrive in Chromium without a reload; two people, two browsers.

In the PostgreSQL pass the app runs two backend workers behind one address (``scripts/test``),
so the two browsers' sockets may sit on different workers: delivery goes through Redis.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from aixplore.core.db import session_scope
from aixplore.domain.messaging import services as conversations
from aixplore.domain.notifications.services import notify
from aixplore.domain.social.handles import ensure_profiles
from tests.e2e.helpers import (
    axe_violations,
    follow_through_the_app,
    horizontal_overflow,
    sign_in_through_ui,
)
from tests.factories import actor_for, make_member, sign_in

pytestmark = pytest.mark.e2e


def test_a_message_and_a_notification_arrive_without_a_reload(
    page: Page, browser: Browser, base_url: str, shoot
) -> None:
    ada, bob = make_member(name="Ada Sender"), make_member(name="Bob Reader")
    # Signed in first: SQLite allows one writer, and the block below writes.
    ada_actor = actor_for(sign_in(ada.email))
    with session_scope() as db:
        handles = {u: p.handle for u, p in ensure_profiles(db, [ada.id, bob.id]).items()}
        # Ada's first notification is not a follow: Cy's follow below must not be grouped
        # with it ("Bob and Cy followed you") but arrive as a second one.
        notify(db, ada.id, "moderation", "A report you made was reviewed")
        talk = conversations.do_start_direct(db, ada_actor, handles[bob.id])
    sign_in_through_ui(page, base_url, ada.email)
    page.goto(f"{base_url}/messages/{talk}")
    expect(page.get_by_role("heading", name="Bob Reader", level=2)).to_be_visible()
    other = browser.new_context(viewport={"width": 375, "height": 800})
    bob_page = other.new_page()
    try:
        sign_in_through_ui(bob_page, base_url, bob.email)
        bob_page.goto(f"{base_url}/messages/{talk}")
        expect(bob_page.get_by_role("heading", name="Ada Sender", level=2)).to_be_visible()
        # Ada writes; Bob's page shows it by itself and announces it to screen readers.
        page.get_by_label("Write a message").fill("Hello Bob, is the demo ready?")
        page.get_by_role("button", name="Send", exact=True).click()
        expect(page.get_by_label("Write a message")).to_have_value("")
        bob_list = bob_page.get_by_role("list", name="Messages")
        expect(bob_list.get_by_text("Hello Bob, is the demo ready?")).to_be_visible()
        expect(
            bob_page.get_by_role("status").filter(has_text="New message from Ada")
        ).to_have_count(1)
        # Bob's page read it: Ada sees the receipt; Bob answers, replying to it.
        expect(page.get_by_text("Seen by Bob Reader")).to_be_visible()
        bob_list.get_by_role("button", name="Reply").click()
        bob_page.get_by_label("Reply to: Hello Bob, is the demo ready?").fill("Yes, at three.")
        bob_page.get_by_role("button", name="Send", exact=True).click()
        ada_list = page.get_by_role("list", name="Messages")
        expect(ada_list.get_by_text("Yes, at three.")).to_be_visible()
        expect(ada_list.get_by_text("Replying to: Hello Bob, is the demo ready?")).to_be_visible()
        assert horizontal_overflow(bob_page) <= 0
        assert axe_violations(bob_page) == []
        shoot(bob_page, "messages")
        # A notification reaches Ada's bell and her tab's title without a reload.
        cy = make_member(name="Cy Follower")
        follow_through_the_app(base_url, cy.email, handles[ada.id])
        expect(page.get_by_role("link", name="Notifications, 2 unread").first).to_be_visible()
        expect(page).to_have_title("(2) Messages · AiXplore")
        assert axe_violations(page) == []
        shoot(page, "messages")
        page.goto(f"{base_url}/messages")
        expect(page.get_by_role("heading", name="Start a conversation")).to_be_visible()
        assert axe_violations(page) == []
        shoot(page, "messages-list")
    finally:
        other.close()
