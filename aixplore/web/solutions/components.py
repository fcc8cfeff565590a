"""Pieces of the marketplace UI: solution cards, stars, badges."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from aixplore.web import kit

PRICING_COLORS = {"free": "green", "freemium": "cyan", "paid": "amber", "enterprise": "purple"}


def pricing_badge(pricing: Any) -> rx.Component:
    """A coloured badge for the pricing model."""
    return rx.match(  # pyright: ignore[reportReturnType]
        pricing,
        ("free", rx.badge("Free", color_scheme="green")),
        ("freemium", rx.badge("Freemium", color_scheme="cyan")),
        ("paid", rx.badge("Paid", color_scheme="amber")),
        rx.badge("Enterprise", color_scheme="purple"),
    )


def stars(rating: Any, count: Any) -> rx.Component:
    """The average rating and how many reviews it rests on."""
    return rx.hstack(
        rx.icon(
            "star",
            size=14,
            color=rx.color("amber", 9),
            fill=rx.color("amber", 9),
            aria_hidden="true",
        ),
        rx.cond(
            count.to(int) > 0,
            rx.text(rating.to(float).to_string(), " (", count.to(int), ")", size="2"),
            rx.text("No reviews yet", size="2", color=rx.color("gray", 11)),
        ),
        spacing="1",
        align="center",
    )


def logo(name: rx.Var, url: rx.Var, size: str = "48px") -> rx.Component:
    """The solution's logo, or its initial on a gradient."""
    return rx.cond(
        url != "",
        rx.image(
            src=url,
            alt="",
            width=size,
            height=size,
            border_radius="10px",
            object_fit="cover",
            loading="lazy",
            decoding="async",
        ),
        rx.center(
            rx.text(name.to(str)[:1].upper(), weight="bold", color="white", size="4"),
            width=size,
            height=size,
            min_width=size,
            border_radius="10px",
            background="linear-gradient(135deg, var(--violet-9), var(--cyan-9))",
            aria_hidden="true",
        ),
    )


def solution_card(card: ObjectVar[dict[str, Any]]) -> rx.Component:
    """A solution in a grid of results."""
    return kit.tile(
        rx.hstack(
            logo(card["name"], card["logo_url"]),
            rx.vstack(
                rx.link(
                    rx.heading(card["name"], size="4", as_="h3"),
                    href="/solutions/" + card["slug"].to(str),
                    underline="hover",
                    color=rx.color("gray", 12),
                ),
                rx.hstack(
                    rx.text(card["publisher_name"], size="1", color=rx.color("gray", 11)),
                    rx.cond(
                        card["publisher_verified"],
                        rx.tooltip(
                            rx.icon(
                                "badge-check",
                                size=14,
                                color=rx.color("violet", 10),
                                aria_label="Verified publisher",
                            ),
                            content="Verified publisher",
                        ),
                    ),
                    spacing="1",
                    align="center",
                ),
                spacing="0",
                align="start",
                min_width="0",
            ),
            spacing="3",
            align="center",
            width="100%",
        ),
        rx.text(
            card["tagline"], size="2", color=rx.color("gray", 11), class_name="clamp-2 lines-2"
        ),
        kit.actions(
            rx.badge(card["category_name"], variant="outline", color_scheme="gray"),
            pricing_badge(card["pricing"]),
            rx.spacer(),
            stars(card["rating_avg"], card["rating_count"]),
            spacing="3",
            width="100%",
        ),
        spacing="3",
        height="100%",
        card={"size": "2", "height": "100%"},
    )


def card_grid(cards: Any) -> rx.Component:
    """Cards in a responsive grid."""
    return rx.grid(
        rx.foreach(cards, solution_card),
        columns=rx.breakpoints(initial="1", sm="2", lg="3"),
        spacing="4",
        width="100%",
    )
