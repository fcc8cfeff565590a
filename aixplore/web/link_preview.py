"""Solution pages carry their own title, description, Open Graph and Twitter card tags.

Reflex compiles pages ahead of time: ``/solutions/<slug>`` has no file of its own and is
answered with the build's SPA fallback page, whose head names no solution. Crawlers and link
previews (Slack, X, LinkedIn) read that HTML without running JavaScript, so this ASGI wrapper
answers ``GET /solutions/<slug>`` of a visible solution with the fallback page and the
solution's tags written into its head. Anything else, and any solution a visitor may not see
(a draft, an unknown slug), goes on to the app unchanged.
"""

from __future__ import annotations

import functools
import html
import re
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from aixplore.core.db import session_scope
from aixplore.core.errors import DomainError
from aixplore.core.settings import get_settings
from aixplore.domain.cards.services import rarity_for
from aixplore.domain.solutions.services import get_solution
from aixplore.web.page_paths import built_pages

SOLUTION_PATH = re.compile(r"^/solutions/([a-z0-9][a-z0-9-]{0,120})/?$")
SITE_NAME = "AiXplore"
# The SPA fallback Reflex writes (constants.ReactRouter.SPA_FALLBACK), then its copy.
FALLBACK_PAGES = ("__spa-fallback.html", "404.html")
DESCRIPTION_LIMIT = 200
RASTER_IMAGES = (".png", ".jpg", ".jpeg", ".webp", ".gif")


@functools.lru_cache(maxsize=1)
def fallback_page(pages: Path) -> str:
    """The build's SPA fallback HTML (read once per process)."""
    for name in FALLBACK_PAGES:
        if (pages / name).is_file():
            return (pages / name).read_text(encoding="utf-8")
    msg = f"no SPA fallback page in {pages}"
    raise FileNotFoundError(msg)


def absolute_url(base_url: str, path: str) -> str:
    """``path`` under the public base URL (an absolute URL is kept as it is)."""
    if path.startswith(("http://", "https://")):
        return path
    return base_url.rstrip("/") + "/" + path.lstrip("/")


def shorten(text: str, limit: int = DESCRIPTION_LIMIT) -> str:
    """One line of at most ``limit`` characters, cut at a word with an ellipsis."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    return flat[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,.;:") + "…"


def solution_tags(
    *, name: str, tagline: str, slug: str, logo_url: str, foil: str, base_url: str
) -> tuple[str, str]:
    """The page title and the head tags (escaped HTML) of one solution's page.

    The image is the solution's logo, or else its trading card's poster for its rarity.
    """
    title = f"{name} · {SITE_NAME}"
    description = shorten(tagline or f"{name} on {SITE_NAME}.")
    # Link previews (Facebook, X, LinkedIn, Slack) show raster images only: an SVG logo, as
    # the demo's generated ones are, gives way to the card's poster.
    raster = logo_url.lower().endswith(RASTER_IMAGES)
    image = absolute_url(base_url, logo_url if raster else f"/components3d/posters/card-{foil}.png")
    url = absolute_url(base_url, f"/solutions/{slug}")
    pairs = [
        ("name", "description", description),
        ("property", "og:type", "website"),
        ("property", "og:site_name", SITE_NAME),
        ("property", "og:title", title),
        ("property", "og:description", description),
        ("property", "og:url", url),
        ("property", "og:image", image),
        ("property", "og:image:alt", f"{name}: trading card"),
        ("name", "twitter:card", "summary_large_image"),
        ("name", "twitter:title", title),
        ("name", "twitter:description", description),
        ("name", "twitter:image", image),
    ]
    tags = [f"<title>{html.escape(title)}</title>"]
    tags += [
        f'<meta {key}="{html.escape(value)}" content="{html.escape(content)}"/>'
        for key, value, content in pairs
    ]
    tags.append(f'<link rel="canonical" href="{html.escape(url)}"/>')
    return title, "".join(tags)


def with_head_tags(page: str, tags: str) -> str:
    """``page`` with ``tags`` added at the end of its head."""
    head_end = page.find("</head>")
    if head_end < 0:
        msg = "the page has no </head>"
        raise ValueError(msg)
    return page[:head_end] + tags + page[head_end:]


def solution_page_html(slug: str, pages: Path) -> str | None:
    """The fallback page with the tags of solution ``slug``; None if nobody may see it."""
    with session_scope() as db:
        try:
            detail = get_solution(db, None, slug)
        except DomainError:
            return None
    foil = rarity_for(detail.rating_avg, detail.rating_count).value
    _title, tags = solution_tags(
        name=detail.name,
        tagline=detail.tagline,
        slug=detail.slug,
        logo_url=detail.logo_url,
        foil=foil,
        base_url=get_settings().base_url,
    )
    return with_head_tags(fallback_page(pages), tags)


class LinkPreview:
    """ASGI wrapper: a solution's page is served with its own head tags."""

    def __init__(self, app: ASGIApp, pages: Path | None = None) -> None:
        """Wrap ``app``; ``pages`` is the build's folder (found lazily when None)."""
        self.app = app
        self._pages = pages

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer a visible solution's page; pass everything else on."""
        match = None
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            match = SOLUTION_PATH.match(scope["path"])
        if match is not None:
            if self._pages is None:
                self._pages = built_pages()
            page = None
            if any((self._pages / name).is_file() for name in FALLBACK_PAGES):
                page = await run_in_threadpool(solution_page_html, match.group(1), self._pages)
            if page is not None:
                response = Response(page, media_type="text/html; charset=utf-8")
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
