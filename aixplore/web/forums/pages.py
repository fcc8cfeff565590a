"""Forum pages: /forums, /forums/<category> and /forums/discuss/<kind>/<id>.

The thread page, /forums/t/<id>, is in :mod:`aixplore.web.forums.thread`.
"""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from aixplore.domain.forums.models import TITLE_MAX
from aixplore.web import kit
from aixplore.web.forums.parts import body_field, level_select
from aixplore.web.forums.state import CategoryState, DiscussState, ForumIndexState
from aixplore.web.layout import stacked_page
from aixplore.web.social.components import GRAY


def thread_line(t: ObjectVar[dict[str, Any]]) -> rx.Component:
    """A thread in a list: title with its badges, who started it, replies and last activity."""
    return kit.list_item(
        kit.item_text(
            rx.hstack(
                rx.cond(t["pinned"], rx.badge("Pinned", color_scheme="amber")),
                rx.link(t["title"], href=t["href"], weight="medium"),
                rx.cond(t["answered"], rx.badge("Answered", color_scheme="green")),
                rx.cond(t["closed"], rx.badge("Closed", color_scheme="gray")),
                rx.cond(
                    t["unread"].to(int) > 0, rx.badge(t["unread"], " new", color_scheme="blue")
                ),
                spacing="2",
                align="center",
                wrap="wrap",
            ),
            rx.text(
                "by @",
                t["author_handle"],
                " · ",
                t["replies"],
                rx.cond(t["replies"] == 1, " reply · ", " replies · "),
                t["when"],
            ),
            rx.cond(t["excerpt"] != "", rx.text(t["excerpt"], size="2", color=GRAY)),
        ),
    )


def _category_card(c: ObjectVar[dict[str, Any]]) -> rx.Component:
    return rx.el.li(
        rx.card(
            rx.hstack(
                rx.box(
                    width="6px", align_self="stretch", background=c["color"], border_radius="3px"
                ),
                rx.vstack(
                    rx.link(
                        c["name"], href="/forums/" + c["slug"].to(str), weight="bold", size="4"
                    ),
                    rx.text(c["description"], size="2", color=GRAY),
                    rx.text(
                        c["thread_count"],
                        kit.counted(c["thread_count"], "thread"),
                        size="1",
                        color=GRAY,
                    ),
                    spacing="1",
                    align="start",
                    min_width="0",
                ),
                spacing="3",
            ),
            width="100%",
        )
    )


def forums_page() -> rx.Component:
    """/forums: every category, and forum search."""
    S = ForumIndexState
    return stacked_page(
        "Forums",
        kit.page_header("Forums", subtitle="Ask, answer and talk about AI solutions."),
        kit.inline_form(
            kit.search_box(
                "Search the forums", "q", placeholder="Search the forums", max_length=200
            ),
            rx.button("Search", type="submit"),
            on_submit=S.search,
        ),
        rx.cond(
            S.searched,
            kit.section(
                "Results",
                kit.when_any(
                    S.results, kit.item_list(S.results, thread_line), "No thread matches."
                ),
            ),
        ),
        kit.when_any(
            S.categories,
            rx.el.ul(
                rx.foreach(S.categories, _category_card),
                class_name="item-list",
                style={"display": "grid", "gap": "0.75em"},
            ),
            "No categories yet.",
        ),
        max_width="900px",
    )


def category_page() -> rx.Component:
    """/forums/<category>: its threads and the form to start one."""
    S = CategoryState
    return stacked_page(
        "Forum",
        rx.cond(
            S.found,
            rx.vstack(
                kit.page_header(
                    S.category["name"].to(str), subtitle=S.category["description"].to(str)
                ),
                # Under the title, not beside it: beside it, it covered the title at 375 px.
                level_select(S.level, S.set_level, "Notifications for this category"),
                kit.when_any(
                    S.threads,
                    kit.item_list(S.threads, thread_line),
                    "No threads yet: start the first.",
                ),
                rx.cond(S.more, rx.button("Older threads", on_click=S.next_page, variant="soft")),
                kit.section(
                    "Start a thread",
                    kit.form(
                        kit.field("Title", "title", max_length=TITLE_MAX),
                        body_field("Text", 6),
                        on_submit=S.start_thread,
                        submit="Start thread",
                        error=S.error,
                        max_width=None,
                    ),
                ),
                spacing="4",
                width="100%",
            ),
            kit.refused("This forum is not available", S.refusal),
        ),
        max_width="900px",
    )


def discuss_page() -> rx.Component:
    """/forums/discuss/<kind>/<id>: start the discussion of a solution or an event."""
    S = DiscussState
    return stacked_page(
        "Discuss",
        rx.cond(
            S.found,
            rx.vstack(
                kit.page_header(
                    "Start the discussion", subtitle="Nobody has posted about this yet."
                ),
                kit.form(
                    body_field("Your post", 6),
                    on_submit=S.start,
                    submit="Post",
                    error=S.error,
                    max_width=None,
                ),
                width="100%",
            ),
            kit.refused("Nothing to discuss here", S.refusal),
        ),
        max_width="900px",
    )
