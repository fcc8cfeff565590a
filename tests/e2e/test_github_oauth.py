"""Connect GitHub from the wizard by signing in with the OAuth app (the fake GitHub's consent
page), land back in the wizard connected and pick a repository; or cancel on GitHub."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import select

from aixplore.core.db import read_scope
from aixplore.domain.orders import github_account
from aixplore.domain.orders.models import GithubLoginState
from aixplore.web.orders.wizard_state import WizardState
from tests.e2e.helpers import axe_violations, horizontal_overflow, run_async, sign_in_through_ui
from tests.factories import make_member, sign_in
from tests.support.fake_github import FakeGitHub
from tests.support.reflex_client import ReflexClient

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def _repository_step(page: Page) -> None:
    expect(page.get_by_role("heading", name="Step 1 of 5: Repository")).to_be_visible(timeout=20000)


def _to_github(page: Page) -> None:
    page.get_by_role("button", name="Connect with GitHub").click()
    expect(page.get_by_role("heading", name="Authorize AiXplore")).to_be_visible(timeout=20000)


def test_connect_with_github_then_pick_a_repository(
    browser: Browser, base_url: str, shoot, e2e_github: FakeGitHub
) -> None:
    member = make_member(name="Ola OAuth")
    context = browser.new_context(viewport=DESKTOP)  # type: ignore[arg-type]
    page = context.new_page()
    try:
        sign_in_through_ui(page, base_url, member.email)
        page.goto(f"{base_url}/order")
        _repository_step(page)
        expect(page.get_by_label("GitHub token", exact=True)).to_be_visible()
        shoot(page, "order-1-github-options")
        assert axe_violations(page) == []

        _to_github(page)
        page.get_by_role("button", name="Authorize").click()

        expect(
            page.locator("[data-sonner-toast]").filter(has_text="GitHub connected as octo.")
        ).to_be_visible(timeout=20000)
        expect(page.get_by_text("Connected to GitHub as")).to_have_count(0)  # said once
        # The outcome is shown once (no OAuth parameters left in the address); no draft exists
        # until step 1 is saved, so the address may be the bare /order.
        expect(page).to_have_url(re.compile(r"/order/?(\?id=\d+)?$"))
        _repository_step(page)
        expect(page.locator("#main").get_by_text("GitHub connected as")).to_be_visible()
        with read_scope() as db:
            token = github_account.github_token_for(db, member.id)
        assert token is not None and token in e2e_github.oauth_issued
        shoot(page, "order-1-github-connected")
        assert axe_violations(page) == []

        page.get_by_role("button", name="Search", exact=True).click()
        page.get_by_role("button", name="Choose octo/library").click()
        page.get_by_role("button", name="Scan and continue").click()
        expect(page.get_by_role("heading", name="Step 2 of 5: Requirements")).to_be_visible(
            timeout=30000
        )
    finally:
        context.close()


def test_cancel_on_github_says_so(browser: Browser, base_url: str, shoot) -> None:
    member = make_member(name="Cai Cancel")
    context = browser.new_context(viewport=PHONE)  # type: ignore[arg-type]
    page = context.new_page()
    try:
        sign_in_through_ui(page, base_url, member.email)
        page.goto(f"{base_url}/order")
        _repository_step(page)
        assert horizontal_overflow(page) == 0
        shoot(page, "order-1-github-options")
        assert axe_violations(page) == []

        _to_github(page)
        page.get_by_role("button", name="Cancel").click()

        expect(page.get_by_role("alert").first).to_have_text(
            "GitHub sign-in was cancelled.", timeout=20000
        )
        expect(page.get_by_role("button", name="Connect with GitHub")).to_be_visible()
        with read_scope() as db:
            assert github_account.github_token_for(db, member.id) is None
        assert horizontal_overflow(page) == 0
        shoot(page, "order-1-github-cancelled")
        assert axe_violations(page) == []
    finally:
        context.close()


def _open_states() -> int:
    with read_scope() as db:
        return len(db.exec(select(GithubLoginState)).all())


def test_the_handler_over_the_socket_needs_a_signed_in_member(app_url: str) -> None:
    member = make_member()
    token = sign_in(member.email)

    async def call(cookies: dict[str, str]):
        async with ReflexClient(app_url, cookies=cookies) as tab:
            await tab.hydrate("/order")
            return await tab.call(WizardState.connect_github_app)

    before = _open_states()
    anonymous = run_async(call({}))
    assert "/api/github/oauth/start" not in json.dumps(anonymous.events)
    assert _open_states() == before
    signed_in = run_async(call({"aixplore_session": token}))
    assert "/api/github/oauth/start?state=" in json.dumps(signed_in.events)
    with read_scope() as db:
        mine = db.exec(select(GithubLoginState).where(GithubLoginState.user_id == member.id))
        assert len(mine.all()) == 1
