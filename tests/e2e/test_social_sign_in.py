"""Sign up with "Continue with Google" (the test OpenID Provider plays Google), link GitHub
from "Sign-in methods" (the fake GitHub's consent page) and see both listed; and the page's
handlers called over the socket with forged arguments, signed out, or against another
member's links."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import select

from aixplore.core.db import read_scope, session_scope
from aixplore.domain.social_login.models import SocialIdentity, SocialLogin
from aixplore.web.accounts.sign_in_methods import SignInMethodsState
from tests.e2e.helpers import axe_violations, horizontal_overflow, run_async
from tests.factories import actor_for, make_member, sign_in
from tests.support.fake_github import FakeGitHub
from tests.support.reflex_client import ReflexClient

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}


def _op_login(page: Page, login: str) -> None:
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("anything")
    page.locator("button[type=submit]").click()
    page.get_by_role("button", name="Continue").click()


def _identities() -> list[tuple[int, str]]:
    with read_scope() as db:
        return [(r.user_id, r.provider) for r in db.exec(select(SocialIdentity)).all()]


def test_sign_up_with_google_then_link_github_from_settings(
    browser: Browser, base_url: str, shoot, e2e_github: FakeGitHub
) -> None:
    e2e_github.set_email("octo", "octo@users.example")
    context = browser.new_context(viewport=DESKTOP)  # type: ignore[arg-type]
    page = context.new_page()
    try:
        page.goto(f"{base_url}/signup")
        google = page.get_by_role("link", name="Continue with Google")
        expect(google).to_be_visible()
        expect(page.get_by_role("link", name="Continue with GitHub")).to_be_visible()
        shoot(page, "social-1-signup")
        assert axe_violations(page) == []
        page.set_viewport_size(PHONE)  # type: ignore[arg-type]
        shoot(page, "social-1-signup")
        assert horizontal_overflow(page) == 0
        page.set_viewport_size(DESKTOP)  # type: ignore[arg-type]

        google.click()
        _op_login(page, "gwen")
        expect(page).to_have_url(f"{base_url}/profile", timeout=20000)
        expect(page.get_by_role("heading", name="Gwen Google")).to_be_visible()

        page.goto(f"{base_url}/settings/sign-in")
        expect(page.get_by_role("heading", name="Sign-in methods")).to_be_visible()
        page.get_by_role("button", name="Link GitHub").click()  # no password: straight on
        expect(page.get_by_role("heading", name="Authorize AiXplore")).to_be_visible(timeout=20000)
        page.get_by_role("button", name="Authorize").click()

        expect(page.get_by_text("GitHub is linked: it can now sign you in.")).to_be_visible(
            timeout=20000
        )
        expect(page.get_by_text("Signs you in")).to_have_count(2)
        main = page.locator("main")
        expect(main.get_by_text("gwen@gmail.test", exact=True)).to_be_visible()
        expect(main.get_by_text("octo@users.example", exact=True)).to_be_visible()
        expect(page.get_by_role("button", name="Remove GitHub")).to_be_visible()
        shoot(page, "social-2-sign-in-methods")
        assert axe_violations(page) == []
        page.set_viewport_size(PHONE)  # type: ignore[arg-type]
        expect(page.get_by_role("button", name="Remove Google")).to_be_visible()
        shoot(page, "social-2-sign-in-methods")
        assert horizontal_overflow(page) == 0
        assert axe_violations(page) == []
        assert sorted(p for _u, p in _identities()) == ["github", "google"]
    finally:
        context.close()


def test_sign_in_methods_handlers_over_the_socket_refuse_forgeries(app_url: str) -> None:
    victim = make_member()
    with session_scope() as db:
        db.add(SocialIdentity(user_id=victim.id, provider="google", subject="victim-sub"))
    member = make_member()
    token = sign_in(member.email)

    async def attack() -> list:
        async with ReflexClient(app_url, cookies={"aixplore_session": token}) as tab:
            await tab.hydrate("/settings/sign-in")
            return [
                await tab.call(SignInMethodsState.choose, provider="myspace"),
                await tab.call(SignInMethodsState.choose, provider=["github"]),
                await tab.call(SignInMethodsState.link, form_data={"password": "x" * 12}),
                await tab.call(SignInMethodsState.choose, provider="github"),
                await tab.call(SignInMethodsState.link, form_data={"password": "wrong-password"}),
                await tab.call(SignInMethodsState.link, form_data="not a form"),
                await tab.call(SignInMethodsState.unlink, provider="google"),
                await tab.call(SignInMethodsState.unlink, provider={"id": victim.id}),
            ]

    results = run_async(attack())
    messages = [t.message for r in results for t in r.toasts]
    assert "That sign-in provider is not offered here." in messages
    assert "The password is incorrect." in messages
    assert "Google is not linked to your account." in messages
    assert "Unknown sign-in provider." in messages
    assert not any(r.redirects for r in results)  # never on to a provider
    assert _identities() == [(victim.id, "google")]  # the victim's link is untouched
    with read_scope() as db:
        assert db.exec(select(SocialLogin)).all() == []  # no round trip was started
    assert actor_for(token) is not None

    async def signed_out() -> list:
        async with ReflexClient(app_url) as tab:
            await tab.hydrate("/")
            return [
                await tab.call(SignInMethodsState.unlink, provider="google"),
                await tab.call(SignInMethodsState.link, form_data={"password": "x"}),
            ]

    for result in run_async(signed_out()):
        assert any(path.startswith("/login") for path in result.redirects), result.updates
    assert _identities() == [(victim.id, "google")]
