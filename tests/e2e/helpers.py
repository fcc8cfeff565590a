"""Helpers for the browser tests: outbox links, sign-in, accessibility."""

from __future__ import annotations

import time

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from aixplore.core.db import session_scope
from aixplore.core.time import utcnow
from aixplore.domain.orgs import services as orgs
from aixplore.domain.orgs.models import OrgDomain
from tests.factories import PASSWORD, actor_for, make_member, outbox_link, sign_in

_axe = Axe()


def wait_for_link(email: str, path: str, timeout: float = 20) -> str:
    """Wait until the app has mailed ``email`` a link to ``path``; return its token."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with session_scope() as db:
                return outbox_link(db, email, path)
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def sign_in_through_ui(page: Page, base_url: str, email: str, password: str = PASSWORD) -> None:
    """Sign in on the sign-in page and wait for the profile."""
    page.goto(f"{base_url}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.locator("main").get_by_role("button", name="Sign in", exact=True).click()
    expect(page).to_have_url(f"{base_url}/profile", timeout=15000)


def hydrated(page: Page) -> None:
    """Wait until the page has talked to the backend (the shell knows who is signed in)."""
    page.wait_for_load_state("networkidle")


def axe_violations(page: Page) -> list[str]:
    """Run axe-core in the page; return one line per violation."""
    # Let toasts finish fading in: mid-fade colours are not final. A fixed pause was not
    # always enough on a loaded machine, so wait until no toast is animating (up to 5 s).
    if page.locator("[data-sonner-toast]").count():
        page.wait_for_timeout(300)
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-sonner-toast]')].every(
            (t) => t.getAnimations({subtree: true}).length === 0)""",
        timeout=5000,
    )
    result = _axe.run(page)
    return [
        f"{v['id']}: {v['help']} at {[n['target'] for n in v['nodes']][:3]}: "
        f"{v['nodes'][0].get('failureSummary', '')[:240]}"
        for v in result.response["violations"]
    ]


def horizontal_overflow(page: Page) -> int:
    """How many pixels the page is wider than the viewport."""
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def looked_at(page: Page, shoot, name: str) -> None:
    """Check a page with axe-core and shoot it at 1280 px, then at 375 px without overflow."""
    assert axe_violations(page) == []
    shoot(page, name)
    page.set_viewport_size({"width": 375, "height": 800})
    assert horizontal_overflow(page) <= 0
    shoot(page, name)
    page.set_viewport_size({"width": 1280, "height": 800})


def run_async(coroutine):
    """Run a coroutine to completion from a sync test.

    Playwright's sync API keeps an event loop running in the test thread, so the coroutine
    gets a fresh loop in a thread of its own, with this thread's context variables.
    """
    import asyncio
    import contextvars
    from concurrent.futures import ThreadPoolExecutor

    context = contextvars.copy_context()  # Reflex keeps its registry in a context variable
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(context.run, asyncio.run, coroutine).result()


def follow_through_the_app(app_url: str, email: str, handle: str) -> None:
    """``email`` follows ``handle`` from a tab of their own: the app itself notifies, and the
    followed person's open pages hear of it live (a notification made by the test process
    would reach them only through Redis, which the SQLite pass has not)."""
    from aixplore.web.social.profile_state import ProfilePageState
    from tests.factories import sign_in
    from tests.support.reflex_client import ReflexClient

    async def follow() -> None:
        async with ReflexClient(app_url, cookies={"aixplore_session": sign_in(email)}) as tab:
            await tab.hydrate(f"/u/{handle}", params={"handle": handle})
            await tab.call(ProfilePageState.follow)

    run_async(follow())


def org_with_domain() -> tuple[int, str]:
    """Acme, owned by owner@acme-corp.com, with acme.com verified: (its id, the owner's email)."""
    owner = make_member(email="owner@acme-corp.com", name="Olga Owner")
    actor = actor_for(sign_in(owner.email))
    with session_scope() as db:
        org = orgs.do_create_org(db, actor, {"name": "Acme", "slug": "acme"})
        db.add(
            OrgDomain(
                org_id=org.id, domain="acme.com", verification_token="t", verified_at=utcnow()
            )
        )
    return org.id, owner.email
