"""/cards: the card showroom (filter, sort, pages) and /cards/<slug>: one card, tilting."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from aixplore.web import kit
from aixplore.web.cards.components import card_face, trader_face
from aixplore.web.cards.state import CardPageState, ShowroomState
from aixplore.web.layout import found_page, stacked_page
from components3d import holo_tilt

S = ShowroomState
C = CardPageState


def _rarity_link(item: ObjectVar[dict[str, Any]]) -> rx.Component:
    current = item["current"].to(bool)
    return rx.link(
        item["label"].to(str),
        rx.el.span(item["count"].to(str), class_name="showroom-chip__count"),
        href=item["href"].to(str),
        class_name="showroom-chip",
        aria_current=rx.cond(current, "page", "false"),
        underline="none",
    )


def _select(label: str, select_id: str, value: Any, options: Any, on_change: Any) -> rx.Component:
    return rx.hstack(
        rx.el.label(label, html_for=select_id, class_name="field-label"),
        rx.select.root(
            rx.select.trigger(id=select_id, aria_label=label),
            rx.select.content(rx.foreach(options, lambda o: rx.select.item(o[1], value=o[0]))),
            value=value,
            on_change=on_change,
        ),
        align="center",
        spacing="2",
    )


def _filters() -> rx.Component:
    return rx.vstack(
        rx.el.nav(
            rx.foreach(S.rarity_links, _rarity_link),
            aria_label="Rarity",
            class_name="showroom-chips",
        ),
        kit.actions(
            kit.result_count(S.total, "card"),
            rx.spacer(),
            rx.cond(
                S.kind == "",
                rx.fragment(
                    _select("Category", "cards-category", S.category, S.categories, S.set_category),
                    _select("Sort by", "cards-sort", S.sort, S.sort_options, S.set_sort),
                ),
            ),
            spacing="3",
            width="100%",
        ),
        kit.form_error(S.error),
        rx.foreach(S.notes, lambda n: kit.form_notice(n)),
        spacing="3",
        width="100%",
    )


def _grid_item(card: ObjectVar[dict[str, Any]]) -> rx.Component:
    label = card["name"].to(str) + ", " + card["rarity"].to(str) + ", " + card["category"].to(str)
    return rx.el.li(
        rx.el.a(
            card_face(card),
            href="/cards/" + card["slug"].to(str),
            aria_label=label,
            class_name="showroom-link",
        ),
    )


def _trader_item(card: ObjectVar[dict[str, Any]]) -> rx.Component:
    """A trader's card, tilting with the pointer or the phone, linking to the trader's page."""
    label = "Trader card of " + card["name"].to(str) + ", " + card["rarity"].to(str)
    return rx.el.li(
        holo_tilt(
            rx.el.a(
                trader_face(card),
                href=card["href"].to(str),
                aria_label=label,
                class_name="showroom-link",
            ),
        ),
    )


def _grid() -> rx.Component:
    return rx.cond(
        S.kind == "",
        rx.el.ul(rx.foreach(S.cards, _grid_item), class_name="showroom-grid"),
        rx.el.ul(
            rx.foreach(S.traders, _trader_item),
            class_name="showroom-grid showroom-grid--traders",
        ),
    )


def cards_page() -> rx.Component:
    """The card showroom."""
    return stacked_page(
        "Trading cards",
        kit.page_header(
            "Trading cards",
            subtitle="Each published solution has a card; its foil comes from its rating "
            "and number of reviews: common, rare (reverse holo), ultra rare (rainbow), "
            "secret rare. Open a card to tilt it. Traders' cards take their rarity from the "
            "verified record on the leaderboard.",
        ),
        _filters(),
        rx.cond(
            S.total > 0,
            _grid(),
            rx.cond(
                S.loaded,
                kit.empty_state(
                    rx.cond(
                        S.kind == "",
                        "No card matches. Choose another rarity or category.",
                        "No trader has a verified record yet.",
                    )
                ),
                kit.loading(),
            ),
        ),
        kit.pager(S.page, S.pages, S.prev_href, S.next_href),
        max_width="1180px",
    )


def _facts() -> rx.Component:
    card = C.card
    return rx.vstack(
        rx.heading(card["name"].to(str), as_="h1", size="7"),
        rx.hstack(
            rx.badge(card["rarity"].to(str), variant="soft", color_scheme="violet", size="2"),
            rx.badge(card["category"].to(str), variant="outline", color_scheme="gray", size="2"),
            spacing="2",
            wrap="wrap",
        ),
        rx.text(card["tagline"].to(str), size="3"),
        rx.text(
            "★ ",
            card["rating"].to(str),
            " · ",
            card["reviews"].to(str),
            kit.counted(card["reviews"].to(int), "review"),
            size="2",
        ),
        rx.text(
            "Rarity follows the solution's rating and number of reviews: the rarer the card, "
            "the stronger its holographic foil. Move the pointer over the card, or tilt your "
            "phone, to catch the light.",
            size="2",
            color=rx.color("gray", 11),
        ),
        kit.actions(
            kit.link_button("Open the solution", "/solutions/" + card["slug"].to(str)),
            kit.link_button("All cards", "/cards", variant="soft"),
        ),
        spacing="3",
        align="start",
        max_width="480px",
    )


def card_page() -> rx.Component:
    """One card, large, with tilt and glare."""
    return found_page(
        "Trading card",
        C.found,
        rx.cond(
            C.loaded,
            kit.not_found(
                "Card not found",
                "No published solution has this card.",
                kit.link_button("All cards", "/cards"),
            ),
            kit.loading(),
        ),
        rx.flex(
            rx.box(holo_tilt(card_face(C.card)), class_name="showroom-detail__card"),
            _facts(),
            direction=rx.breakpoints(initial="column", md="row"),
            spacing="6",
            align=rx.breakpoints(initial="center", md="start"),
            width="100%",
        ),
        max_width="1100px",
    )
