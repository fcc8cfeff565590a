"""The order wizard in Chromium: GitHub via MCP, reload and resume, wallet payment, live
status until the pull request is delivered, then the bare repository checked out and tested."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from aixplore.core.db import session_scope
from aixplore.domain.wallet.services import do_grant_demo_tokens, user_balance
from tests.e2e.helpers import axe_violations, horizontal_overflow, sign_in_through_ui
from tests.factories import make_member
from tests.support.fake_github import FakeGitHub, git
from tests.support.github_fixture import TOKEN

pytestmark = pytest.mark.e2e

PHONE: ViewportSize = {"width": 375, "height": 740}
BRANCH = "aixplore/e2e-library"


def _step(page: Page, n: int, name: str) -> None:
    expect(page.get_by_role("heading", name=f"Step {n} of 5: {name}")).to_be_visible(timeout=20000)


def test_wizard_through_wallet_payment_to_a_delivered_pull_request(
    browser: Browser, base_url: str, shoot, e2e_github: FakeGitHub, tmp_path: Path
) -> None:
    member = make_member(name="Olu Orderer")
    with session_scope() as db:
        do_grant_demo_tokens(db, member.id, 3_000)
    context = browser.new_context()
    page = context.new_page()
    try:
        sign_in_through_ui(page, base_url, member.email)
        page.goto(f"{base_url}/order")
        _step(page, 1, "Repository")
        shoot(page, "order-1-connect")
        page.get_by_label("GitHub token", exact=True).fill("ghp_wrong_token_0000000000")
        page.get_by_role("button", name="Connect GitHub").click()
        expect(page.get_by_role("alert").first).to_contain_text(
            "connect GitHub again", timeout=20000
        )
        page.get_by_label("GitHub token", exact=True).fill(TOKEN)
        page.get_by_role("button", name="Connect GitHub").click()
        expect(page.locator("#main").get_by_text("GitHub connected as")).to_be_visible(
            timeout=20000
        )
        page.get_by_role("button", name="Search", exact=True).click()
        page.get_by_role("button", name="Choose octo/library").click()
        shoot(page, "order-1-repository")
        page.get_by_role("button", name="Scan and continue").click()

        _step(page, 2, "Requirements")
        page.get_by_role("radio", name=re.compile("^API service")).click()
        entities = page.get_by_label("Data entities", exact=True)
        entities.fill("Book: title:text, pages:integer?\nclass: x:text")
        page.get_by_role("button", name="Save and continue").click()
        expect(page.get_by_role("alert").first).to_contain_text("PascalCase")
        entities.fill(
            "Book: title:text, pages:integer?, price:decimal?\nAuthor: name:text, contact:email?"
        )
        page.get_by_label("Pages", exact=True).fill("home, about")
        shoot(page, "order-2-requirements")
        page.get_by_role("button", name="Save and continue").click()
        _step(page, 3, "Configuration")

        page.reload()  # the draft resumes where it was
        _step(page, 3, "Configuration")
        expect(
            page.locator("#main").get_by_text(re.compile("Detected: framework flask"))
        ).to_be_visible()
        page.get_by_label("Branch name", exact=True).fill(BRANCH)
        page.get_by_label("Secrets", exact=True).fill("API_KEY=topsecret-value")
        page.get_by_label("Environment variables", exact=True).fill("APP_TITLE=Library")
        shoot(page, "order-3-configuration")
        page.get_by_role("button", name="Save and review").click()

        _step(page, 4, "Review")
        expect(page.locator("#main").get_by_text("Feasibility report")).to_be_visible()
        expect(
            page.get_by_text(re.compile(r"Files that would be overwritten: .*README\.md"))
        ).to_be_visible()
        expect(page.locator("#main").get_by_text(re.compile(r"^\d+ ECE \(EUR"))).to_be_visible()
        shoot(page, "order-4-review")
        page.get_by_role("button", name=re.compile(r"^3 Configuration")).click()
        expect(page.get_by_label("Secrets", exact=True)).to_have_value("API_KEY=********")
        assert "topsecret-value" not in page.content()
        page.get_by_role("button", name="Save and review").click()
        _step(page, 4, "Review")
        page.get_by_role("button", name="Continue to payment").click()

        _step(page, 5, "Payment")
        page.get_by_role("button", name="Pay with ECE tokens").click()
        expect(page.get_by_role("alert").first).to_contain_text("Approve write access")
        page.get_by_role("checkbox").click()
        shoot(page, "order-5-payment")
        page.get_by_role("button", name="Pay with ECE tokens").click()
        expect(page).to_have_url(re.compile(r"/orders/\d+$"), timeout=20000)
        expect(page.locator("#order-status")).to_have_text("Delivered", timeout=120000)
        expect(page.locator("#order-pr")).to_be_visible()
        shoot(page, "order-delivered")
        assert axe_violations(page) == []

        repo = e2e_github.repos["octo/library"]
        assert len([p for p in repo.pulls if p["head_ref"] == BRANCH]) == 1
        files = git(repo.path, "ls-tree", "-r", "--name-only", BRANCH).split()
        assert "app/models.py" in files and "tests/test_app.py" in files
        work = tmp_path / "checkout"
        subprocess.run(["git", "clone", "-q", "-b", BRANCH, str(repo.path), str(work)], check=True)
        done = subprocess.run(
            [sys.executable, "-m", "unittest", "discover", "-s", "tests", "-t", "."],
            cwd=work,
            capture_output=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr.decode()
        with session_scope() as db:
            assert user_balance(db, member.id) < 3_000

        page.goto(f"{base_url}/orders")
        expect(page.locator("#main").get_by_text("Delivered")).to_be_visible()
        expect(page.get_by_role("link", name="Pull request")).to_be_visible()

        phone = browser.new_context(
            viewport=PHONE, storage_state=context.storage_state()
        ).new_page()
        phone.goto(page.url)
        phone.get_by_role("link", name=re.compile("Order #")).first.click()
        expect(phone.locator("#order-status")).to_have_text("Delivered", timeout=20000)
        assert horizontal_overflow(phone) == 0
        shoot(phone, "order-delivered")
        phone.goto(f"{base_url}/order")
        _step(phone, 1, "Repository")
        assert horizontal_overflow(phone) == 0
        shoot(phone, "order-1-repository")
        assert axe_violations(phone) == []
    finally:
        context.close()
