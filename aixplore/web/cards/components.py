"""A solution's trading card, its rarity computed in the browser from the same rules."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from aixplore.domain.cards.services import RARITY_NAMES, RARITY_RULES, Foil
from aixplore.web import kit
from aixplore.web.cards.state import SolutionCardState
from components3d import trading_card


def foil_var(rating: Any, reviews: Any) -> Any:
    """The foil for ``rating`` and ``reviews`` as a client-side expression of RARITY_RULES."""
    result: Any = Foil.REGULAR.value
    for foil, min_rating, min_reviews in reversed(RARITY_RULES):
        result = rx.cond((rating >= min_rating) & (reviews >= min_reviews), foil.value, result)
    return result


def rarity_name_var(foil: Any) -> Any:
    """The rarity's name for a foil expression."""
    return rx.match(foil, *[(f.value, name) for f, name in RARITY_NAMES.items()], "Common")


def solution_card(detail: ObjectVar[dict[str, Any]] | Any) -> rx.Component:
    """The trading card of the solution in ``detail`` (a solution page's detail dict)."""
    rating = detail["rating_avg"].to(float)
    reviews = detail["rating_count"].to(int)
    foil = foil_var(rating, reviews)
    rarity = rarity_name_var(foil)
    label = rx.Var.create("Trading card: ") + detail["name"].to(str) + ", " + rarity.to(str)
    return kit.tile(
        rx.heading("Trading card", size="4", as_="h2"),
        trading_card(
            name=detail["name"].to(str),
            subtitle=detail["tagline"].to(str),
            foil=foil,
            rating=rating,
            review_count=reviews,
            label=label,
            flipped=SolutionCardState.flipped,
            on_flip=SolutionCardState.flip,
            height="380px",
        ),
        rx.text(rarity, " · from its rating and reviews", size="1", color=rx.color("gray", 11)),
        rx.hstack(
            rx.link("Tilt this card", href="/cards/" + detail["slug"].to(str), size="2"),
            rx.link("See all cards", href="/cards", size="2"),
            spacing="4",
        ),
        spacing="2",
    )


def card_face(card: ObjectVar[dict[str, Any]] | Any) -> rx.Component:
    """A card drawn with HTML and CSS (``assets/showroom.css``): art, name, category, rarity.

    Its box is reserved by an aspect ratio, so nothing shifts while logos load.
    """
    art = rx.cond(
        card["logo_url"].to(str) != "",
        # Sized by the CSS inside the art's reserved box: a late logo shifts nothing.
        rx.el.img(
            src=card["logo_url"].to(str),
            alt="",
            loading="lazy",
            decoding="async",
            class_name="showcard__logo",
        ),
        rx.el.span(card["name"].to(str)[:1].upper(), class_name="showcard__initial"),
    )
    return _showcard(
        card,
        corner=rx.el.span("★ ", card["rating"].to(str), class_name="showcard__rating"),
        art=art,
        kind=card["category"].to(str),
        text=rx.el.p(card["tagline"].to(str), class_name="showcard__text"),
    )


def _showcard(
    card: Any, *, corner: rx.Component, art: Any, kind: Any, text: rx.Component, **props: Any
) -> rx.Component:
    """The frame every showroom card shares: name and corner, art, kind, text, rarity, foil."""
    return rx.el.div(
        rx.el.div(
            rx.el.div(
                rx.el.span(card["name"].to(str), class_name="showcard__name"),
                corner,
                class_name="showcard__top",
            ),
            rx.el.div(art, class_name="showcard__art", aria_hidden="true"),
            rx.el.div(kind, class_name="showcard__type"),
            text,
            rx.el.div(
                rx.el.span(class_name="showcard__symbol", aria_hidden="true"),
                rx.el.span(card["rarity"].to(str)),
                class_name="showcard__foot",
            ),
            class_name="showcard__frame",
        ),
        rx.el.div(class_name="showcard__shine", aria_hidden="true"),
        rx.el.div(class_name="showcard__glare", aria_hidden="true"),
        class_name=props.pop("class_name", "showcard") + " showcard--" + card["foil"].to(str),
        data_foil=card["foil"].to(str),
        style={"--hue": card["hue"].to(str)},
        **props,
    )


def trader_face(card: ObjectVar[dict[str, Any]] | Any, **props: Any) -> rx.Component:
    """A trader's card in the showroom's HTML and CSS: rank, record figures, rarity.

    Its foil comes from the verified record (``aixplore.domain.cards.traders``); ``props`` go
    on the card's element (a role and a label where it stands alone).
    """
    return _showcard(
        card,
        corner=rx.el.span(card["rank_text"].to(str), class_name="showcard__rating"),
        art=rx.el.span(card["initial"].to(str), class_name="showcard__initial"),
        kind="Trader · risk " + card["risk"].to(str) + "/10",
        text=rx.el.p(
            "Return " + card["total_return"].to(str) + " · Sharpe " + card["sharpe"].to(str),
            rx.el.br(),
            "Max drawdown " + card["max_drawdown"].to(str) + " · wins " + card["win_rate"].to(str),
            class_name="showcard__text",
        ),
        class_name="showcard showcard--trader",
        **props,
    )
