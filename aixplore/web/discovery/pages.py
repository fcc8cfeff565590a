"""/saved (my bookmarks, collections, saved searches) and /collections/[collection_id]."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from aixplore.web import kit
from aixplore.web.discovery.state import CollectionState, SavedState
from aixplore.web.layout import found_page, stacked_page
from aixplore.web.solutions.components import card_grid

GRAY = rx.color("gray", 11)


def _collection_row(c: ObjectVar[dict[str, Any]]) -> rx.Component:
    cid = c["id"].to(int)
    return rx.card(
        kit.actions(
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
                    color=GRAY,
                ),
                spacing="1",
                align="start",
            ),
            rx.spacer(),
            kit.actions(
                kit.toggle(
                    c["is_public"],
                    kit.action("Make private", SavedState.set_public(cid, False)),
                    kit.action("Make public", SavedState.set_public(cid, True)),
                ),
                kit.action("Delete", SavedState.delete_collection(cid), tone="danger"),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _search_row(s: ObjectVar[dict[str, Any]]) -> rx.Component:
    return rx.hstack(
        rx.icon("bell", size=16, aria_hidden="true"),
        rx.link(s["name"], href=s["href"]),
        rx.spacer(),
        kit.action("Remove", SavedState.delete_search(s["id"].to(int)), tone="danger"),
        width="100%",
        align="center",
        padding_y="0.4em",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
    )


def _tab(title: str, value: str, *children: Any) -> rx.Component:
    return rx.tabs.content(
        rx.vstack(
            rx.heading(title, as_="h2", class_name="sr-only"),
            *children,
            spacing="3",
            padding_top="1em",
            width="100%",
        ),
        value=value,
    )


def saved_page() -> rx.Component:
    """Everything I kept."""
    return stacked_page(
        "Saved",
        kit.page_header("Saved", size="8"),
        rx.tabs.root(
            rx.tabs.list(
                rx.tabs.trigger("Bookmarks", value="bookmarks"),
                rx.tabs.trigger("Collections", value="collections"),
                rx.tabs.trigger("Saved searches", value="searches"),
            ),
            _tab(
                "Bookmarks",
                "bookmarks",
                kit.when_any(
                    SavedState.bookmarks,
                    card_grid(SavedState.bookmarks),
                    "No bookmarks yet: use Bookmark on a solution's page.",
                ),
            ),
            _tab(
                "Collections",
                "collections",
                kit.inline_form(
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
                    kit.submit_button("Create"),
                    on_submit=SavedState.create_collection,
                    width="100%",
                ),
                rx.foreach(SavedState.collections, _collection_row),
            ),
            _tab(
                "Saved searches",
                "searches",
                kit.note("We mail you when a new solution matches one of these searches."),
                kit.when_any(
                    SavedState.searches,
                    rx.vstack(
                        rx.foreach(SavedState.searches, _search_row), spacing="0", width="100%"
                    ),
                    "No saved searches yet: use Save search on the catalog.",
                ),
            ),
            default_value="bookmarks",
            width="100%",
        ),
    )


def collection_page() -> rx.Component:
    """A collection."""
    info = CollectionState.info
    return found_page(
        "Collection",
        CollectionState.found,
        rx.heading("This collection does not exist", as_="h1", size="6"),
        kit.page_header(
            info["name"],
            subtitle=rx.text("A collection by ", info["owner_name"], size="2", color=GRAY),
            size="8",
        ),
        rx.cond(info["description"] != "", rx.text(info["description"])),
        rx.heading("Solutions", as_="h2", size="5"),
        kit.when_any(
            CollectionState.cards,
            card_grid(CollectionState.cards),
            "This collection is empty.",
        ),
        spacing="3",
    )
