"""/gallery (the member's own room) and /gallery/<handle> (a room shared by link)."""

from __future__ import annotations

import reflex as rx

from aixplore.web import kit
from aixplore.web.gallery.state import GalleryState
from aixplore.web.layout import stacked_page
from components3d import gallery_room
from components3d.base import asset_url

S = GalleryState
ROOM_HEIGHT = "min(72vh, 640px)"


def _poster_while_loading() -> rx.Component:
    """The room's poster in the page's HTML, painted before the gallery's data arrives
    (a spinner alone kept the poster back until then: about 0.9 s under load)."""
    return rx.box(
        rx.image(
            src=asset_url("posters/gallery.png"),
            alt="",
            width="100%",
            height=ROOM_HEIGHT,
            object_fit="contain",
            class_name="scene3d-frame__poster",
        ),
        kit.loading(),
        width="100%",
    )


def _refused() -> rx.Component:
    return rx.center(
        rx.vstack(
            rx.heading("Gallery not available", as_="h1", size="6"),
            rx.text(S.error),
            kit.link_button("Trading cards", "/cards"),
            spacing="3",
            align="center",
        ),
        padding_y="3em",
        width="100%",
    )


def _open_card() -> rx.Component:
    """The card brought close, in words, with its links (the room's text equivalent of it)."""
    card = S.open_card
    return rx.cond(
        S.open_id != 0,
        kit.tile(
            rx.heading(card["name"].to(str), as_="h2", size="4"),
            rx.text(card["rarity"].to(str), " · ", card["facts"].to(str), size="2"),
            rx.text(card["subtitle"].to(str), size="2"),
            kit.actions(
                kit.link_button(
                    rx.cond(
                        card["kind"].to(str) == "trader", "Open the trader", "Open the solution"
                    ),
                    card["href"].to(str),
                ),
                kit.link_button("Its card", card["card_href"].to(str), variant="soft"),
                rx.button(
                    "Put it back", variant="soft", color_scheme="gray", on_click=S.open({"id": 0})
                ),
            ),
            spacing="2",
            align="start",
        ),
    )


def _share() -> rx.Component:
    return rx.cond(
        S.is_owner,
        kit.note(
            "Share your gallery: ",
            rx.link(S.share_path, href=S.share_path, underline="always"),
            " (people see the solutions you publish and your public collections; "
            "what you saved stays yours).",
        ),
        kit.note(
            "Cards of the solutions ",
            S.owner_name,
            " publishes and of their public collections. ",
            rx.link("Their profile", href="/u/" + S.handle, underline="always"),
        ),
    )


def gallery_page() -> rx.Component:
    """A gallery room, the card brought close, and how to share the room."""
    return stacked_page(
        "Gallery",
        rx.cond(
            S.error != "",
            _refused(),
            rx.vstack(
                kit.page_header(
                    rx.cond(S.is_owner, "Your gallery", S.owner_name + "'s gallery"),
                    subtitle="Cards hang on the walls of rooms joined by doorways, the rarest "
                    "stand in cases, the platform's picks on the featured wall ahead. Walk with "
                    "the arrow keys, WASD, the mouse, touch or the buttons; open a card to bring "
                    "it close.",
                ),
                _share(),
                rx.cond(
                    S.loaded,
                    gallery_room(
                        cards=S.cards,
                        featured=S.featured,
                        open_id=S.open_id,
                        label=S.label,
                        on_open=S.open,
                        height=ROOM_HEIGHT,
                    ),
                    _poster_while_loading(),
                ),
                _open_card(),
                rx.cond(
                    S.bare,
                    kit.empty_state(
                        rx.cond(
                            S.is_owner,
                            "Your walls are bare: publish a solution, save cards or add them "
                            "to a collection to hang them here.",
                            "No cards on these walls yet.",
                        ),
                        action=kit.link_button("Browse the cards", "/cards", variant="soft"),
                    ),
                ),
                spacing="4",
                width="100%",
            ),
        ),
        max_width="1180px",
    )
