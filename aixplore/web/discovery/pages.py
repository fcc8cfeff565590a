"""/saved (my bookmarks, collections, saved searches) and /collections/[collection_id]."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from aixplore.web.discovery.state import CollectionState, SavedState
from aixplore.web.layout import page
from aixplore.web.solutions.components import card_grid


def _collection_row(c: ObjectVar[dict[str, Any]]) -> rx.Component:
    cid = c["id"].to(int)
    return rx.card(
        rx.flex(
            rx.vstack(
                rx.link(
                    rx.heading(c["name"], size="3", as_="h3"),
                    href="/collections/" + c["id"].to(str),
                ),
                rx.text(
                    c["count"],
                    " solutions · ",
                    rx.cond(c["is_public"], "public", "private"),
                    size="1",
                    color=rx.color("gray", 11),
                ),
                spacing="1",
                align="start",
            ),
            rx.spacer(),
            rx.hstack(
                rx.cond(
                    c["is_public"],
                    rx.button(
                        "Make private",
                        size="1",
                        variant="soft",
                        on_click=SavedState.set_public(cid, False),
                    ),
                    rx.button(
                        "Make public",
                        size="1",
                        variant="soft",
                        on_click=SavedState.set_public(cid, True),
                    ),
                ),
                rx.button(
                    "Delete",
                    size="1",
                    variant="soft",
                    color_scheme="red",
                    on_click=SavedState.delete_collection(cid),
                ),
                spacing="2",
            ),
            spacing="3",
            align="center",
            wrap="wrap",
            width="100%",
        ),
        width="100%",
    )


def _search_row(s: ObjectVar[dict[str, Any]]) -> rx.Component:
    return rx.hstack(
        rx.icon("bell", size=16, aria_hidden="true"),
        rx.link(s["name"], href=s["href"]),
        rx.spacer(),
        rx.button(
            "Remove",
            size="1",
            variant="soft",
            color_scheme="red",
            on_click=SavedState.delete_search(s["id"].to(int)),
        ),
        width="100%",
        align="center",
        padding_y="0.4em",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
    )


def saved_page() -> rx.Component:
    """Everything I kept."""
    return page(
        "Saved",
        rx.vstack(
            rx.heading("Saved", as_="h1", size="8"),
            rx.tabs.root(
                rx.tabs.list(
                    rx.tabs.trigger("Bookmarks", value="bookmarks"),
                    rx.tabs.trigger("Collections", value="collections"),
                    rx.tabs.trigger("Saved searches", value="searches"),
                ),
                rx.tabs.content(
                    rx.box(
                        rx.heading("Bookmarks", as_="h2", class_name="sr-only"),
                        rx.cond(
                            SavedState.bookmarks.length() > 0,  # type: ignore[attr-defined]
                            card_grid(SavedState.bookmarks),
                            rx.text("No bookmarks yet: use Bookmark on a solution's page."),
                        ),
                        padding_top="1em",
                    ),
                    value="bookmarks",
                ),
                rx.tabs.content(
                    rx.vstack(
                        rx.heading("Collections", as_="h2", class_name="sr-only"),
                        rx.form(
                            rx.flex(
                                rx.input(
                                    name="name",
                                    placeholder="Name of a new collection",
                                    max_length=80,
                                    required=True,
                                    aria_label="Collection name",
                                    flex="1",
                                    min_width="200px",
                                ),
                                rx.checkbox("Public", name="is_public"),
                                rx.button("Create", type="submit"),
                                spacing="3",
                                align="center",
                                wrap="wrap",
                                width="100%",
                            ),
                            on_submit=SavedState.create_collection,
                            width="100%",
                        ),
                        rx.foreach(SavedState.collections, _collection_row),
                        spacing="3",
                        padding_top="1em",
                        width="100%",
                    ),
                    value="collections",
                ),
                rx.tabs.content(
                    rx.vstack(
                        rx.heading("Saved searches", as_="h2", class_name="sr-only"),
                        rx.text(
                            "We mail you when a new solution matches one of these searches.",
                            size="2",
                            color=rx.color("gray", 11),
                        ),
                        rx.cond(
                            SavedState.searches.length() > 0,  # type: ignore[attr-defined]
                            rx.vstack(
                                rx.foreach(SavedState.searches, _search_row),
                                spacing="0",
                                width="100%",
                            ),
                            rx.text("No saved searches yet: use Save search on the catalog."),
                        ),
                        spacing="3",
                        padding_top="1em",
                        width="100%",
                    ),
                    value="searches",
                ),
                default_value="bookmarks",
                width="100%",
            ),
            spacing="4",
            width="100%",
        ),
    )


def collection_page() -> rx.Component:
    """A collection."""
    info = CollectionState.info
    return page(
        "Collection",
        rx.cond(
            CollectionState.found,
            rx.vstack(
                rx.heading(info["name"], as_="h1", size="8"),
                rx.text(
                    "A collection by ", info["owner_name"], size="2", color=rx.color("gray", 11)
                ),
                rx.cond(info["description"] != "", rx.text(info["description"])),
                rx.heading("Solutions", as_="h2", size="5"),
                rx.cond(
                    CollectionState.cards.length() > 0,  # type: ignore[attr-defined]
                    card_grid(CollectionState.cards),
                    rx.text("This collection is empty."),
                ),
                spacing="3",
                width="100%",
            ),
            rx.heading("This collection does not exist", as_="h1", size="6"),
        ),
    )
