"""Configure a webhook on the site and watch signed deliveries reach a local receiver."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import axe_violations, horizontal_overflow, sign_in_through_ui
from tests.factories import PASSWORD, make_member
from tests.integration.test_webhooks import Receiver, verify

pytestmark = pytest.mark.e2e


def test_configure_a_webhook_and_see_deliveries(page: Page, base_url: str, shoot) -> None:
    receiver = Receiver()
    try:
        member = make_member(name="Hana Hooks")
        sign_in_through_ui(page, base_url, member.email)
        page.goto(f"{base_url}/settings/webhooks")
        page.get_by_label("URL").fill(receiver.url)
        page.get_by_label("solution.published").check()
        page.get_by_role("button", name="Add endpoint").click()
        secret_box = page.locator("#webhook-secret")
        expect(secret_box).to_contain_text("whsec_")
        secret = secret_box.inner_text().strip()
        page.get_by_role("button", name="Send test").click()
        deadline = time.monotonic() + 20
        while not receiver.requests and time.monotonic() < deadline:
            time.sleep(0.2)
        _path, headers, body = receiver.requests[0]
        assert headers["X-AiXplore-Event"] == "ping"
        assert verify(secret, headers["X-AiXplore-Signature"], body)
        page.get_by_role("button", name="Refresh").click()
        expect(page.get_by_text("Succeeded", exact=True)).to_be_visible()
        assert axe_violations(page) == []
        shoot(page, "webhooks")
        page.set_viewport_size({"width": 375, "height": 800})
        page.reload()
        expect(page.get_by_role("button", name="Send test")).to_be_visible()
        assert horizontal_overflow(page) <= 0
        shoot(page, "webhooks")
    finally:
        receiver.close()


def test_request_my_data(page: Page, base_url: str, shoot) -> None:
    from sqlmodel import select

    from aixplore.core.db import read_scope
    from aixplore.domain.gdpr.models import DataExport

    member = make_member(name="Dora Data")
    sign_in_through_ui(page, base_url, member.email)
    page.goto(f"{base_url}/settings/privacy")
    page.get_by_role("button", name="Request my data").click()
    expect(page.get_by_text("Requested. Check your mailbox")).to_be_visible()
    with read_scope() as db:
        assert db.exec(select(DataExport).where(DataExport.user_id == member.id)).first()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Keep my reviews").check()
    page.get_by_role("button", name="Erase my account").click()
    expect(page.get_by_text("Your account will be erased on")).to_be_visible()
    assert axe_violations(page) == []
    shoot(page, "privacy")
    page.get_by_role("button", name="Cancel the erasure").click()
    expect(page.get_by_role("button", name="Erase my account")).to_be_visible()
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    expect(page.get_by_role("button", name="Request my data")).to_be_visible()
    assert horizontal_overflow(page) <= 0
    shoot(page, "privacy")
