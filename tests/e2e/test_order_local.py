"""An order offline, in Chromium: a local Git repository through the MCP Git server, paid with
tokens, delivered as a branch plus a review request, accepted here; the base branch then
holds the generated app and its tests pass."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from aixplore.core.db import session_scope
from aixplore.core.settings import get_settings
from aixplore.demo.repositories import seed_demo_repository
from aixplore.domain.wallet.services import do_grant_demo_tokens
from tests.e2e.helpers import axe_violations, horizontal_overflow, sign_in_through_ui
from tests.factories import make_member
from tests.support.local_repos import git

pytestmark = pytest.mark.e2e

PHONE: ViewportSize = {"width": 375, "height": 740}


def _step(page: Page, n: int, name: str) -> None:
    expect(page.get_by_role("heading", name=f"Step {n} of 5: {name}")).to_be_visible(timeout=20000)


def test_an_offline_order_into_a_local_repository_is_reviewed_and_merged(
    browser: Browser, base_url: str, shoot, tmp_path: Path
) -> None:
    root = get_settings().local_repos_root
    assert root is not None
    seed_demo_repository(root)  # what `aixplore.cli seed-demo` makes for ./scripts/run
    repo = root / "shop.git"
    member = make_member(name="Lea Local")
    branch = f"aixplore/e2e-shop-{member.id}"  # the data folder may outlive one run
    with session_scope() as db:
        do_grant_demo_tokens(db, member.id, 3_000)
    context = browser.new_context()
    page = context.new_page()
    try:
        sign_in_through_ui(page, base_url, member.email)
        page.goto(f"{base_url}/order")
        _step(page, 1, "Repository")
        page.get_by_role("button", name="Local repositories").click()
        page.get_by_role("button", name="Choose shop").click()
        shoot(page, "order-1-local")
        page.get_by_role("button", name="Scan and continue").click()

        _step(page, 2, "Requirements")
        expect(page).to_have_url(re.compile(r"/order/?\?id=\d+$"))  # the draft exists now
        page.get_by_role("radio", name=re.compile("^API service")).click()
        page.get_by_label("Data entities", exact=True).fill(
            "Product: name:text, price:decimal?\nSupplier: name:text, contact:email?"
        )
        page.get_by_label("Pages", exact=True).fill("home")
        page.get_by_role("button", name="Save and continue").click()
        _step(page, 3, "Configuration")
        page.get_by_label("Branch name", exact=True).fill(branch)
        page.get_by_role("button", name="Save and review").click()
        _step(page, 4, "Review")
        expect(page.locator("#main").get_by_text("Local repository")).to_be_visible()
        page.get_by_role("button", name="Continue to payment").click()
        _step(page, 5, "Payment")
        page.get_by_role("checkbox").click()
        shoot(page, "order-5-local")
        page.get_by_role("button", name="Pay with ECE tokens").click()
        expect(page).to_have_url(re.compile(r"/orders/\d+$"), timeout=20000)
        expect(page.locator("#order-status")).to_have_text("Delivered", timeout=120000)

        page.locator("#order-review").click()
        expect(page.get_by_role("heading", name=re.compile("^Review request"))).to_be_visible(
            timeout=20000
        )
        expect(page.get_by_role("cell", name="app/models.py")).to_be_visible()
        shoot(page, "order-review")
        assert axe_violations(page) == []
        assert git(repo, "rev-parse", "main") != git(repo, "rev-parse", branch)

        phone = browser.new_context(
            viewport=PHONE, storage_state=context.storage_state()
        ).new_page()
        phone.goto(page.url)
        expect(phone.get_by_role("button", name="Accept and merge")).to_be_visible(timeout=20000)
        assert horizontal_overflow(phone) == 0
        shoot(phone, "order-review")

        page.get_by_role("button", name="Accept and merge").click()
        expect(page.locator("#review-outcome")).to_contain_text("Accepted", timeout=60000)
        assert git(repo, "rev-parse", "main") == git(repo, "rev-parse", branch)
        work = tmp_path / "checkout"
        subprocess.run(["git", "clone", "-q", "-b", "main", str(repo), str(work)], check=True)
        assert (work / "app" / "models.py").exists() and (work / "shop").is_dir()
        done = subprocess.run(
            [sys.executable, "-m", "unittest", "discover", "-s", "tests", "-t", "."],
            cwd=work,
            capture_output=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr.decode()

        phone.goto(f"{base_url}/order")
        _step(phone, 1, "Repository")
        phone.get_by_role("button", name="Local repositories").click()
        expect(phone.get_by_role("button", name="Choose shop")).to_be_visible(timeout=20000)
        assert horizontal_overflow(phone) == 0
        shoot(phone, "order-1-local")
        assert axe_violations(phone) == []
    finally:
        context.close()
