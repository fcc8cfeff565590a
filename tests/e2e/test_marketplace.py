"""Marketplace in Chromium: search and filter, review, publish, moderate."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import Browser, Locator, Page, ViewportSize, expect

from aixplore.core.db import session_scope
from aixplore.demo.artwork import add_demo_artwork
from aixplore.domain.accounts import services as accounts
from aixplore.domain.moderation import inbox, reports
from aixplore.domain.reviews import reading as review_reading
from aixplore.domain.reviews import services as reviews
from tests.e2e.helpers import axe_violations, horizontal_overflow, sign_in_through_ui
from tests.factories import actor_for, make_admin, make_member, make_solution, sign_in

pytestmark = pytest.mark.e2e


def _png(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (90, 60, 180)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def catalog() -> dict[str, str]:
    publisher = make_member(name="Pat Publisher")
    slugs = {
        "ocr": make_solution(
            publisher.email,
            name="Receipt Reader",
            tagline="OCR for receipts and invoices",
            description="Extracts totals from scanned receipts with OCR.",
            category="computer-vision",
            pricing="paid",
            tags=["ocr", "finance"],
        ).slug,
        "summary": make_solution(
            publisher.email,
            name="Brief Writer",
            tagline="Summaries of long reports",
            description="Summarization of reports, papers and meeting notes.",
            category="text-generation",
            tags=["summarization"],
        ).slug,
        "transcribe": make_solution(
            publisher.email,
            name="Meeting Transcriber",
            tagline="Speech to text for meetings",
            description="Transcribes meetings and writes a summary of decisions.",
            category="speech-audio",
            pricing="freemium",
            tags=["transcription", "summarization"],
        ).slug,
    }
    with session_scope() as db:  # logos and screenshots as `seed-demo` draws them
        add_demo_artwork(db, [publisher.id])
    return {**slugs, "publisher": str(publisher.id), "publisher_email": publisher.email}


def test_search_filter_open_review_and_see_the_aggregate_change(
    page: Page, base_url: str, catalog: dict[str, str], shoot
) -> None:
    reader = make_member(name="Rita Reader")
    sign_in_through_ui(page, base_url, reader.email)
    page.goto(f"{base_url}/solutions")
    page.get_by_label("Search solutions").fill("summary")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page).to_have_url(re.compile(r"/solutions\?q=summary"))
    expect(page.get_by_role("status").filter(has_text="solutions")).to_contain_text("2")
    page.get_by_role("link", name=re.compile("^Freemium")).click()
    expect(page).to_have_url(re.compile(r"pricing=freemium"))
    expect(page.get_by_role("heading", name="Meeting Transcriber")).to_be_visible()
    expect(page.get_by_role("heading", name="Brief Writer")).to_have_count(0)
    expect(page.get_by_role("status").filter(has_text=re.compile(r"^1 solution$"))).to_be_visible()
    shoot(page, "catalog-filtered")
    page.go_back()  # the search lives in the URL: back restores it
    expect(page.get_by_role("heading", name="Brief Writer")).to_be_visible()
    page.get_by_role("link", name="Brief Writer").click()

    expect(page.get_by_role("heading", name="Brief Writer", level=1)).to_be_visible()
    expect(page.get_by_text("No reviews yet. Be the first.")).to_be_visible()
    page.get_by_label("4 stars").check()
    page.get_by_label("Title").fill("Good summaries")
    page.get_by_label("Your experience").fill("Short and accurate, saves me an hour a day.")
    page.get_by_role("button", name="Publish review").click()
    expect(page.get_by_role("heading", name="Good summaries")).to_be_visible()
    expect(page.get_by_text("out of 5 · 1 review", exact=True)).to_be_visible()
    expect(page.get_by_text("4", exact=True).first).to_be_visible()
    shoot(page, "solution-reviewed")
    assert axe_violations(page) == []

    # Editing: the form comes back with the review's own rating, and a change is saved.
    page.reload()
    expect(page.get_by_role("heading", name="Edit your review")).to_be_visible()
    expect(page.get_by_role("radio", name="4 stars")).to_be_checked()
    expect(page.get_by_label("Title")).to_have_value("Good summaries")
    page.get_by_role("radio", name="5 stars").check()
    page.get_by_label("Title").fill("Great summaries")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("heading", name="Great summaries")).to_be_visible()
    [mine], _ = _reviews(catalog["summary"])
    assert (mine.title, mine.rating) == ("Great summaries", 5)


def test_the_publisher_replies_and_a_member_reports_from_the_page(
    browser: Browser, page: Page, base_url: str
) -> None:
    publisher, author, reporter = make_member(), make_member(), make_member()
    slug = make_solution(publisher.email, name="Reply Desk", tagline="Answers tickets").slug
    with session_scope() as db:
        reviews.do_write_review(
            db,
            actor_for(sign_in(author.email)),
            slug,
            {"rating": 3, "title": "Decent but slow", "body": "Answers are right but slow."},
        )
    sign_in_through_ui(page, base_url, publisher.email)
    page.goto(f"{base_url}/solutions/{slug}")
    page.get_by_label("Reply as the publisher").fill("Thanks, a faster model ships next week.")
    page.get_by_role("button", name="Reply", exact=True).click()
    expect(page.get_by_text("Reply from the publisher")).to_be_visible()
    [review], _ = _reviews(slug)
    assert review.reply_body == "Thanks, a faster model ships next week."

    other = browser.new_page()
    sign_in_through_ui(other, base_url, reporter.email)
    other.goto(f"{base_url}/solutions/{slug}")
    other.get_by_role("button", name="Report review").click()
    other.get_by_label("Reason").click()
    other.get_by_role("option").first.click()
    other.get_by_role("button", name="Send report").click()
    expect(other.get_by_text("A moderator will look at this review")).to_be_visible()
    with session_scope() as db:
        queue = inbox.list_inbox(db, actor_for(sign_in(make_admin().email)))
    [item] = [i for i in queue if (i.kind, i.target_id) == ("review", review.id)]
    assert [r.reporter_name for r in item.reports] == [reporter.display_name]
    other.close()


def test_a_publisher_creates_and_publishes_a_solution(page: Page, base_url: str, shoot) -> None:
    publisher = make_member(name="Nia New")
    sign_in_through_ui(page, base_url, publisher.email)
    page.goto(f"{base_url}/publish")
    page.get_by_label("Name").fill("Invoice Genie")
    page.get_by_label("Tagline").fill("Invoices read and booked for you")
    page.get_by_label("Description (Markdown)").fill(
        "# Invoice Genie\n\nReads invoices and books them. <script>alert(1)</script>"
    )
    page.get_by_label("Category").click()
    page.get_by_role("option", name="Computer vision").click()
    page.get_by_label("Tags").fill("ocr, accounting")
    page.get_by_role("button", name="Save draft").click()
    expect(page).to_have_url(f"{base_url}/publish/invoice-genie")
    shoot(page, "publish-draft")
    page.locator("#screenshots input[type=file]").set_input_files(
        [
            {"name": "board.png", "mimeType": "image/png", "buffer": _png((1280, 800))},
            {"name": "fake.png", "mimeType": "image/png", "buffer": b"<svg onload=x>"},
        ]
    )
    page.get_by_role("button", name="Upload screenshots").click()
    expect(page.get_by_text("fake.png: That file is not a readable image.")).to_be_visible()
    page.locator("#screenshots input[type=file]").set_input_files(
        [{"name": "board.png", "mimeType": "image/png", "buffer": _png((1280, 800))}]
    )
    page.get_by_role("button", name="Upload screenshots").click()
    expect(page.get_by_text("1 screenshot added.")).to_be_visible()
    page.get_by_label("Caption of screenshot 1").fill("The booking dashboard")
    page.get_by_label("Caption of screenshot 1").blur()
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.get_by_text("published", exact=True)).to_be_visible()
    page.goto(f"{base_url}/solutions?q=invoice")
    expect(page.get_by_role("heading", name="Invoice Genie")).to_be_visible()
    page.get_by_role("link", name="Invoice Genie").click()
    expect(
        page.get_by_role("heading", name="Invoice Genie", level=2)
        .or_(page.get_by_role("heading", name="Invoice Genie", level=1))
        .first
    ).to_be_visible()
    expect(page.locator("main script")).to_have_count(0)
    expect(page.get_by_role("img", name="The booking dashboard")).to_be_visible()
    shoot(page, "solution-with-screenshots")


def test_admin_hides_a_reported_review(
    page: Page, base_url: str, catalog: dict[str, str], shoot
) -> None:
    author, reporter, admin = make_member(name="Sam Spammer"), make_member(), make_admin()
    with session_scope() as db:
        reviews.do_write_review(
            db,
            actor_for(sign_in(author.email)),
            catalog["ocr"],
            {
                "rating": 1,
                "title": "Buy tokens cheap",
                "body": "Visit my site for cheap tokens now!!",
            },
        )
    [review], _ = _reviews(catalog["ocr"])
    with session_scope() as db:
        reports.do_report(
            db,
            actor_for(sign_in(reporter.email)),
            "review",
            review.id,
            {"reason": "spam", "note": "advert"},
        )
    sign_in_through_ui(page, base_url, admin.email)
    page.goto(f"{base_url}/admin/moderation")
    expect(page.get_by_text("Buy tokens cheap")).to_be_visible()
    shoot(page, "moderation")
    page.get_by_label("Moderation note").fill("advertising")
    page.get_by_role("button", name="Hide review").click()
    expect(page.get_by_text("Nothing here.")).to_be_visible()
    assert _reviews(catalog["ocr"])[1] == 0
    page.goto(f"{base_url}/solutions/{catalog['ocr']}")
    expect(page.get_by_role("heading", name="Receipt Reader", level=1)).to_be_visible()
    expect(page.get_by_text("Buy tokens cheap")).to_have_count(0)


def _reviews(slug: str):
    with session_scope() as db:
        return review_reading.list_reviews(db, None, slug)


def _loaded(image: Locator) -> bool:
    """Whether the image arrived and decoded (a broken or missing file has no width)."""
    image.scroll_into_view_if_needed()
    expect(image).to_be_visible()
    return image.evaluate("i => i.complete && i.naturalWidth > 0")


def test_marketplace_pages_fit_a_phone_and_pass_axe(
    browser: Browser, base_url: str, catalog: dict[str, str], shoot
) -> None:
    owner, reader = (
        actor_for(sign_in(catalog["publisher_email"])),
        actor_for(sign_in(make_member().email)),
    )
    with session_scope() as db:
        accounts.do_update_profile(
            db,
            owner,
            {"display_name": "Pat Publisher", "bio": "Small tools for paperwork and meetings."},
        )
        reviews.do_write_review(
            db,
            reader,
            catalog["ocr"],
            {"rating": 4, "title": "Reads my receipts", "body": "Totals are right nearly always."},
        )
    publisher = f"/publishers/{catalog['publisher']}"
    viewports: tuple[ViewportSize, ...] = (
        {"width": 375, "height": 740},
        {"width": 1280, "height": 800},
    )
    for viewport in viewports:
        page = browser.new_page(viewport=viewport)
        for path, name in [
            ("/solutions", "catalog"),
            (f"/solutions/{catalog['ocr']}", "solution"),
            ("/categories", "categories"),
            ("/solutions/no-such-thing", "solution-missing"),
            (publisher, "publisher"),
        ]:
            page.goto(f"{base_url}{path}")
            page.wait_for_load_state("networkidle")
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            if name == "catalog":  # every card shows its own generated logo
                logos = page.locator("main img[src$='.svg']")
                expect(logos).to_have_count(3)
                assert _loaded(logos.first)
            if name == "solution":
                shot = page.get_by_role("img", name="Review queue in Receipt Reader")
                assert _loaded(shot)
                assert shot.get_attribute("loading") == "eager"
                later = page.get_by_role("img", name="Models in Receipt Reader")
                assert later.get_attribute("loading") == "lazy"
            if name == "publisher":
                figures = page.get_by_label("Publisher figures")
                for label, value in [("Solutions published", "3"), ("Reviews", "1")]:
                    figure = figures.locator("div", has_text=label)
                    expect(figure.locator("dd")).to_have_text(value)
                expect(
                    figures.locator("div", has_text="Average rating").locator("dd")
                ).to_have_text("4.00 ★")
                expect(figures).to_contain_text("Member since")
                expect(page.get_by_text("Small tools for paperwork and meetings.")).to_be_visible()
            assert horizontal_overflow(page) <= 0, (
                f"{path} scrolls sideways at {viewport['width']} px"
            )
            assert axe_violations(page) == [], path
            shoot(page, name)
        page.close()


def test_only_the_owner_can_open_a_draft(page: Page, browser: Browser, base_url: str) -> None:
    owner, stranger = make_member(), make_member()
    draft = make_solution(owner.email, name="Secret Plan", publish=False)
    sign_in_through_ui(page, base_url, stranger.email)
    page.goto(f"{base_url}/solutions/{draft.slug}")
    expect(page.get_by_role("heading", name="This solution does not exist")).to_be_visible()
    page.goto(f"{base_url}/publish/{draft.slug}")
    expect(page).to_have_url(re.compile(rf"/solutions/{draft.slug}"))
    # The owner previews it (a draft has no events: looking them up must not hide the page).
    own = browser.new_page()
    sign_in_through_ui(own, base_url, owner.email)
    own.goto(f"{base_url}/solutions/{draft.slug}")
    expect(own.get_by_role("heading", name="Secret Plan", level=1)).to_be_visible()
    own.close()


def test_a_shared_solution_link_shows_its_title_and_card_image(
    page: Page, base_url: str, catalog: dict[str, str]
) -> None:
    url = f"{base_url}/solutions/{catalog['ocr']}"
    # What a link preview's crawler reads: the HTML as served, no JavaScript run.
    served = page.request.get(url).text()
    head = served[: served.index("</head>")]
    assert '<meta property="og:title" content="Receipt Reader · AiXplore"/>' in head
    assert '<meta name="description" content="OCR for receipts and invoices"/>' in head
    assert '<meta name="twitter:card" content="summary_large_image"/>' in head
    image = re.search(r'<meta property="og:image" content="([^"]+)"/>', head)
    assert image is not None and image.group(1).startswith(("http://", "https://"))
    assert page.request.get(image.group(1)).headers["content-type"] == "image/png"
    # The page still starts cleanly in a browser with those tags in its head (page_errors).
    page.goto(url)
    expect(page.get_by_role("heading", name="Receipt Reader", level=1)).to_be_visible()
