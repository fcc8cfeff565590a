"""Moderation in Chromium: a trusted member's flag hides a review, an admin restores it from
the inbox, the public log shows both; the new handlers over the socket as the wrong user."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from aixplore.core.db import session_scope
from aixplore.domain.moderation import actions, reports
from aixplore.domain.reviews import reading as review_reading
from aixplore.domain.reviews import services as reviews
from aixplore.domain.social import profiles
from aixplore.web.admin.moderation import ModerationState
from aixplore.web.moderation.report import ReportState
from aixplore.web.moderation.state import AppealState
from aixplore.web.social.profile_state import ProfilePageState
from tests.e2e.helpers import axe_violations, horizontal_overflow, run_async, sign_in_through_ui
from tests.factories import actor_for, make_admin, make_member, make_solution, sign_in
from tests.moderation_support import make_trusted
from tests.support.reflex_client import ReflexClient

pytestmark = pytest.mark.e2e

SPAM = {"rating": 1, "title": "Buy tokens cheap", "body": "Visit my site for cheap tokens now!"}


def _looked_at(page: Page, shoot, name: str) -> None:
    assert axe_violations(page) == []
    shoot(page, name)
    page.set_viewport_size({"width": 375, "height": 800})
    assert horizontal_overflow(page) <= 0
    shoot(page, name)
    page.set_viewport_size({"width": 1280, "height": 800})


def _shown(slug: str) -> int:
    with session_scope() as db:
        return review_reading.list_reviews(db, None, slug)[1]


def test_a_trusted_flag_hides_a_review_an_admin_restores_it_and_the_log_shows_it(
    page: Page, base_url: str, shoot
) -> None:
    spammer, first, second = make_member(name="Sam Spammer"), make_trusted(), make_trusted()
    slug = make_solution(make_member().email, name="Receipt Reader").slug
    with session_scope() as db:
        reviews.do_write_review(db, actor_for(sign_in(spammer.email)), slug, SPAM)
    with session_scope() as db:
        [review], _ = review_reading.list_reviews(db, None, slug)
    with session_scope() as db:  # the first trusted flag: under the threshold
        reports.do_report(
            db, actor_for(sign_in(first.email)), "review", review.id, {"reason": "spam"}
        )
    sign_in_through_ui(page, base_url, second.email)
    page.goto(f"{base_url}/solutions/{slug}")
    page.get_by_role("button", name="Report review").click()
    page.get_by_label("Reason").click()
    page.get_by_role("option", name="Spam or advertising").click()
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_text("A moderator will look at this review")).to_be_visible()
    assert _shown(slug) == 0
    page.context.clear_cookies()
    sign_in_through_ui(page, base_url, make_admin().email)
    page.goto(f"{base_url}/admin/moderation")
    expect(page.get_by_text("Buy tokens cheap", exact=False)).to_be_visible()
    expect(page.get_by_text("Hidden", exact=True)).to_be_visible()
    _looked_at(page, shoot, "moderation-inbox")
    page.get_by_label("Moderation note").fill("Not spam after all.")
    page.get_by_role("button", name="Restore review").click()
    expect(page.get_by_text("Nothing here.", exact=False)).to_be_visible()
    assert _shown(slug) == 1
    page.context.clear_cookies()
    page.goto(f"{base_url}/moderation-log")
    log = page.get_by_role("main")
    expect(log.get_by_text("Restored", exact=True)).to_be_visible()
    expect(log.get_by_text("Hidden", exact=True)).to_be_visible()
    expect(log.get_by_text("A review of Receipt Reader").first).to_be_visible()
    expect(log.get_by_text("Sam Spammer")).to_have_count(0)
    _looked_at(page, shoot, "moderation-log")


def test_moderation_and_privacy_handlers_called_as_the_wrong_user_are_refused(
    app_url: str,
) -> None:
    ada, stranger, spammer = make_member(name="Ada"), make_member(), make_member()
    # Sessions open before any unit of work: SQLite lets one writer in at a time.
    as_ada, as_spammer = actor_for(sign_in(ada.email)), actor_for(sign_in(spammer.email))
    as_admin = actor_for(sign_in(make_admin().email))
    with session_scope() as db:
        profiles.do_edit_profile(
            db,
            as_ada,
            {
                "display_name": "Ada",
                "handle": "ada_m",
                "visibility": "public",
                "network_visibility": "followers",
                "activity_visibility": "only_me",
            },
        )
    slug = make_solution(make_member().email).slug
    with session_scope() as db:
        reviews.do_write_review(db, as_spammer, slug, SPAM)
    with session_scope() as db:
        [review], _ = review_reading.list_reviews(db, None, slug)
        warned = actions.do_act(db, as_admin, "review", review.id, {"action": "warn"})

    async def attack() -> dict:
        seen: dict = {}
        cookies = {"aixplore_session": sign_in(stranger.email)}
        async with ReflexClient(app_url, cookies=cookies) as tab:
            await tab.hydrate("/u/ada_m", params={"handle": "ada_m"})
            seen["profile"] = tab.state(ProfilePageState)
            seen["tab"] = await tab.call(ProfilePageState.show_tab, tab="followers")
            seen["act"] = await tab.call(
                ModerationState.act, kind="review", target_id=review.id, action="hide"
            )
            seen["bad_kind"] = await tab.call(
                ReportState.report, form_data={"kind": "wallet", "target_id": "1"}
            )
        async with ReflexClient(app_url, cookies=cookies) as tab:
            path = f"/moderation/appeal/{warned.id}"
            await tab.hydrate(path, params={"action_id": str(warned.id)})
            seen["case"] = tab.state(AppealState)
            seen["appeal"] = await tab.call(
                AppealState.appeal, form_data={"body": "I appeal for someone else."}
            )
        async with ReflexClient(app_url) as tab:
            await tab.hydrate("/u/ada_m", params={"handle": "ada_m"})
            seen["anon_connect"] = await tab.call(ProfilePageState.connect)
        return seen

    seen = run_async(attack())
    assert seen["profile"]["sections"] == {
        "activity": False,
        "network": False,
        "connections": True,
    }
    assert not seen["profile"]["activity"]
    assert (
        "error",
        "@ada_m shows their followers and following to their followers only.",
    ) in seen["tab"].toasts
    assert not seen["tab"].changed(ProfilePageState).get("people")
    assert (
        "error",
        "Only platform admins and the group's moderators can do that.",
    ) in seen["act"].toasts
    assert ("error", "That cannot be reported.") in seen["bad_kind"].toasts
    assert seen["case"]["found"] is False
    assert (
        "error",
        "Only the person this decision affected can appeal it.",
    ) in seen["appeal"].toasts
    assert any(p.startswith("/login") for p in seen["anon_connect"].redirects)
    assert _shown(slug) == 1
