"""Bookmarks, collections, saved searches and the analytics dashboards in Chromium."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, expect

from aixplore.core.db import session_scope
from aixplore.domain.analytics.models import AnalyticsEvent
from tests.e2e.helpers import axe_violations, horizontal_overflow, sign_in_through_ui
from tests.factories import make_admin, make_member, make_solution

pytestmark = pytest.mark.e2e


def _events(kind: str, timeout: float = 15) -> list[AnalyticsEvent]:
    """Analytics rows of ``kind``, waiting for the job worker to write them."""
    from sqlmodel import select

    deadline = time.monotonic() + timeout
    while True:
        with session_scope() as db:
            rows = list(db.exec(select(AnalyticsEvent).where(AnalyticsEvent.kind == kind)).all())
        if rows or time.monotonic() > deadline:
            return rows
        time.sleep(0.2)


def test_bookmark_collect_and_find_them_on_the_saved_page(page: Page, base_url: str, shoot) -> None:
    owner, reader = make_member(name="Olga Owner"), make_member(name="Rex Reader")
    created = make_solution(
        owner.email, name="Vision Kit", tags=["ocr"], category="computer-vision"
    )
    sign_in_through_ui(page, base_url, reader.email)
    page.goto(f"{base_url}/solutions/{created.slug}")
    page.get_by_role("button", name="Bookmark").click()
    expect(page.get_by_role("button", name="Bookmarked")).to_be_visible()
    page.get_by_role("button", name="Collections").click()
    page.get_by_label("New collection name").fill("Computer vision shortlist")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_text("Added to the new collection")).to_be_visible()
    page.goto(f"{base_url}/saved")
    expect(page.get_by_role("heading", name="Vision Kit")).to_be_visible()
    page.get_by_role("tab", name="Collections").click()
    expect(page.get_by_role("heading", name="Computer vision shortlist")).to_be_visible()
    shoot(page, "saved")
    assert axe_violations(page) == []
    assert [e.solution_id for e in _events("view")] == [created.id]
    assert [e.solution_id for e in _events("bookmark")] == [created.id]


def test_save_a_search_from_the_catalog(page: Page, base_url: str) -> None:
    owner, reader = make_member(), make_member()
    make_solution(owner.email, name="Receipt Reader", tags=["ocr"], category="computer-vision")
    sign_in_through_ui(page, base_url, reader.email)
    page.goto(f"{base_url}/solutions?q=receipt&pricing=free")
    page.get_by_role("button", name="Save search").click()
    expect(page.get_by_text("We will mail you")).to_be_visible()
    page.goto(f"{base_url}/saved")
    page.get_by_role("tab", name="Saved searches").click()
    link = page.get_by_role("link", name="“receipt”")
    expect(link).to_have_attribute("href", re.compile(r"/solutions\?q=receipt&pricing=free"))
    search = _events("search")
    assert search and search[0].detail == "receipt" and search[0].results == 1


def test_publisher_sees_analytics_and_strangers_do_not(
    page: Page, base_url: str, browser, shoot
) -> None:
    owner = make_member(name="Ana Analytics")
    created = make_solution(owner.email, name="Chart Maker", category="data-analytics")
    visitor = browser.new_page()
    visitor.goto(f"{base_url}/solutions/{created.slug}")
    expect(visitor.get_by_role("heading", name="Chart Maker", level=1)).to_be_visible()
    visitor.close()
    assert _events("view")
    sign_in_through_ui(page, base_url, owner.email)
    page.goto(f"{base_url}/analytics/{created.slug}")
    expect(page.get_by_role("heading", name="Analytics", level=1)).to_be_visible()
    expect(page.locator(".recharts-surface").first).to_be_visible()
    shoot(page, "analytics")
    assert horizontal_overflow(page) <= 0
    assert axe_violations(page) == []
    with page.expect_download() as download:
        page.get_by_role("button", name="Export CSV").click()
    assert download.value.suggested_filename == f"{created.slug}-analytics-30d.csv"

    stranger_page = browser.new_page()
    sign_in_through_ui(stranger_page, base_url, make_member().email)
    stranger_page.goto(f"{base_url}/analytics/{created.slug}")
    expect(
        stranger_page.get_by_role("heading", name="Analytics are for the publisher")
    ).to_be_visible()
    stranger_page.close()


def test_admin_sees_platform_analytics(page: Page, base_url: str, shoot) -> None:
    admin = make_admin()
    sign_in_through_ui(page, base_url, admin.email)
    page.goto(f"{base_url}/admin/analytics")
    expect(page.get_by_role("heading", name="Searches with no results")).to_be_visible()
    shoot(page, "admin-analytics")
    assert axe_violations(page) == []
