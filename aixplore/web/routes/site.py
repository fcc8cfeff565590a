"""The site's own pages: home, about, legal, contact and the page for a missing address."""

from __future__ import annotations

from aixplore.web.home import legal
from aixplore.web.home.pages import HomeState, about_page, home_page, not_found_page
from aixplore.web.routes.route import DESCRIPTION, Route, refresh

SITE_ROUTES: list[Route] = [
    Route(
        "/",
        home_page,
        "AiXplore: discover AI solutions",
        [refresh, HomeState.load],
        description=DESCRIPTION,
    ),
    Route(
        "/about",
        about_page,
        "About · AiXplore",
        [refresh],
        description="What AiXplore is: a catalog of AI solutions, custom apps built from them, and the community around them.",
    ),
    Route(
        "/terms",
        legal.terms_page,
        "Terms of use · AiXplore",
        [refresh],
        description="The rules for using AiXplore: accounts, publishing, reviews, orders, tokens.",
    ),
    Route(
        "/privacy",
        legal.privacy_page,
        "Privacy policy · AiXplore",
        [refresh],
        description="What AiXplore keeps about you, why, and how to export or delete it.",
    ),
    Route(
        "/contact",
        legal.contact_page,
        "Contact · AiXplore",
        [refresh],
        description="How to reach the AiXplore team.",
    ),
]

# Last in the table: the page for an address no route matches.
NOT_FOUND = Route(
    "404",
    not_found_page,
    "Page not found · AiXplore",
    [refresh],
    description="This page does not exist on AiXplore.",
)
