"""Profiles, follows and the feed in Chromium; their handlers over the socket as the wrong user."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

import aixplore.jobs.social  # noqa: F401 - the fan-out hook: this process writes a review below
from aixplore.core.db import session_scope
from aixplore.domain.relations.models import Follow
from aixplore.domain.reviews import services as reviews
from aixplore.domain.social import graph, profiles
from aixplore.web.social.editor_state import ProfileEditorState
from aixplore.web.social.feed_state import FeedState
from aixplore.web.social.profile_state import ProfilePageState
from tests.e2e.helpers import axe_violations, horizontal_overflow, run_async, sign_in_through_ui
from tests.factories import actor_for, make_member, make_solution, sign_in
from tests.support.reflex_client import ReflexClient

pytestmark = pytest.mark.e2e

REVIEW = {"rating": 5, "title": "Best summaries yet", "body": "Faithful, short and quick to run."}


FORM = {
    "display_name": "Someone",
    "handle": "someone",
    "bio": "",
    "location": "",
    "links": "",
    "visibility": "public",
}


def _profile(email: str, handle: str, **change: str) -> None:
    with session_scope() as db:
        profiles.do_edit_profile(
            db, actor_for(sign_in(email)), {**FORM, "handle": handle, **change}
        )


def test_edit_a_profile_see_it_public_follow_and_see_a_review_in_the_feed(
    page: Page, base_url: str, shoot
) -> None:
    ada, bob = make_member(name="Ada Lovelace"), make_member(name="Bob Reader")
    slug = make_solution(make_member(name="Pub Lisher").email, name="Summarizer Pro").slug
    sign_in_through_ui(page, base_url, ada.email)
    page.goto(f"{base_url}/settings/profile")
    expect(page.get_by_label("Handle")).to_have_value("ada_lovelace")  # the stored profile
    page.get_by_label("Handle").fill("countess_ada")
    page.get_by_label("Bio").fill("Writes **notes** on engines.")
    expect(page.get_by_label("Profile preview").locator("strong")).to_have_text("notes")
    page.get_by_label("Location").fill("London")
    page.get_by_label("Links").fill("https://ada.example.com")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Profile saved.")).to_be_visible()
    assert axe_violations(page) == []
    shoot(page, "profile-editor")
    # Signed out, the profile is public at its new address.
    page.context.clear_cookies()
    page.goto(f"{base_url}/u/countess_ada")
    expect(page.get_by_role("heading", name="Ada Lovelace", level=1)).to_be_visible()
    expect(page.get_by_text("London")).to_be_visible()
    expect(page.get_by_role("link", name="ada.example.com")).to_have_attribute(
        "rel", "me nofollow noopener noreferrer"
    )
    # Bob follows Ada from her profile.
    sign_in_through_ui(page, base_url, bob.email)
    page.goto(f"{base_url}/u/countess_ada")
    page.get_by_role("button", name="Follow", exact=True).click()
    expect(page.get_by_role("button", name="Unfollow")).to_be_visible()
    assert axe_violations(page) == []
    shoot(page, "profile")
    page.set_viewport_size({"width": 375, "height": 800})
    assert horizontal_overflow(page) <= 0
    shoot(page, "profile")
    page.set_viewport_size({"width": 1280, "height": 800})
    # Ada reviews a solution: the job queue fans it out into Bob's feed.
    with session_scope() as db:
        reviews.do_write_review(db, actor_for(sign_in(ada.email)), slug, REVIEW)
    page.goto(f"{base_url}/feed")
    feed = page.get_by_role("main")
    for _ in range(60):  # the fan-out job runs in the app's worker a moment after the commit
        if feed.get_by_role("link", name="Summarizer Pro").count():
            break
        page.wait_for_timeout(500)
        page.reload()
    expect(feed.get_by_role("link", name="Summarizer Pro")).to_be_visible()
    expect(feed.get_by_text("Best summaries yet")).to_be_visible()
    assert axe_violations(page) == []
    shoot(page, "feed")
    page.set_viewport_size({"width": 375, "height": 800})
    assert horizontal_overflow(page) <= 0
    shoot(page, "feed")


def test_social_handlers_called_as_the_wrong_user_are_refused(app_url: str) -> None:
    ada, troll, reader = make_member(name="Ada"), make_member(name="Troll"), make_member()
    _profile(ada.email, "ada_private", visibility="followers")
    _profile(troll.email, "troll")
    with session_scope() as db:
        graph.do_block(db, actor_for(sign_in(ada.email)), "troll")
    params = {"handle": "ada_private"}

    async def attack() -> dict:
        seen: dict = {}
        async with ReflexClient(app_url, cookies={"aixplore_session": sign_in(troll.email)}) as tab:
            await tab.hydrate("/u/ada_private", params=params)
            seen["troll_state"] = tab.state(ProfilePageState)
            seen["follow"] = await tab.call(ProfilePageState.follow)
            seen["tab"] = await tab.call(ProfilePageState.show_tab, tab="followers")
            seen["mute"] = await tab.call(ProfilePageState.set_muted, muted="yes")
            seen["forged"] = await tab.call(
                ProfileEditorState.save,
                form_data={**FORM, "handle": "ada_private", "user_id": ada.id},
            )
        async with ReflexClient(
            app_url, cookies={"aixplore_session": sign_in(reader.email)}
        ) as tab:
            await tab.hydrate("/u/ada_private", params=params)
            seen["reader_state"] = tab.state(ProfilePageState)
        async with ReflexClient(app_url) as tab:
            await tab.hydrate("/")
            seen["anon_feed"] = await tab.call(FeedState.load)
            seen["anon_save"] = await tab.call(ProfileEditorState.save, form_data={})
        return seen

    seen = run_async(attack())
    assert seen["troll_state"]["found"] is False
    assert seen["troll_state"]["refusal"] == "This profile is not available to you."
    assert not seen["troll_state"].get("profile")
    assert ("error", "You cannot follow @ada_private: they have blocked you.") in seen[
        "follow"
    ].toasts
    assert ("error", "This profile is not available to you.") in seen["tab"].toasts
    assert not seen["tab"].changed(ProfilePageState).get("people")
    assert ("error", "Say whether to mute or unmute.") in seen["mute"].toasts
    # The editor saves the caller's own profile, whatever the form says: Ada's handle is hers.
    assert ("error", "That handle is taken; choose another.") in seen["forged"].toasts
    assert seen["reader_state"]["refusal"] == "This profile is visible to its followers only."
    assert not seen["reader_state"].get("activity")
    for key in ("anon_feed", "anon_save"):
        assert any(path.startswith("/login") for path in seen[key].redirects), key
    ada_actor = actor_for(sign_in(ada.email))
    with session_scope() as db:
        assert db.exec(select(Follow)).all() == []
        assert profiles.get_my_profile(db, ada_actor).person.handle == "ada_private"
