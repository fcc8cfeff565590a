"""The thread page /forums/t/<id>: a page of posts with reactions and reports, the reply form."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from aixplore.domain.forums.reading import REACTIONS
from aixplore.web import kit
from aixplore.web.forums.parts import body_field, level_select
from aixplore.web.forums.state import ThreadState
from aixplore.web.layout import stacked_page
from aixplore.web.moderation.report import report_popover
from aixplore.web.session import SessionState
from aixplore.web.social.components import GRAY, avatar


def _reaction(post: ObjectVar[dict[str, Any]], key: str, emoji: str) -> rx.Component:
    return rx.button(
        emoji,
        on_click=ThreadState.react(post["id"], key),
        variant="ghost",
        size="1",
        aria_label=f"React {key}",
    )


def _post(p: ObjectVar[dict[str, Any]]) -> rx.Component:
    S = ThreadState
    shown = ~p["hidden"].to(bool) | (p["body_html"] != "")
    return rx.el.li(
        rx.card(
            rx.vstack(
                rx.hstack(
                    avatar(p, "2"),
                    rx.vstack(
                        rx.link(p["author_name"], href=p["href"], weight="bold", size="2"),
                        rx.text(
                            "@",
                            p["author_handle"],
                            " · #",
                            p["number"],
                            " · ",
                            p["when"],
                            size="1",
                            color=GRAY,
                        ),
                        spacing="0",
                        align="start",
                    ),
                    rx.spacer(),
                    rx.cond(p["accepted"], rx.badge("Answer", color_scheme="green")),
                    rx.cond(
                        p["edited"],
                        rx.button(
                            "Edited", on_click=S.show_revisions(p["id"]), variant="ghost", size="1"
                        ),
                    ),
                    width="100%",
                    align="center",
                ),
                rx.cond(
                    p["reply_to_href"] != "",
                    rx.link(
                        "In reply to #", p["reply_to_number"], href=p["reply_to_href"], size="1"
                    ),
                ),
                rx.cond(
                    p["deleted"],
                    rx.text("This post was deleted.", color=GRAY, size="2"),
                    rx.cond(
                        shown & (p["body_html"] != ""),
                        rx.box(rx.html(p["body_html"]), class_name="prose", width="100%"),
                        rx.text("This post is hidden pending review.", color=GRAY, size="2"),
                    ),
                ),
                rx.cond(
                    S.revisions_of == p["id"],
                    rx.vstack(
                        rx.foreach(
                            S.revisions,
                            lambda r: rx.box(
                                rx.text("Before ", r["when"], size="1", color=GRAY),
                                rx.html(r["body_html"]),
                                class_name="prose",
                                width="100%",
                            ),
                        ),
                        width="100%",
                    ),
                ),
                rx.hstack(
                    rx.foreach(
                        p["reactions"].to(list[dict[str, Any]]),
                        lambda r: rx.badge(
                            r["emoji"], " ", r["count"], variant=rx.cond(r["mine"], "solid", "soft")
                        ),
                    ),
                    rx.spacer(),
                    *[_reaction(p, key, emoji) for key, emoji in REACTIONS.items()],
                    rx.button("Quote", on_click=S.quote(p["number"]), variant="ghost", size="1"),
                    rx.cond(
                        p["mine"].to(bool) & (p["body_md"] != ""),
                        rx.button(
                            "Edit", on_click=S.start_edit(p["id"]), variant="ghost", size="1"
                        ),
                    ),
                    rx.cond(
                        SessionState.signed_in & ~p["mine"].to(bool) & ~p["deleted"].to(bool),
                        report_popover("forum_post", p["id"], label="post"),
                    ),
                    rx.cond(
                        S.thread["can_accept"].to(bool) & (p["number"].to(int) > 1),
                        rx.button(
                            "Accept answer", on_click=S.accept(p["id"]), variant="ghost", size="1"
                        ),
                    ),
                    wrap="wrap",
                    width="100%",
                    spacing="1",
                ),
                spacing="2",
                width="100%",
            ),
            width="100%",
        ),
        id=p["anchor"],
    )


def _pager() -> rx.Component:
    S = ThreadState
    return rx.hstack(
        rx.button("Previous", on_click=S.go_to(S.page - 1), disabled=S.page <= 1, variant="soft"),
        rx.text("Page ", S.page, " of ", S.pages, size="2"),
        rx.button("Next", on_click=S.go_to(S.page + 1), disabled=S.page >= S.pages, variant="soft"),
        align="center",
    )


def thread_page() -> rx.Component:
    """/forums/t/<id>: the thread, a page of posts at a time, and the reply form."""
    S = ThreadState
    moderator = S.thread["can_moderate"].to(bool)
    return stacked_page(
        "Thread",
        rx.cond(
            S.found,
            rx.vstack(
                rx.link(
                    "← ",
                    S.category["name"].to(str),
                    href="/forums/" + S.category["slug"].to(str),
                    size="2",
                ),
                kit.page_header(
                    S.thread["title"].to(str),
                    level_select(
                        S.thread["level"].to(str), S.set_level, "Notifications for this thread"
                    ),
                    rx.cond(
                        S.thread["bookmarked"].to(bool),
                        rx.button("Bookmarked", on_click=S.set_bookmark(False), variant="soft"),
                        rx.button("Bookmark", on_click=S.set_bookmark(True), variant="outline"),
                    ),
                    rx.cond(
                        moderator,
                        rx.hstack(
                            rx.button(
                                rx.cond(S.thread["pinned"].to(bool), "Unpin", "Pin"),
                                on_click=S.set_pinned(~S.thread["pinned"].to(bool)),
                                variant="outline",
                            ),
                            rx.button(
                                rx.cond(S.thread["closed"].to(bool), "Reopen", "Close"),
                                on_click=S.set_closed(~S.thread["closed"].to(bool)),
                                variant="outline",
                            ),
                        ),
                    ),
                    size="6",
                ),
                rx.cond(
                    S.thread["closed"].to(bool),
                    kit.note("This thread is closed: it takes no more replies."),
                ),
                rx.cond(S.pages > 1, _pager()),
                rx.el.ol(
                    rx.foreach(S.posts, _post),
                    class_name="item-list",
                    style={
                        "display": "flex",
                        "flexDirection": "column",
                        "gap": "0.75em",
                        "width": "100%",
                    },
                ),
                rx.cond(S.pages > 1, _pager()),
                rx.cond(
                    S.thread["can_reply"].to(bool),
                    kit.section(
                        rx.cond(S.editing > 0, "Edit your post", "Reply"),
                        rx.cond(
                            S.editing > 0,
                            rx.button(
                                "Cancel editing", on_click=S.cancel_edit, variant="soft", size="1"
                            ),
                        ),
                        kit.form(
                            body_field(
                                "Your reply",
                                5,
                                value=S.draft,
                                on_change=S.set_draft,
                            ),
                            on_submit=S.reply,
                            submit=kit.submit_button(
                                rx.cond(S.editing > 0, "Save post", "Post reply")
                            ),
                            error=S.error,
                            max_width=None,
                        ),
                    ),
                    kit.note("Sign in (and, in a group's forum, join the group) to reply."),
                ),
                spacing="4",
                width="100%",
            ),
            kit.refused("This thread is not available", S.refusal),
        ),
        max_width="900px",
    )
