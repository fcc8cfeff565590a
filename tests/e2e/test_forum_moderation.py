"""Forum posts in moderation, group events and forum categories in Chromium; their handlers
over the socket as the wrong user."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import col, select

from aixplore.core.db import session_scope
from aixplore.domain.events.models import Event
from aixplore.domain.forums import categories, posting
from aixplore.domain.forums.models import ForumCategory, ForumPost
from aixplore.domain.groups import events as group_events
from aixplore.domain.groups import services as groups
from aixplore.web.admin.forums import AdminForumsState
from aixplore.web.admin.moderation import ModerationState
from aixplore.web.events.state import EventFormState
from tests.e2e.helpers import looked_at, run_async
from tests.factories import actor_for, make_admin, make_member, sign_in
from tests.support.reflex_client import ReflexClient

pytestmark = pytest.mark.e2e

DAY = (date.today() + timedelta(days=10)).isoformat()
EVENT = {
    "title": "Prompt night",
    "description": "Bring a prompt.",
    "starts_at": f"{DAY}T18:30",
    "ends_at": f"{DAY}T20:00",
    "timezone": "Europe/Berlin",
    "online_url": "https://meet.example.com/prompts",
    "location": "",
    "capacity": 30,
}


def _enter(page: Page, base_url: str, email: str) -> None:
    """Be ``email`` in the browser (a session cookie; the sign-in page is tested elsewhere)."""
    page.context.clear_cookies()
    cookie = sign_in(email)
    page.context.add_cookies([{"name": "aixplore_session", "value": cookie, "url": base_url}])


def _group_with_a_post() -> tuple[str, int, int, dict]:
    """A public group with a moderator, a member's thread and an event; (slug, thread, post)."""
    people = {
        "owner": make_member(name="Olga Owner"),
        "mod": make_member(name="Mo Moderator"),
        "author": make_member(name="Sam Spammer"),
        "reader": make_member(name="Ada Reader"),
    }
    # Sessions open before any unit of work: SQLite lets one writer in at a time.
    actors = {k: actor_for(sign_in(u.email)) for k, u in people.items()}
    with session_scope() as db:
        slug = groups.do_create_group(
            db, actors["owner"], "Prompt Crafters", "Prompts.", "public"
        ).slug
    with session_scope() as db:
        for key in ("mod", "author", "reader"):
            groups.do_join(db, actors[key], slug)
        groups.do_set_role(db, actors["owner"], slug, people["mod"].id, "moderator")
        where = categories.group_category(
            db, groups.group_by_id(db, groups.get_group(db, None, slug).id)
        ).slug
    with session_scope() as db:
        thread_id = posting.do_start_thread(
            db, actors["author"], where, "Cheap tokens here", "Buy my tokens now."
        )
        group_events.do_host_event(db, actors["owner"], slug, EVENT)
    with session_scope() as db:
        post_id = db.exec(select(ForumPost.id).where(ForumPost.thread_id == thread_id)).one()
    return slug, thread_id, post_id or 0, people


def test_a_reported_group_post_is_hidden_by_the_groups_moderator_and_logged(
    page: Page, base_url: str, shoot
) -> None:
    slug, thread_id, post_id, people = _group_with_a_post()
    boss = make_admin()
    with session_scope() as db:
        categories.do_create_category(
            db, actor_for(sign_in(boss.email)), "General", "general", "Anything.", "#0f766e"
        )
    _enter(page, base_url, people["reader"].email)
    page.goto(f"{base_url}/forums/t/{thread_id}")
    page.get_by_role("button", name="Report post").click()
    page.get_by_label("Reason").click()
    page.get_by_role("option", name="Spam or advertising").click()
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_text("A moderator will look at this post")).to_be_visible()
    looked_at(page, shoot, "forum-thread-report")
    # The group's moderator acts from the inbox; the post shows as hidden; the log says so.
    _enter(page, base_url, people["mod"].email)
    page.goto(f"{base_url}/admin/moderation")
    expect(page.get_by_text("Buy my tokens now.")).to_be_visible()
    page.get_by_role("button", name="Hide post").click()
    expect(page.get_by_text("Nothing here.", exact=False)).to_be_visible()
    with session_scope() as db:
        post = db.get(ForumPost, post_id)
        assert post is not None and post.hidden_at is not None
    page.goto(f"{base_url}/groups/{slug}")
    expect(page.get_by_role("link", name="Prompt night")).to_be_visible()
    expect(page.get_by_role("link", name="Host an event")).to_be_visible()
    looked_at(page, shoot, "group-events")
    page.context.clear_cookies()
    page.goto(f"{base_url}/moderation-log")
    expect(
        page.get_by_role("main").get_by_text("A post in the group Prompt Crafters")
    ).to_be_visible()
    # A platform admin archives a forum category on /admin/forums.
    _enter(page, base_url, boss.email)
    page.goto(f"{base_url}/admin/forums")
    page.get_by_role("button", name="Archive General").click()
    expect(page.get_by_text("Archived", exact=True)).to_be_visible()
    looked_at(page, shoot, "admin-forums")


def test_forum_moderation_category_and_group_event_handlers_as_the_wrong_user(
    app_url: str,
) -> None:
    slug, _thread_id, post_id, people = _group_with_a_post()
    stranger, elsewhere = make_member(name="Stranger"), make_member(name="Other Owner")
    with session_scope() as db:
        groups.do_create_group(db, actor_for(sign_in(elsewhere.email)), "Elsewhere", "", "public")
    with session_scope() as db:
        category = categories.do_create_category(
            db, actor_for(sign_in(make_admin().email)), "Kept", "kept", "", "#123456"
        )

    async def attack() -> dict:
        seen: dict = {}
        for who in (stranger, elsewhere, people["reader"]):
            cookies = {"aixplore_session": sign_in(who.email)}
            async with ReflexClient(app_url, cookies=cookies) as tab:
                await tab.hydrate("/admin/moderation")
                seen[f"act-{who.id}"] = await tab.call(
                    ModerationState.act, kind="forum_post", target_id=post_id, action="hide"
                )
        cookies = {"aixplore_session": sign_in(people["reader"].email)}
        async with ReflexClient(app_url, cookies=cookies) as tab:
            await tab.hydrate("/admin/forums")
            seen["forums"] = tab.state(AdminForumsState)
            seen["create"] = await tab.call(
                AdminForumsState.create,
                form_data={"name": "Mine", "slug": "mine", "color": "#123456"},
            )
            seen["move"] = await tab.call(
                AdminForumsState.move, category_id=category.id, direction="up"
            )
            seen["archive"] = await tab.call(
                AdminForumsState.set_archived, category_id=category.id, archived=True
            )
            seen["save"] = await tab.call(
                AdminForumsState.save, form_data={"edit_name": "Taken", "edit_color": "#000000"}
            )
            await tab.hydrate(f"/events/new?group={slug}")
            seen["host"] = await tab.call(
                EventFormState.save, form_data={**EVENT, "capacity": "30", "title": "Not mine"}
            )
        return seen

    seen = run_async(attack())
    refused = ("error", "Only platform admins and the group's moderators can do that.")
    for who in (stranger, elsewhere, people["reader"]):
        assert refused in seen[f"act-{who.id}"].toasts
    assert not seen["forums"].get("allowed") and not seen["forums"].get("rows")
    for key in ("create", "move", "archive", "save"):
        assert ("error", "Only platform admins manage forum categories.") in seen[key].toasts, key
    assert ("error", "Only this group's moderators may do that.") in seen["host"].toasts
    with session_scope() as db:
        post = db.get(ForumPost, post_id)
        assert post is not None and post.hidden_at is None
        kept = db.get(ForumCategory, category.id)
        assert kept is not None and kept.archived_at is None and kept.name == "Kept"
        assert (
            db.exec(select(ForumCategory).where(col(ForumCategory.slug) == "mine")).first() is None
        )
        assert "Not mine" not in db.exec(select(Event.title)).all()
