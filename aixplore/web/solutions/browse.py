"""Categories and publisher pages."""

from __future__ import annotations

from typing import Any

import reflex as rx

from aixplore.core.db import session_scope
from aixplore.core.errors import DomainError
from aixplore.core.replica import catalog_read
from aixplore.domain.events.reading import initials
from aixplore.domain.social.handles import ensure_profile
from aixplore.domain.solutions import services as solutions
from aixplore.domain.solutions.publishers import get_publisher_profile
from aixplore.web import kit
from aixplore.web.events.cards import FACE_COLORS
from aixplore.web.layout import found_page, stacked_page
from aixplore.web.session import current_actor
from aixplore.web.solutions.components import card_grid


class CategoriesState(rx.State):
    """Every category with its count."""

    categories: list[dict[str, Any]] = []

    @rx.event
    async def load(self) -> None:
        """Read the categories."""
        actor = await current_actor(self)
        categories = catalog_read(solutions.list_categories, actor.user_id if actor else None)
        self.categories = [c.model_dump() for c in categories]


class PublisherState(rx.State):
    """A publisher, their figures and their listings."""

    found: bool = True
    name: str = ""
    bio: str = ""
    verified: bool = False
    initials: str = ""
    face: str = "violet"
    member_since: str = ""
    published: int = 0
    reviews: int = 0
    rating: str = ""
    handle: str = ""
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
                profile = get_publisher_profile(db, int(raw))
                cards = solutions.list_publisher_solutions(db, actor, int(raw))
                self.handle = ensure_profile(db, profile.id).handle
        except DomainError:
            self.found = False
            return
        self.found, self.name, self.bio = True, profile.name, profile.about
        self.verified = profile.verified
        # The face follows the person, as on the event cards: the same colour everywhere.
        self.initials, self.face = (
            initials(profile.name),
            FACE_COLORS[profile.id % len(FACE_COLORS)],
        )
        self.member_since = profile.member_since.strftime("%B %Y")
        self.published, self.reviews = profile.published, profile.reviews
        self.rating = f"{profile.rating_avg:.2f}" if profile.reviews else ""
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


def _figure(label: str, value: Any, icon: str) -> rx.Component:
    return rx.el.div(
        rx.el.dt(
            rx.icon(icon, size=14, aria_hidden="true"),
            label,
            class_name="publisher-figure-label",
        ),
        rx.el.dd(value, class_name="publisher-figure-value"),
        class_name="publisher-figure",
    )


def _figures() -> rx.Component:
    """Solutions published, average rating, reviews and member since, as a description list."""
    P = PublisherState
    return rx.el.dl(
        _figure("Solutions published", P.published, "package"),
        _figure(
            "Average rating", rx.cond(P.rating != "", P.rating + " ★", "No ratings yet"), "star"
        ),
        _figure("Reviews", P.reviews, "message-square"),
        _figure("Member since", P.member_since, "calendar"),
        class_name="publisher-figures",
        aria_label="Publisher figures",
    )


def publisher_page() -> rx.Component:
    """A publisher's profile, figures and listings."""
    P = PublisherState
    return found_page(
        "Publisher",
        P.found,
        rx.heading("This publisher does not exist", as_="h1", size="6"),
        rx.hstack(
            rx.avatar(
                fallback=P.initials,
                color_scheme=P.face,  # pyright: ignore[reportArgumentType]
                size="6",
                radius="full",
                variant="soft",
                aria_hidden="true",
            ),
            kit.actions(
                rx.heading(P.name, as_="h1", size="8"),
                rx.cond(
                    P.verified,
                    rx.badge(
                        rx.icon("badge-check", size=14),
                        "Verified publisher",
                        color_scheme="violet",
                        size="2",
                    ),
                ),
                spacing="3",
            ),
            align="center",
            spacing="4",
        ),
        _figures(),
        rx.link(
            rx.icon("user", size=14, aria_hidden="true"),
            "Profile and activity of ",
            P.name,
            href="/u/" + P.handle,
            size="2",
        ),
        rx.cond(
            P.bio != "",
            rx.el.section(
                rx.heading("About", as_="h2", size="4", margin_bottom="0.25em"),
                rx.text(P.bio, color=rx.color("gray", 11), white_space="pre-line"),
                aria_label="About",
            ),
        ),
        rx.heading("Solutions", as_="h2", size="5"),
        kit.when_any(
            P.cards,
            card_grid(P.cards),
            "No published solutions yet.",
        ),
    )
