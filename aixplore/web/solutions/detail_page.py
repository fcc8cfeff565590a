"""/solutions/[slug]: one solution with its reviews."""

from __future__ import annotations

import reflex as rx

from aixplore.web import kit
from aixplore.web.cards.components import solution_card
from aixplore.web.layout import page
from aixplore.web.moderation.report import report_popover
from aixplore.web.session import SessionState
from aixplore.web.solutions.components import card_grid, logo, pricing_badge, stars
from aixplore.web.solutions.detail_state import SolutionPageState as S
from aixplore.web.solutions.gallery import screenshot_strip
from aixplore.web.solutions.model_view import model_section
from aixplore.web.solutions.reviews_section import rating_summary, reviews_section

D = S.detail


def _external(label: str, url: rx.Var, icon: str) -> rx.Component:
    return rx.cond(
        url != "",
        rx.link(
            rx.hstack(rx.icon(icon, size=14), rx.text(label), spacing="1", align="center"),
            href=url,
            is_external=True,
            rel="nofollow noopener noreferrer",
            size="2",
            on_click=S.outbound(label.lower()),
        ),
    )


def _save_buttons() -> rx.Component:
    collections = rx.popover.root(
        rx.popover.trigger(rx.button(rx.icon("list-plus", size=16), "Collections", variant="soft")),
        rx.popover.content(
            rx.vstack(
                rx.text("Add to a collection", weight="medium", size="2"),
                rx.foreach(
                    S.collections,
                    lambda c: rx.button(
                        rx.icon(rx.cond(c["contains"], "square-check", "square"), size=14),
                        c["name"],
                        variant="ghost",
                        size="2",
                        on_click=S.toggle_collection(c["id"].to(int)),
                    ),
                ),
                rx.form(
                    rx.hstack(
                        rx.input(
                            name="name",
                            placeholder="New collection",
                            max_length=80,
                            aria_label="New collection name",
                            required=True,
                        ),
                        rx.button("Add", type="submit", size="2"),
                    ),
                    on_submit=S.new_collection,
                ),
                spacing="2",
                align="start",
            ),
            width="300px",
        ),
    )
    return rx.cond(
        S.signed_in & D["published"].to(bool),
        rx.hstack(
            rx.button(
                rx.icon("bookmark", size=16, fill=rx.cond(S.bookmarked, "currentColor", "none")),
                rx.cond(S.bookmarked, "Bookmarked", "Bookmark"),
                variant=rx.cond(S.bookmarked, "solid", "soft"),
                on_click=S.toggle_bookmark,
                aria_pressed=rx.cond(S.bookmarked, "true", "false"),
            ),
            collections,
            report_popover("solution", D["id"]),
            spacing="2",
        ),
    )


def _header() -> rx.Component:
    return rx.vstack(
        rx.cond(
            D["status"] == "draft",
            rx.callout(
                "This is a draft: only you and platform admins can see it.",
                icon="eye-off",
                color_scheme="orange",
                width="100%",
            ),
        ),
        rx.cond(
            D["status"] == "archived",
            rx.callout(
                "The publisher archived this solution; it is no longer listed.",
                icon="archive",
                color_scheme="gray",
                width="100%",
            ),
        ),
        rx.flex(
            logo(D["name"], D["logo_url"], size="72px"),
            rx.vstack(
                rx.heading(D["name"], as_="h1", size="8"),
                rx.text(D["tagline"], size="4", color=rx.color("gray", 11)),
                kit.actions(
                    rx.link(
                        D["publisher_name"], href="/publishers/" + D["owner_id"].to(str), size="2"
                    ),
                    rx.cond(
                        D["publisher_verified"],
                        rx.badge(
                            rx.icon("badge-check", size=12),
                            "Verified publisher",
                            color_scheme="violet",
                        ),
                    ),
                    rx.link(
                        rx.badge(D["category_name"], variant="outline", color_scheme="gray"),
                        href="/solutions?category=" + D["category_slug"].to(str),
                        underline="none",
                    ),
                    pricing_badge(D["pricing"]),
                    stars(D["rating_avg"], D["rating_count"]),
                    spacing="3",
                ),
                rx.hstack(
                    _external("Website", D["website_url"], "globe"),
                    _external("Repository", D["repository_url"], "git-branch"),
                    _external("Demo", D["demo_url"], "play"),
                    wrap="wrap",
                    spacing="4",
                ),
                spacing="2",
                align="start",
                min_width="0",
            ),
            rx.spacer(),
            rx.vstack(
                rx.cond(
                    D["published"],
                    kit.link_button(
                        "Order a custom version",
                        "/order?solution=" + D["slug"].to(str),
                    ),
                ),
                _save_buttons(),
                rx.cond(
                    SessionState.is_admin & D["published"].to(bool),
                    kit.toggle(
                        D["featured"].to(bool),
                        kit.action(
                            rx.fragment(rx.icon("star-off", size=16), "Unfeature"),
                            S.set_featured(False),
                            size="2",
                            color_scheme="gray",
                        ),
                        kit.action(
                            rx.fragment(rx.icon("star", size=16), "Feature on home"),
                            S.set_featured(True),
                            size="2",
                        ),
                    ),
                ),
                rx.cond(
                    S.can_manage,
                    kit.actions(
                        kit.link_button(
                            "Edit listing", "/publish/" + D["slug"].to(str), variant="soft"
                        ),
                        kit.link_button(
                            "Analytics", "/analytics/" + D["slug"].to(str), variant="soft"
                        ),
                    ),
                ),
                align=rx.breakpoints(initial="start", sm="end"),
                spacing="2",
            ),
            spacing="4",
            direction=rx.breakpoints(initial="column", sm="row"),
            width="100%",
        ),
        spacing="4",
        width="100%",
    )


def _releases() -> rx.Component:
    return rx.cond(
        S.releases.length() > 0,  # type: ignore[attr-defined]
        rx.vstack(
            rx.heading("Changelog", size="4", as_="h2"),
            rx.foreach(
                S.releases,
                lambda r: rx.vstack(
                    rx.hstack(
                        rx.badge(r["version"]),
                        rx.text(r["date"], size="1", color=rx.color("gray", 11)),
                    ),
                    rx.cond(r["notes"] != "", rx.text(r["notes"], size="2")),
                    spacing="1",
                ),
            ),
            spacing="2",
            width="100%",
        ),
    )


def solution_page() -> rx.Component:
    """The page of one solution."""
    body = rx.vstack(
        _header(),
        rx.flex(
            rx.vstack(
                rx.el.section(
                    rx.html(D["description_html"], class_name="prose"),
                    aria_label="Description",
                    style={"width": "100%"},
                ),
                screenshot_strip(S.screenshots, D["name"]),
                model_section(D["name"]),
                rx.hstack(
                    rx.foreach(
                        D["tags"].to(list[str]),
                        lambda t: rx.link(
                            rx.badge("#", t, variant="soft"),
                            href="/solutions?tags=" + t,
                            underline="none",
                        ),
                    ),
                    wrap="wrap",
                ),
                _releases(),
                rx.cond(D["published"], reviews_section()),
                spacing="5",
                flex="1",
                min_width="0",
            ),
            rx.vstack(
                rx.cond(D["published"], rating_summary()),
                rx.cond(D["published"], solution_card(D)),
                rx.cond(
                    D["published"],
                    kit.link_button(
                        "Discuss this solution", "/forums/discuss/solution/" + D["id"].to(str)
                    ),
                ),
                rx.cond(
                    S.events.length() > 0,  # type: ignore[attr-defined]
                    kit.tile(
                        rx.heading("Upcoming events", size="4", as_="h2"),
                        rx.foreach(
                            S.events,
                            lambda e: rx.vstack(
                                rx.link(
                                    e["title"],
                                    href="/events/" + e["id"].to(str),
                                    weight="medium",
                                ),
                                rx.text(e["when"], size="1", color=rx.color("gray", 11)),
                                spacing="0",
                            ),
                        ),
                        spacing="2",
                    ),
                ),
                rx.cond(
                    S.can_manage,
                    kit.link_button(
                        "Organize an event",
                        "/events/new?solution=" + D["slug"].to(str),
                        variant="soft",
                        width="100%",
                    ),
                ),
                width=rx.breakpoints(initial="100%", md="300px"),
                min_width=rx.breakpoints(initial="0", md="300px"),
            ),
            spacing="6",
            # On a phone the description comes first; ratings and the card follow it.
            direction=rx.breakpoints(initial="column", md="row"),
            width="100%",
        ),
        rx.cond(
            S.similar.length() > 0,  # type: ignore[attr-defined]
            rx.vstack(
                rx.heading("Similar solutions", size="6", as_="h2"),
                card_grid(S.similar),
                spacing="3",
                width="100%",
            ),
        ),
        spacing="6",
        width="100%",
    )
    missing = kit.not_found(
        "This solution does not exist",
        "It may have been removed, or the link is wrong.",
        kit.link_button("Browse solutions", "/solutions"),
    )
    return page(
        "Solution",
        rx.cond(S.found, rx.cond(S.loading, kit.loading(), body), missing),
        max_width="1180px",
    )
