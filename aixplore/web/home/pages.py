"""Home, about and not-found pages."""

from __future__ import annotations

import secrets
from typing import Any

import reflex as rx
from sqlmodel import Session

from aixplore.core.cache import cached
from aixplore.core.replica import catalog_read
from aixplore.domain.accounts import services as accounts
from aixplore.domain.solutions import services as solutions
from aixplore.domain.solutions.search import SearchQuery, SortBy, search
from aixplore.web import kit
from aixplore.web.layout import page, stacked_page
from aixplore.web.session import SessionState
from aixplore.web.solutions.components import card_grid

PILLARS: list[tuple[str, str, str]] = [
    (
        "search",
        "Discover AI solutions",
        "A catalog of AI solutions with full-text search, filters, honest ratings and reviews "
        "from people who actually used them.",
    ),
    (
        "git-pull-request",
        "Order a custom app",
        "Pick a solution, describe what you need, and get a working app delivered as a pull "
        "request into your own GitHub repository.",
    ),
    (
        "building-2",
        "Built for teams",
        "Organizations with single sign-on (SAML and OIDC), API keys, webhooks and an audit "
        "log that enterprise security teams can verify.",
    ),
    (
        "calendar-days",
        "Community events",
        "Webinars, workshops and meetups around the solutions: RSVP, join the waitlist when "
        "an event is full, and get a reminder before it starts.",
    ),
    (
        "gem",
        "ECE token and cards",
        "Your ECE token balance and trading cards in interactive 3D, with a fast fallback on "
        "every device.",
    ),
    (
        "shield-check",
        "Private by design",
        "See every device you are signed in on and end any session, download your data, or "
        "delete your account whenever you want.",
    ),
]


class HomeState(rx.State):
    """Figures and discovery sections shown on the home page."""

    members: int = 0
    # False until the first load: the sections show placeholders of their size meanwhile.
    loaded: bool = False
    featured: list[dict[str, Any]] = []
    trending: list[dict[str, Any]] = []
    newest: list[dict[str, Any]] = []
    top_rated: list[dict[str, Any]] = []

    _stamp: str = ""  # backend-only: which computation of the sections this tab shows

    @rx.event
    def load(self) -> None:
        """Count the community and fill the sections (cached briefly for every worker).

        A tab that already shows this computation of the sections is sent nothing again.
        """
        sections = cached("home:sections", HOME_CACHE_SECONDS, _home_sections)
        if sections["stamp"] == self._stamp:
            return
        self._stamp = sections["stamp"]
        self.loaded = True
        self.members = sections["members"]
        self.featured, self.trending = sections["featured"], sections["trending"]
        self.newest, self.top_rated = sections["newest"], sections["top_rated"]


HOME_CACHE_SECONDS = 30


def _home_sections() -> dict[str, Any]:
    return catalog_read(_read_home_sections)


def _read_home_sections(db: Session) -> dict[str, Any]:
    def cards(sort: SortBy) -> list[dict[str, Any]]:
        page = search(db, SearchQuery(sort=sort, per_page=6), with_facets=False)
        return [c.model_dump(mode="json") for c in page.items]

    return {
        "stamp": secrets.token_hex(8),
        "members": accounts.count_users(db),
        "featured": [c.model_dump(mode="json") for c in solutions.list_featured(db)],
        "trending": cards(SortBy.TRENDING),
        "newest": cards(SortBy.NEWEST),
        "top_rated": cards(SortBy.RATING),
    }


def _section(title: str, cards: Any, href: str) -> rx.Component:
    """A titled grid of cards; placeholders of its size until the page's data arrives."""

    def framed(grid: rx.Component) -> rx.Component:
        return rx.vstack(
            rx.flex(
                rx.heading(title, size="6", as_="h2"),
                rx.spacer(),
                rx.link("See all", href=href, size="2"),
                width="100%",
                align="center",
            ),
            grid,
            spacing="3",
            width="100%",
            margin_bottom="2.5em",
        )

    return rx.cond(
        HomeState.loaded,
        rx.cond(cards.length() > 0, framed(card_grid(cards))),  # type: ignore[attr-defined]
        framed(kit.placeholder_cards(6)),
    )


def _pillar(icon: str, title: str, text: str) -> rx.Component:
    return kit.tile(
        rx.box(rx.icon(icon, size=22), color=rx.color("violet", 11)),
        rx.heading(title, size="4", as_="h3"),
        rx.text(text, size="2", color=rx.color("gray", 11)),
        spacing="2",
        align="start",
        card={"size": "2", "height": "100%"},
    )


def home_page() -> rx.Component:
    """The landing page."""
    hero = rx.vstack(
        rx.badge("AI solutions marketplace", color_scheme="violet", size="2"),
        rx.heading(
            "Find the AI solution that fits. Get it built into your repository.",
            as_="h1",
            size=rx.breakpoints(initial="8", md="9"),
            line_height="1.1",
        ),
        rx.text(
            "AiXplore is where people discover AI solutions, judge them by real use, order "
            "custom apps generated from them, and meet the community that builds them.",
            size=rx.breakpoints(initial="3", md="4"),
            color=rx.color("gray", 11),
            max_width="720px",
        ),
        rx.cond(
            SessionState.signed_in,
            rx.hstack(
                kit.link_button("Browse solutions", "/solutions", size="3"),
                kit.link_button("Publish a solution", "/publish", size="3", variant="outline"),
                wrap="wrap",
            ),
            rx.hstack(
                kit.link_button("Browse solutions", "/solutions", size="3"),
                kit.link_button("Create a free account", "/signup", size="3", variant="outline"),
                wrap="wrap",
            ),
        ),
        # The line keeps its height while the count loads (no layout shift).
        rx.box(
            rx.cond(
                HomeState.members > 0,  # a brand-new site does not boast of nobody
                rx.text(
                    rx.text.strong(HomeState.members),
                    kit.counted(HomeState.members, "member"),
                    " so far.",
                    size="2",
                    color=rx.color("gray", 11),
                ),
            ),
            min_height="var(--line-height-2)",
        ),
        spacing="5",
        align="start",
        margin_bottom="1.5em",
        padding_y={"initial": "1.5em", "md": "3em"},
    )
    return page(
        "AiXplore",
        hero,
        _section("Editors' picks", HomeState.featured, "/solutions?sort=rating"),
        _section("Trending", HomeState.trending, "/solutions?sort=trending"),
        _section("Top rated", HomeState.top_rated, "/solutions?sort=rating"),
        _section("New", HomeState.newest, "/solutions?sort=newest"),
        rx.heading("What AiXplore brings together", size="6", as_="h2", margin_bottom="0.75em"),
        rx.grid(
            *[_pillar(*p) for p in PILLARS],
            columns=rx.breakpoints(initial="1", sm="2", lg="3"),
            spacing="4",
            width="100%",
        ),
    )


def about_page() -> rx.Component:
    """What AiXplore does for the people who use it."""
    return stacked_page(
        "About",
        rx.heading("About AiXplore", as_="h1", size="8"),
        rx.text(
            "AiXplore is where people find AI solutions that work, and get them built into "
            "their own software.",
            size="4",
        ),
        rx.heading("Find what works", as_="h2", size="5"),
        rx.text(
            "Search the catalog by what you need, compare pricing and ratings, and read "
            "reviews from members who used the solution: those carry a 'Verified usage' "
            "badge. Save solutions to collections and share them."
        ),
        rx.heading("Get a custom version", as_="h2", size="5"),
        rx.text(
            "Order an app built from a solution: pick your repository, describe what you "
            "need, review the plan and pay. The generated code arrives as a branch in your "
            "repository for you to review, with its tests."
        ),
        rx.heading("Publish and meet", as_="h2", size="5"),
        rx.text(
            "Publishers list their solutions, answer reviews, see how their pages are "
            "found, and host events for the people who use them."
        ),
        rx.heading("For teams", as_="h2", size="5"),
        rx.text(
            "Organizations sign in through their own SAML or OpenID Connect provider, manage "
            "members and roles, and connect their systems with API keys and webhooks, with "
            "an audit log of every change."
        ),
        rx.text(
            "Read the ",
            rx.link("terms", href="/terms", underline="always"),
            " and the ",
            rx.link("privacy policy", href="/privacy", underline="always"),
            ", or ",
            rx.link("contact us", href="/contact", underline="always"),
            ".",
        ),
        align="start",
        column_width="760px",
    )


def not_found_page() -> rx.Component:
    """The 404 page."""
    return page(
        "Page not found",
        rx.center(
            rx.vstack(
                rx.heading("404", size="9", color=rx.color("violet", 9)),
                rx.heading("This page does not exist", as_="h1", size="6"),
                rx.text("The link may be old, or the page has moved.", color=rx.color("gray", 11)),
                kit.link_button("Go to the home page", "/"),
                spacing="3",
                align="center",
            ),
            padding_y="4em",
        ),
    )
