"""/feed: what the people you follow did, newest first."""

from __future__ import annotations

import reflex as rx

from aixplore.web import kit
from aixplore.web.layout import stacked_page
from aixplore.web.social.components import GRAY, entry_list, person_line
from aixplore.web.social.feed_state import FeedState

F = FeedState


def _suggestions() -> rx.Component:
    return rx.el.aside(
        rx.card(
            rx.heading("Who to follow", as_="h2", size="4"),
            kit.when_any(
                F.suggestions,
                rx.el.ul(
                    rx.foreach(
                        F.suggestions,
                        lambda p: person_line(p, rx.text(p["reason"], size="1", color=GRAY)),
                    ),
                    class_name="item-list",
                ),
                "Follow people from their profiles: suggestions appear as you do.",
            ),
            width="100%",
        ),
        aria_label="Who to follow",
        style={"width": "100%"},
    )


def feed_page() -> rx.Component:
    """The signed-in person's home feed."""
    return stacked_page(
        "Feed",
        rx.box(id="feed-top"),
        kit.page_header(
            "Your feed", subtitle="What the people you follow published, reviewed and hosted."
        ),
        rx.grid(
            rx.vstack(
                rx.cond(
                    F.new_count > 0,
                    rx.button(
                        rx.icon("arrow-up", size=16, aria_hidden="true"),
                        F.new_label,
                        on_click=F.show_new,
                        variant="soft",
                        width="100%",
                    ),
                ),
                rx.el.div(
                    entry_list(F.items, "Nothing here yet: follow people to see what they do."),
                    aria_live="off",
                    style={"width": "100%"},
                ),
                rx.cond(
                    F.next_before > 0,
                    rx.button("Show older", on_click=F.load_more, variant="soft"),
                ),
                spacing="3",
                width="100%",
                min_width="0",
            ),
            _suggestions(),
            columns=rx.breakpoints(initial="1", md="minmax(0, 1fr) 300px"),
            spacing="5",
            width="100%",
        ),
        max_width="1000px",
    )
