"""A solution's page carries its own title, description, Open Graph and Twitter card tags."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from reflex.utils.precompressed_staticfiles import PrecompressedStaticFiles
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.testclient import TestClient

from aixplore.web.link_preview import LinkPreview, shorten, solution_tags, with_head_tags
from tests.factories import make_member, make_solution

FALLBACK = '<!DOCTYPE html><html lang="en"><head><meta charSet="utf-8"/></head><body></body></html>'


def _meta(page: str, key: str, name: str) -> list[str]:
    return re.findall(rf'<meta {key}="{re.escape(name)}" content="([^"]*)"/>', page)


@pytest.fixture
def pages(tmp_path: Path) -> Path:
    """A production build's SPA fallback and one prerendered page."""
    (tmp_path / "__spa-fallback.html").write_text(FALLBACK)
    (tmp_path / "404.html").write_text(FALLBACK)
    (tmp_path / "about.html").write_text("<h1>about</h1>")
    return tmp_path


def _client(pages: Path) -> TestClient:
    static = PrecompressedStaticFiles(directory=pages, html=True)
    return TestClient(LinkPreview(Starlette(routes=[Mount("/", app=static)]), pages))


def test_a_solution_page_has_its_tags_in_the_html_a_crawler_reads(pages: Path, settings) -> None:
    owner = make_member(name="Olga Owner")
    made = make_solution(owner.email, name="Deck <Builder>", tagline='Slides "fast" & right')
    response = _client(pages).get(f"/solutions/{made.slug}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "<title>Deck &lt;Builder&gt; · AiXplore</title>" in page
    assert _meta(page, "property", "og:title") == ["Deck &lt;Builder&gt; · AiXplore"]
    assert _meta(page, "name", "description") == ["Slides &quot;fast&quot; &amp; right"]
    assert _meta(page, "property", "og:description") == ["Slides &quot;fast&quot; &amp; right"]
    base = settings.base_url.rstrip("/")
    # No logo: the card's poster for its rarity (a new solution's card is common).
    image = f"{base}/components3d/posters/card-regular.png"
    assert _meta(page, "property", "og:image") == [image]
    assert _meta(page, "name", "twitter:image") == [image]
    assert _meta(page, "name", "twitter:card") == ["summary_large_image"]
    assert _meta(page, "property", "og:url") == [f"{base}/solutions/{made.slug}"]
    # The tags sit in the head of the page the browser then runs.
    assert page.index("og:title") < page.index("</head>") < page.index("<body>")


def test_drafts_and_unknown_solutions_get_the_plain_page(pages: Path) -> None:
    owner = make_member()
    draft = make_solution(owner.email, name="Secret Draft", publish=False)
    client = _client(pages)
    for path in (f"/solutions/{draft.slug}", "/solutions/no-such-solution"):
        response = client.get(path)
        assert "og:title" not in response.text, path
        assert "Secret Draft" not in response.text, path
    assert client.get("/about.html").text == "<h1>about</h1>"


def test_a_logo_is_the_preview_image_with_an_absolute_url() -> None:
    _title, tags = solution_tags(
        name="Deck",
        tagline="",
        slug="deck",
        logo_url="/media/logos/deck.png",
        foil="secret",
        base_url="https://aixplore.example/",
    )
    assert _meta(tags, "property", "og:image") == ["https://aixplore.example/media/logos/deck.png"]
    assert _meta(tags, "name", "description") == ["Deck on AiXplore."]


def test_an_svg_logo_gives_way_to_the_card_poster() -> None:
    _title, tags = solution_tags(
        name="Deck",
        tagline="",
        slug="deck",
        logo_url="/media/logos/deck.SVG",
        foil="secret",
        base_url="https://aixplore.example",
    )
    assert _meta(tags, "property", "og:image") == [
        "https://aixplore.example/components3d/posters/card-secret.png"
    ]


def test_a_long_tagline_is_cut_at_a_word() -> None:
    text = shorten("word " * 100, 30)
    assert text.endswith("…") and len(text) <= 30 and "wor…" not in text


def test_a_page_without_a_head_is_refused() -> None:
    with pytest.raises(ValueError, match="head"):
        with_head_tags("<html><body></body></html>", "<title>x</title>")
