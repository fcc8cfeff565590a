"""Categories and publisher pages."""

from __future__ import annotations

from typing import Any

import reflex as rx

from aixplore.core.db import session_scope
from aixplore.core.errors import DomainError
from aixplore.domain.accounts.services import get_user
from aixplore.domain.solutions import services as solutions
from aixplore.web import kit
from aixplore.web.layout import found_page, stacked_page
from aixplore.web.session import current_actor
from aixplore.web.solutions.components import card_grid


class CategoriesState(rx.State):
    """Every category with its count."""

    categories: list[dict[str, Any]] = []

    @rx.event
    async def load(self) -> None:
        """Read the categories."""
        await current_actor(self)
        with session_scope() as db:
            self.categories = [c.model_dump() for c in solutions.list_categories(db)]


class PublisherState(rx.State):
    """A publisher and their listings."""

    found: bool = True
    name: str = ""
    bio: str = ""
    verified: bool = False
    cards: list[dict[str, Any]] = []

    @rx.event
    async def load(self) -> None:
        """Read the publisher named in the URL."""
        actor = await current_actor(self)
        raw = str(self.router.page.params.get("publisher_id", ""))
        if not raw.isdigit() or len(raw) > 12:
            self.found = False
            return
        try:
            with session_scope() as db:
                user = get_user(db, int(raw))
                cards = solutions.list_publisher_solutions(db, actor, int(raw))
        except DomainError:
            self.found = False
            return
        self.found, self.name, self.bio = True, user.display_name, user.bio
        self.verified = user.verified_publisher_at is not None
        self.cards = [c.model_dump(mode="json") for c in cards]


def categories_page() -> rx.Component:
    """All categories."""
    return stacked_page(
        "Categories",
        kit.page_header("Categories", size="8"),
        rx.grid(
            rx.foreach(
                CategoriesState.categories,
                lambda c: rx.link(
                    kit.tile(
                        rx.hstack(
                            rx.icon("layers", size=18, color=rx.color("violet", 10)),
                            rx.heading(c["name"], size="4", as_="h2"),
                            align="center",
                        ),
                        rx.text(c["description"], size="2", color=rx.color("gray", 11)),
                        rx.text(
                            c["count"],
                            kit.counted(c["count"].to(int), "solution"),
                            size="1",
                            weight="medium",
                        ),
                        spacing="2",
                        card={"height": "100%"},
                    ),
                    href="/solutions?category=" + c["slug"].to(str),
                    underline="none",
                    color=rx.color("gray", 12),
                ),
            ),
            columns=rx.breakpoints(initial="1", sm="2", lg="3"),
            spacing="4",
            width="100%",
        ),
    )


def publisher_page() -> rx.Component:
    """A publisher's listings."""
    return found_page(
        "Publisher",
        PublisherState.found,
        rx.heading("This publisher does not exist", as_="h1", size="6"),
        kit.actions(
            rx.heading(PublisherState.name, as_="h1", size="8"),
            rx.cond(
                PublisherState.verified,
                rx.badge(
                    rx.icon("badge-check", size=14),
                    "Verified publisher",
                    color_scheme="violet",
                    size="2",
                ),
            ),
            spacing="3",
        ),
        rx.cond(
            PublisherState.bio != "",
            rx.text(PublisherState.bio, color=rx.color("gray", 11)),
        ),
        rx.heading("Solutions", as_="h2", size="5"),
        kit.when_any(
            PublisherState.cards,
            card_grid(PublisherState.cards),
            "No published solutions yet.",
        ),
    )
