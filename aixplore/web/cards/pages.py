"""/cards: every published solution's trading card in one instanced 3D gallery."""

from __future__ import annotations

import reflex as rx

from aixplore.web import kit
from aixplore.web.cards.state import GalleryState
from aixplore.web.layout import stacked_page
from components3d import card_gallery

S = GalleryState


def _selected() -> rx.Component:
    card = S.selected
    return rx.card(
        rx.cond(
            S.selected_id > 0,
            rx.vstack(
                rx.heading(card["name"].to(str), size="4", as_="h2"),
                rx.text(card["rarity"].to(str), weight="medium"),
                rx.text(
                    "★ ",
                    card["rating"].to(str),
                    " · ",
                    card["reviews"].to(str),
                    kit.counted(card["reviews"].to(int), "review"),
                    size="2",
                ),
                rx.link("Open the solution", href="/solutions/" + card["slug"].to(str)),
                spacing="1",
                aria_live="polite",
            ),
            rx.text("Pick a card to see its details.", color=rx.color("gray", 11)),
        ),
        width="100%",
    )


def cards_page() -> rx.Component:
    """The card gallery."""
    return stacked_page(
        "Trading cards",
        kit.page_header(
            "Trading cards",
            subtitle="Each published solution has a card; its foil comes from its rating "
            "and number of reviews: common, rare (reverse holo), ultra rare (rainbow), "
            "secret rare.",
        ),
        rx.text(S.label, size="2"),
        card_gallery(
            cards=S.cards,
            selected_id=S.selected_id,
            label=S.label,
            on_select=S.select,
            height="560px",
        ),
        _selected(),
        rx.el.details(
            rx.el.summary("All cards as a list"),
            rx.el.ul(
                rx.foreach(
                    S.cards,
                    lambda c: rx.el.li(
                        rx.link(c["name"].to(str), href="/solutions/" + c["slug"].to(str)),
                        " — ",
                        c["rarity"].to(str),
                    ),
                )
            ),
        ),
        max_width="1180px",
    )
