"""Forums and groups in Chromium; their handlers over the socket as the wrong user."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func
from sqlmodel import select

from aixplore.core.db import session_scope
from aixplore.domain.forums import categories, posting, trust
from aixplore.domain.forums.models import ForumPost, ForumThread
from aixplore.domain.groups import services as groups
from aixplore.domain.groups.models import CommunityGroup
from aixplore.domain.moderation.models import ModerationReport
from aixplore.domain.social.handles import ensure_profile
from aixplore.web.forums.state import CategoryState, DiscussState, ThreadState
from aixplore.web.groups.state import GroupPageState, GroupsState
from aixplore.web.moderation.report import ReportState
from tests.e2e.helpers import axe_violations, horizontal_overflow, run_async, sign_in_through_ui
from tests.factories import actor_for, make_admin, make_member, sign_in
from tests.support.reflex_client import ReflexClient

pytestmark = pytest.mark.e2e


def _at_both_widths(page: Page, shoot, name: str) -> None:
    assert axe_violations(page) == []
    shoot(page, name)
    page.set_viewport_size({"width": 375, "height": 800})
    assert horizontal_overflow(page) <= 0
    shoot(page, name)
    page.set_viewport_size({"width": 1280, "height": 800})


def test_start_a_thread_mention_someone_a_new_users_link_refused_join_by_request(
    page: Page, base_url: str, shoot
) -> None:
    boss_user, ada, bob = make_admin(), make_member(name="Ada Writer"), make_member(name="Bob New")
    boss = actor_for(sign_in(boss_user.email))
    with session_scope() as db:
        categories.do_create_category(db, boss, "General", "general", "Anything.", "#0f766e")
        trust.do_set_trust_level(db, boss, ada.id, 1)
        bob_handle = ensure_profile(db, bob.id).handle
    sign_in_through_ui(page, base_url, ada.email)
    page.goto(f"{base_url}/forums")
    page.get_by_role("link", name="General").click()
    expect(page.get_by_role("heading", name="Start a thread")).to_be_visible()
    _at_both_widths(page, shoot, "forum-category")
    page.get_by_label("Title").fill("Which summarizer for legal text?")
    page.get_by_label("Text").fill(f"Asking @{bob_handle}: see https://docs.example.com first.")
    page.get_by_role("button", name="Start thread").click()
    expect(page.get_by_role("heading", name="Which summarizer for legal text?")).to_be_visible()
    _at_both_widths(page, shoot, "forum-thread")
    # Ada edits her post; readers see the earlier version behind "Edited".
    page.get_by_role("button", name="Edit", exact=True).click()
    page.get_by_label("Your reply").fill(f"Asking again, @{bob_handle}: which summarizer?")
    page.get_by_role("button", name="Save post").click()
    expect(page.get_by_text("Asking again")).to_be_visible()
    page.get_by_role("button", name="Edited").click()
    expect(page.get_by_text("see https://docs.example.com first")).to_be_visible()
    # Bob, a new member, is told of the mention; his reply with a link is refused.
    page.context.clear_cookies()
    sign_in_through_ui(page, base_url, bob.email)
    page.goto(f"{base_url}/notifications")
    page.get_by_role("link", name="Ada Writer (@ada_writer) mentioned you").first.click()
    expect(page.get_by_role("heading", name="Which summarizer for legal text?")).to_be_visible()
    page.get_by_label("Your reply").fill("Try https://spam.example.com")
    page.get_by_role("button", name="Post reply").click()
    expect(page.get_by_text("New members may not post links yet.").first).to_be_visible()
    with session_scope() as db:
        assert db.exec(select(func.count()).select_from(ForumPost)).one() == 1
    # Bob asks to join a private group; its owner approves; Bob reads its threads.
    with session_scope() as db:
        slug = groups.do_create_group(
            db, boss, "Legal AI Circle", "Lawyers and AI.", "private"
        ).slug
    page.goto(f"{base_url}/groups/{slug}")
    page.get_by_role("button", name="Ask to join").click()
    expect(page.get_by_text("Request sent")).to_be_visible()
    expect(page.get_by_role("button", name="Report group")).to_be_visible()
    _at_both_widths(page, shoot, "group-private")
    page.context.clear_cookies()
    sign_in_through_ui(page, base_url, boss_user.email)
    page.goto(f"{base_url}/groups/{slug}")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("No requests waiting.")).to_be_visible()
    page.context.clear_cookies()
    sign_in_through_ui(page, base_url, bob.email)
    page.goto(f"{base_url}/groups/{slug}")
    expect(page.get_by_role("button", name="Leave group")).to_be_visible()
    expect(page.get_by_role("heading", name="Threads")).to_be_visible()
    _at_both_widths(page, shoot, "group-member")
    # The group's chat: Bob, a member, opens it from the group's page.
    page.get_by_role("button", name="Chat", exact=True).click()
    page.wait_for_url(re.compile(r"/messages/\d+$"))
    expect(page.get_by_role("heading", name="Legal AI Circle")).to_be_visible()
    _at_both_widths(page, shoot, "group-chat")
    page.goto(f"{base_url}/forums")
    _at_both_widths(page, shoot, "forums")


def test_forum_and_group_handlers_called_as_the_wrong_user_are_refused(app_url: str) -> None:
    owner, outsider = make_member(name="Owner Person"), make_member(name="Out Sider")
    owner_actor = actor_for(sign_in(owner.email))
    with session_scope() as db:
        slug = groups.do_create_group(db, owner_actor, "Secret Lab", "", "secret").slug
        group = db.exec(select(CommunityGroup).where(CommunityGroup.slug == slug)).one()
        where = categories.group_category(db, group).slug
        thread_id = posting.do_start_thread(db, owner_actor, where, "Lab notes only", "Quiet.")
    params = {"thread_id": str(thread_id)}

    async def attack() -> dict:
        seen: dict = {}
        cookie = {"aixplore_session": sign_in(outsider.email)}
        async with ReflexClient(app_url, cookies=cookie) as tab:
            await tab.hydrate(f"/forums/t/{thread_id}", params=params)
            seen["thread"] = tab.state(ThreadState)
            seen["reply"] = await tab.call(ThreadState.reply, form_data={"body": "Let me in"})
            seen["pin"] = await tab.call(ThreadState.set_pinned, on=True)
            seen["react"] = await tab.call(ThreadState.react, post_id=1, reaction="<b>")
            seen["level"] = await tab.call(ThreadState.set_level, level="watching")
            await tab.hydrate(f"/forums/{where}", params={"category": where})
            seen["category"] = tab.state(CategoryState)
            seen["start"] = await tab.call(
                CategoryState.start_thread, form_data={"title": "Sneaking in", "body": "Hi."}
            )
            await tab.hydrate(f"/groups/{slug}", params={"slug": slug})
            seen["group"] = tab.state(GroupPageState)
            seen["answer"] = await tab.call(GroupPageState.answer, user_id=1, approve=True)
            seen["invite"] = await tab.call(GroupPageState.invite, form_data={"handle": "x"})
            seen["join"] = await tab.call(GroupPageState.join, form_data=None)
            # Reporting the secret group it cannot see: as if there were no such group.
            report = {"kind": "group", "target_id": str(group.id), "reason": "spam"}
            seen["report"] = await tab.call(ReportState.report, form_data=report)
        async with ReflexClient(app_url) as tab:
            await tab.hydrate("/groups")
            seen["anon_create"] = await tab.call(GroupsState.create, form_data={"name": "Mine"})
            await tab.hydrate(
                "/forums/discuss/solution/1", params={"kind": "solution", "subject_id": "1"}
            )
            seen["anon_discuss"] = await tab.call(DiscussState.start, form_data={"body": "Hi."})
        return seen

    seen = run_async(attack())
    assert seen["thread"]["found"] is False and not seen["thread"].get("posts")
    assert seen["thread"]["refusal"] == "No such thread or category."
    for key in ("reply", "pin", "level", "start", "join"):
        assert any(kind == "error" for kind, _m in seen[key].toasts), key
    assert ("error", "Choose one of the offered reactions.") in seen["react"].toasts
    assert seen["category"]["found"] is False and seen["group"]["found"] is False
    assert ("error", "No such group.") in seen["answer"].toasts
    assert ("error", "No such group.") in seen["invite"].toasts
    assert ("error", "No such group.") in seen["report"].toasts
    for key in ("anon_create", "anon_discuss"):
        assert any(path.startswith("/login") for path in seen[key].redirects), key
    with session_scope() as db:
        assert db.exec(select(func.count()).select_from(ForumThread)).one() == 1
        assert db.exec(select(func.count()).select_from(ForumPost)).one() == 1
        assert groups.member_ids(db, group.id or 0) == [owner.id]
        assert db.exec(select(func.count()).select_from(ModerationReport)).one() == 0
