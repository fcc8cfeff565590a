"""Community events in Chromium: organize, RSVP, waitlist, promotion, calendar file, phone."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import icalendar
import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from aixplore.core.db import session_scope
from aixplore.domain.events import services as events
from aixplore.domain.mail.services import list_outbox_for
from aixplore.web.events.state import EventPageState
from aixplore.web.solutions.detail_state import SolutionPageState
from tests.e2e.helpers import axe_violations, horizontal_overflow, run_async, sign_in_through_ui
from tests.factories import actor_for, make_member, make_solution, sign_in
from tests.support.reflex_client import CallResult, ReflexClient

pytestmark = pytest.mark.e2e

DAY = (date.today() + timedelta(days=12)).isoformat()  # 18:30 is never in a DST gap
PHONE: ViewportSize = {"width": 375, "height": 740}


def _organize(page: Page, base_url: str, *, title: str, capacity: int, own: str = "") -> str:
    """Fill in /events/new; return the new event's URL."""
    page.goto(f"{base_url}/events/new")
    zone = page.get_by_label("Time zone")
    # The browser's own zone arrives first (a round trip after hydration: slower on the first
    # page a fresh server renders).
    expect(zone).not_to_have_value("", timeout=15000)
    if own:  # the select starts at the organizer's zone and offers every IANA zone
        expect(zone).to_have_value(own)
        assert zone.locator("option").count() > 400
    page.get_by_label("Title").fill(title)
    page.get_by_label("Description (Markdown)").fill(
        "Bring a laptop. **Pizza** provided. <script>alert(1)</script>"
    )
    page.get_by_label("Starts").fill(f"{DAY}T18:30")
    page.get_by_label("Ends").fill(f"{DAY}T20:30")
    zone.select_option("Europe/Berlin")
    page.get_by_label("Place").fill("Hall 2, Alexanderplatz 1, Berlin")
    page.get_by_label("Capacity").fill(str(capacity))
    page.get_by_role("button", name="Publish event").click()
    expect(page).to_have_url(re.compile(r"/events/\d+$"), timeout=15000)
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    return page.url


def test_one_seat_waitlist_promotion_and_calendar_file(
    browser: Browser, base_url: str, shoot, tmp_path: Path
) -> None:
    organizer = make_member(name="Olga Organizer")
    second = make_member(name="Sami Second")
    org_context = browser.new_context(timezone_id="Asia/Tokyo")
    second_context = browser.new_context()
    org, other = org_context.new_page(), second_context.new_page()
    try:
        sign_in_through_ui(org, base_url, organizer.email)
        url = _organize(org, base_url, title="Local LLM night", capacity=1, own="Asia/Tokyo")
        event_id = int(url.rsplit("/", 1)[1])
        # In the viewer's zone (Tokyo), and in the event's own.
        expect(org.get_by_text(re.compile(r", 0[12]:30 – 0[34]:30 \(your time\)"))).to_be_visible()
        expect(
            org.get_by_text(re.compile(r"18:30 – 20:30 CES?T \(Europe/Berlin\)"))
        ).to_be_visible()
        expect(org.get_by_text(re.compile(r"\d\d:30 – \d\d:30 UTC"))).to_have_count(0)
        host = org.get_by_role("link", name="Olga Organizer")
        expect(host).to_have_attribute("href", f"/publishers/{organizer.id}")
        expect(org.get_by_text("0 going")).to_be_visible()
        expect(org.locator("main script")).to_have_count(0)
        expect(org.get_by_text("1 of 1 seats left")).to_be_visible()

        # The organizer takes the only seat.
        org.get_by_role("button", name="RSVP: I'm going").click()
        expect(org.get_by_text("You are going.", exact=True)).to_be_visible()
        expect(org.get_by_text("Full: waitlist open")).to_be_visible()
        expect(org.get_by_text("1 going")).to_be_visible()
        expect(org.locator(".event-faces .event-face")).to_have_count(1)

        # A second member finds the event and joins the waitlist.
        sign_in_through_ui(other, base_url, second.email)
        other.goto(f"{base_url}/events")
        card = other.locator(".rt-Card", has_text="Local LLM night")
        expect(card.get_by_role("link", name="Olga Organizer")).to_be_visible()
        expect(card.get_by_text("1 going")).to_be_visible()
        expect(card.get_by_text("(your time)")).to_be_visible()
        shoot(other, "events")
        other.get_by_role("link", name="Local LLM night").click()
        expect(other).to_have_url(url)
        other.get_by_role("button", name="Join the waitlist").click()
        expect(other.get_by_text("You are on the waitlist (#1)")).to_be_visible()
        shoot(other, "event-waitlisted")

        # The organizer gives the seat back: it goes to the second member at once.
        org.get_by_role("button", name="Cancel my RSVP").click()
        expect(org.get_by_role("button", name="Join the waitlist")).to_be_visible()
        other.reload()
        expect(other.get_by_text("You are going.", exact=True)).to_be_visible()
        expect(other.get_by_role("button", name="Cancel my RSVP")).to_be_visible()
        with session_scope() as db:
            subjects = [m.subject for m in list_outbox_for(db, second.email)]
        assert "You have a seat at Local LLM night" in subjects
        shoot(other, "event-promoted")
        assert axe_violations(other) == []

        # The calendar file downloads and parses.
        with other.expect_download() as download:
            other.get_by_role("link", name="Add to calendar (.ics)").click()
        saved = tmp_path / "event.ics"
        download.value.save_as(saved)
        assert download.value.suggested_filename == f"event-{event_id}.ics"
        [vevent] = icalendar.Calendar.from_ical(saved.read_bytes()).walk("VEVENT")
        assert str(vevent["SUMMARY"]) == "Local LLM night"
        assert "Alexanderplatz" in str(vevent["LOCATION"])
        with session_scope() as db:
            detail = events.get_event(db, None, event_id)
        assert vevent.decoded("DTSTART") == detail.starts_at
    finally:
        org_context.close()
        second_context.close()


def test_a_stranger_cannot_edit_someone_elses_event(page: Page, base_url: str) -> None:
    organizer, stranger = make_member(), make_member()
    with session_scope() as db:
        event = events.do_create_event(
            db,
            actor_for(sign_in(organizer.email)),
            {
                "title": "Not yours",
                "starts_at": f"{DAY}T10:00",
                "ends_at": f"{DAY}T11:00",
                "timezone": "UTC",
                "online_url": "https://meet.example.com/secret",
                "capacity": 5,
            },
        )
    sign_in_through_ui(page, base_url, stranger.email)
    page.goto(f"{base_url}/events/{event.id}")
    expect(page.get_by_role("heading", name="Not yours", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Edit event")).to_have_count(0)
    expect(page.get_by_text("the link is shown to the people going")).to_be_visible()
    expect(page.get_by_text("meet.example.com")).to_have_count(0)
    page.goto(f"{base_url}/events/{event.id}/edit")
    expect(page).to_have_url(f"{base_url}/events/{event.id}")


def test_event_pages_fit_a_phone_and_pass_axe(browser: Browser, base_url: str, shoot) -> None:
    organizer = make_member(name="Pia Phone")
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        sign_in_through_ui(page, base_url, organizer.email)
        url = _organize(
            page, base_url, title="A rather long event title that has to wrap on phones", capacity=3
        )
        for path, name in [
            ("/events", "events"),
            ("/events?when=past", "events-past"),
            (url.removeprefix(base_url), "event"),
            ("/events/new", "event-new"),
            ("/events/999999", "event-missing"),
        ]:
            page.goto(f"{base_url}{path}")
            page.wait_for_load_state("networkidle")
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            assert horizontal_overflow(page) <= 0, f"{path} scrolls sideways at 375 px"
            assert axe_violations(page) == [], path
            shoot(page, name)
    finally:
        context.close()


def test_a_zone_the_browser_makes_up_falls_back_to_the_events_own(app_url: str) -> None:
    organizer = make_member(name="Zed Zone")
    tool = make_solution(organizer.email, name="Zoned Tool")
    with session_scope() as db:
        event = events.do_create_event(
            db,
            actor_for(sign_in(organizer.email)),
            {
                "title": "Zoned meetup",
                "starts_at": f"{DAY}T10:00",
                "ends_at": f"{DAY}T11:00",
                "timezone": "Europe/Berlin",
                "location": "Berlin",
                "capacity": 5,
                "solution": tool.slug,
            },
        )
    forged = ["../../etc/passwd", "Mars/Olympus_Mons", {"zone": "UTC"}, ["UTC"], 7, "x" * 5000]

    async def visit() -> tuple[list[CallResult], dict, dict]:
        async with ReflexClient(app_url) as tab:
            await tab.hydrate(f"/events/{event.id}", params={"event_id": str(event.id)})
            results = [await tab.call(EventPageState.set_viewer_timezone, zone=z) for z in forged]
            made_up = dict(tab.state(EventPageState)["detail"])
            results.append(await tab.call(EventPageState.set_viewer_timezone, zone="Asia/Tokyo"))
            return results, made_up, dict(tab.state(EventPageState)["detail"])

    async def visit_solution() -> tuple[list[CallResult], list, list]:
        # The solution page's "Upcoming events" box shows the same times as the event page.
        async with ReflexClient(app_url) as tab:
            await tab.hydrate(f"/solutions/{tool.slug}", params={"slug": tool.slug})
            before = list(tab.state(SolutionPageState)["events"])
            results = [
                await tab.call(SolutionPageState.set_viewer_timezone, zone=z) for z in forged
            ]
            results.append(await tab.call(SolutionPageState.set_viewer_timezone, zone="Asia/Tokyo"))
            return results, before, list(tab.state(SolutionPageState)["events"])

    results, made_up, real = run_async(visit())
    assert all(r.replied and not r.toasts for r in results), [r.updates for r in results]
    assert made_up["when"] == event.when_local and made_up["event_when"] == ""
    assert real["when"].endswith("(your time)") and real["event_when"] == event.when_local
    results, before, after = run_async(visit_solution())
    assert all(r.replied and not r.toasts for r in results), [r.updates for r in results]
    assert [e["when"] for e in before] == [event.when_local]
    assert [e["when"] for e in after] == [real["when"]]
