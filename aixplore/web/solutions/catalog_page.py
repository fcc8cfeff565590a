"""/solutions: search box, facets (a drawer on phones), sort, results and paging."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from aixplore.web import kit
from aixplore.web.layout import stacked_page
from aixplore.web.session import SessionState
from aixplore.web.solutions.catalog_state import CATALOG, CatalogState
from aixplore.web.solutions.components import card_grid

FACET_TITLES = [
    ("category", "Category"),
    ("pricing", "Pricing"),
    ("min_rating", "Rating"),
    ("verified", "Publisher"),
    ("tags", "Tags"),
]


def _facet_value(item: ObjectVar[dict[str, Any]]) -> rx.Component:
    return rx.link(
        rx.hstack(
            rx.icon(
                rx.cond(item["selected"], "square-check", "square"),
                size=16,
                aria_hidden="true",
            ),
            rx.text(item["label"], size="2", weight=rx.cond(item["selected"], "bold", "regular")),
            rx.spacer(),
            rx.text(item["count"], size="1", color=rx.color("gray", 11)),
            width="100%",
            align="center",
            spacing="2",
        ),
        href=item["href"],
        underline="none",
        color=rx.color("gray", 12),
        aria_current=rx.cond(item["selected"], "true", "false"),
        width="100%",
    )


def _facets() -> rx.Component:
    groups = [
        rx.cond(
            CatalogState.facets[name].length() > 0,  # type: ignore[attr-defined]
            rx.vstack(
                rx.heading(title, size="2", as_="h2", color=rx.color("gray", 11)),
                rx.foreach(CatalogState.facets[name], _facet_value),
                spacing="2",
                width="100%",
            ),
        )
        for name, title in FACET_TITLES
    ]
    return rx.vstack(*groups, spacing="5", width="100%")


def _search_bar() -> rx.Component:
    return rx.form(
        rx.hstack(
            rx.el.label("Search solutions", html_for="catalog-q", class_name="sr-only"),
            rx.input(
                rx.input.slot(rx.icon("search", size=16)),
                id="catalog-q",
                name="q",
                key=CatalogState.q,
                default_value=CatalogState.q,
                placeholder="Search by task, name or tag",
                max_length=200,
                size="3",
                width="100%",
                type="search",
            ),
            rx.button("Search", type="submit", size="3"),
            width="100%",
        ),
        on_submit=CatalogState.submit_search,
        reset_on_submit=False,
        width="100%",
    )


def _toolbar() -> rx.Component:
    filters_drawer = kit.drawer(
        rx.button(rx.icon("sliders-horizontal", size=16), "Filters", variant="soft"),
        rx.heading("Filters", size="4"),
        _facets(),
        close_label="Close filters",
        width="min(85vw, 340px)",
        spacing="4",
    )
    return kit.actions(
        kit.result_count(CatalogState.total, "solution"),
        rx.spacer(),
        rx.cond(
            SessionState.signed_in,
            rx.button(
                rx.icon("bell-plus", size=16),
                "Save search",
                variant="soft",
                on_click=CatalogState.save_search,
            ),
        ),
        rx.mobile_and_tablet(filters_drawer),
        rx.hstack(
            rx.el.label("Sort by", html_for="catalog-sort", size="2", class_name="field-label"),
            rx.select.root(
                # One width for every choice, and before the page's state arrives (the
                # prerendered trigger is empty): a trigger that grows wraps the toolbar on a
                # phone and shifts the results down (Lighthouse mobile CLS 0.22).
                rx.select.trigger(id="catalog-sort", aria_label="Sort by", width="9.5rem"),
                rx.select.content(
                    rx.foreach(
                        CatalogState.sort_options,
                        lambda o: rx.select.item(o[1], value=o[0]),
                    )
                ),
                value=CatalogState.sort,
                on_change=CatalogState.set_sort,
            ),
            align="center",
            spacing="2",
        ),
        spacing="3",
        width="100%",
    )


def _chips() -> rx.Component:
    return rx.cond(
        CatalogState.active_filters.length() > 0,  # type: ignore[attr-defined]
        kit.actions(
            rx.foreach(
                CatalogState.active_filters,
                lambda chip: rx.link(
                    rx.badge(chip["label"], rx.icon("x", size=12), size="2", variant="surface"),
                    href=chip["href"],
                    underline="none",
                    aria_label="Remove filter " + chip["label"].to(str),
                ),
            ),
            rx.link("Clear all", href=CATALOG, size="2"),
        ),
    )


def _notes() -> rx.Component:
    """What the search did with the words: corrected them, fell back to the closest matches,
    or has a query to suggest that finds more."""
    return rx.fragment(
        rx.cond(
            CatalogState.corrected_q != "",
            rx.callout(
                rx.text(
                    "No solution matches “",
                    CatalogState.q,
                    "”; showing results for “",
                    rx.text.strong(CatalogState.corrected_q),
                    "”.",
                ),
                icon="sparkles",
                color_scheme="blue",
                high_contrast=True,  # Radix's blue text on blue is below 4.5:1
                role="status",
            ),
        ),
        rx.cond(
            CatalogState.partial_note != "",
            rx.callout(
                CatalogState.partial_note,
                icon="list-filter",
                color_scheme="blue",
                high_contrast=True,
                role="status",
            ),
        ),
        rx.cond(
            CatalogState.suggested_q != "",
            rx.text(
                "Did you mean ",
                rx.link(rx.text.strong(CatalogState.suggested_q), href=CatalogState.suggested_href),
                "?",
                size="3",
            ),
        ),
    )


def catalog_page() -> rx.Component:
    """The searchable catalog."""
    return stacked_page(
        "Solutions",
        kit.page_header("AI solutions", size="8"),
        _search_bar(),
        _notes(),
        kit.form_error(CatalogState.error),
        _chips(),
        rx.flex(
            rx.desktop_only(
                rx.box(
                    rx.el.aside(_facets(), aria_label="Filters"),
                    width="240px",
                    min_width="240px",
                )
            ),
            rx.vstack(
                rx.heading("Results", as_="h2", class_name="sr-only"),
                _toolbar(),
                rx.cond(
                    CatalogState.total > 0,
                    card_grid(CatalogState.items),
                    rx.cond(
                        CatalogState.loaded,
                        rx.callout(
                            "No solution matches. Try fewer words or remove a filter.",
                            icon="search-x",
                            color_scheme="gray",
                        ),
                        # Taller than a screen: the footer stays below it as the cards arrive.
                        kit.placeholder_cards(12),
                    ),
                ),
                kit.pager(
                    CatalogState.page,
                    CatalogState.pages,
                    CatalogState.prev_href,
                    CatalogState.next_href,
                ),
                spacing="4",
                width="100%",
                min_width="0",
            ),
            spacing="6",
            width="100%",
        ),
        max_width="1280px",
    )
