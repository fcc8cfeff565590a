"""/messages and /messages/[conversation_id]: the list beside the open conversation.

On a phone the open conversation takes the screen, with a link back to the list. New messages
from others are announced to screen readers (a polite live region); while the socket is down
the page says so, and the composer keeps what was typed.
"""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar
from reflex_components_core.core.banner import has_connection_errors

from aixplore.web import kit
from aixplore.web.layout import stacked_page
from aixplore.web.messaging.search import message_search
from aixplore.web.messaging.state import ATTACHMENT, COMPOSER, MessagesState
from aixplore.web.moderation.report import report_popover

M = MessagesState
GRAY = rx.color("gray", 11)


def _conversation_link(c: ObjectVar[dict[str, Any]]) -> rx.Component:
    unread = c["unread"].to(int)
    return rx.el.li(
        rx.link(
            rx.hstack(
                rx.icon(
                    rx.cond(c["kind"] == "group", "users", "user"), size=16, aria_hidden="true"
                ),
                rx.text(c["title"], weight=rx.cond(unread > 0, "bold", "regular"), flex="1"),
                rx.cond(c["muted"].to(bool), rx.icon("bell-off", size=14, aria_label="muted")),
                rx.cond(
                    unread > 0,
                    rx.badge(unread, color_scheme="violet", high_contrast=True, radius="full"),
                ),
                align="center",
                spacing="2",
                width="100%",
            ),
            href=c["href"].to(str),
            aria_label=rx.cond(
                unread > 0, c["title"].to(str) + ", " + unread.to(str) + " unread", c["title"]
            ),
            aria_current=rx.cond(c["id"].to(int) == M.open_id, "page", "false"),
            underline="none",
            color=rx.color("gray", 12),
            display="block",
            padding="0.5em",
            border_radius="6px",
            background_color=rx.cond(
                c["id"].to(int) == M.open_id, rx.color("violet", 3), "transparent"
            ),
        ),
    )


def _list() -> rx.Component:
    return rx.el.nav(
        kit.when_any(
            M.requests,
            rx.vstack(
                rx.heading("Message requests", as_="h2", size="3"),
                rx.el.ul(rx.foreach(M.requests, _conversation_link), class_name="item-list"),
                spacing="2",
                width="100%",
                margin_bottom="1em",
            ),
            rx.fragment(),
        ),
        message_search(),
        rx.heading("Conversations", as_="h2", size="3", margin_bottom="0.5em"),
        kit.when_any(
            M.conversations,
            rx.el.ul(rx.foreach(M.conversations, _conversation_link), class_name="item-list"),
            "No conversations yet: start one below.",
        ),
        aria_label="Conversations",
        style={"width": "100%"},
    )


def _message(m: ObjectVar[dict[str, Any]]) -> rx.Component:
    seq = m["seq"].to(int)
    mine = m["mine"].to(bool)
    deleted = m["deleted"].to(bool)
    actions = rx.hstack(
        rx.button("Reply", on_click=M.reply(seq), variant="ghost", size="1"),
        rx.cond(
            mine & ~deleted,
            rx.hstack(
                rx.button("Edit", on_click=M.edit(seq), variant="ghost", size="1"),
                rx.button("Delete", on_click=M.delete(seq), variant="ghost", size="1"),
                spacing="2",
            ),
        ),
        rx.cond(~mine & ~deleted, report_popover("message", m["id"].to(int))),
        spacing="2",
    )
    return rx.el.li(
        rx.vstack(
            rx.hstack(
                rx.text(m["sender"], weight="bold", size="2"),
                rx.text(m["when"], size="1", color=GRAY),
                rx.cond(m["edited"].to(bool) & ~deleted, rx.text("(edited)", size="1", color=GRAY)),
                spacing="2",
                align="baseline",
                wrap="wrap",
            ),
            rx.cond(
                m["reply_to"].to(int) > 0,
                rx.el.blockquote(
                    rx.text("Replying to: ", m["reply_excerpt"], size="1", color=GRAY),
                    style={"border_left": "3px solid var(--gray-6)", "padding_left": "0.5em"},
                ),
            ),
            rx.cond(
                m["image"].to(str) != "",
                rx.image(
                    src=m["image"].to(str),
                    alt="Image from " + m["sender"].to(str),
                    # Its box keeps the image's shape before it loads (no jump when it does).
                    aspect_ratio=m["image_width"].to(str) + " / " + m["image_height"].to(str),
                    max_width="min(100%, 360px)",
                    height="auto",
                    border_radius="6px",
                    loading="lazy",
                ),
            ),
            rx.text(
                m["body"],
                white_space="pre-wrap",
                overflow_wrap="anywhere",
                color=rx.cond(deleted, GRAY, rx.color("gray", 12)),
                font_style=rx.cond(deleted, "italic", "normal"),
            ),
            actions,
            spacing="1",
            align="start",
            width="100%",
            padding="0.5em",
            border_radius="8px",
            background_color=rx.cond(mine, rx.color("violet", 2), "transparent"),
        ),
        class_name="item",
    )


def _composer() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.el.label(M.composer_label, html_for=COMPOSER, class_name="rt-Text rt-r-size-2"),
            rx.text_area(
                id=COMPOSER,
                name="body",
                rows="3",
                max_length=4000,
                width="100%",
                on_change=M.typed.throttle(3000),
            ),
            rx.hstack(
                rx.button(rx.cond(M.editing > 0, "Save", "Send"), type="submit"),
                rx.el.label(
                    rx.upload.root(
                        rx.hstack(
                            rx.icon("image", size=16, aria_hidden="true"),
                            rx.text("Choose an image", size="2", as_="span"),
                            spacing="1",
                            align="center",
                        ),
                        id=ATTACHMENT,
                        max_files=1,
                        no_click=True,
                        accept=kit.IMAGE_ACCEPT,
                        border=f"1px dashed {rx.color('gray', 7)}",
                        border_radius="6px",
                        padding="0.3em 0.6em",
                        cursor="pointer",
                    ),
                ),
                rx.cond(
                    rx.selected_files(ATTACHMENT).length() > 0,  # type: ignore[attr-defined]
                    rx.button(
                        "Send image",
                        type="button",
                        variant="soft",
                        on_click=M.send_image(rx.upload_files(upload_id=ATTACHMENT)),
                    ),
                ),
                rx.cond(
                    (M.editing > 0) | (M.reply_to > 0),
                    rx.button("Cancel", type="button", variant="soft", on_click=M.cancel),
                ),
                spacing="2",
                wrap="wrap",
                align="center",
            ),
            spacing="2",
            width="100%",
        ),
        on_submit=M.send,
        reset_on_submit=False,  # cleared by the server once the message is stored
        width="100%",
    )


def _open_conversation() -> rx.Component:
    return rx.vstack(
        rx.link("← All conversations", href="/messages", size="2"),
        rx.hstack(
            rx.heading(M.title, as_="h2", size="5", flex="1", min_width="0"),
            rx.button(
                rx.cond(M.muted, "Unmute", "Mute"), on_click=M.toggle_mute, variant="soft", size="2"
            ),
            align="center",
            width="100%",
            wrap="wrap",
        ),
        rx.cond(
            M.status == "request",
            rx.callout(
                rx.hstack(
                    rx.text("This is a message request from someone you do not follow."),
                    rx.button("Accept", on_click=M.accept, size="1"),
                    spacing="3",
                    align="center",
                    wrap="wrap",
                ),
                icon="mail",
                width="100%",
            ),
        ),
        rx.cond(M.older, rx.button("Show older messages", on_click=M.load_older, variant="soft")),
        rx.el.ol(rx.foreach(M.rows, _message), class_name="item-list", aria_label="Messages"),
        rx.cond(M.seen != "", rx.text(M.seen, size="1", color=GRAY)),
        rx.text(M.typing, size="1", color=GRAY, min_height="1.2em"),
        _composer(),
        spacing="3",
        width="100%",
        min_width="0",
    )


def _start() -> rx.Component:
    return rx.card(
        rx.heading("Start a conversation", as_="h2", size="4"),
        kit.form(
            kit.field(
                "People",
                "people",
                max_length=2500,
                hint="One handle for a conversation of two; several (with a name) for a group.",
            ),
            kit.field("Group name", "title", max_length=80, required=False),
            on_submit=M.start,
            submit="Start",
            max_width=None,
        ),
        rx.el.label(
            rx.hstack(
                rx.switch(checked=M.receipts_on, on_change=M.set_receipts),
                rx.text("Send read receipts", size="2"),
                spacing="2",
                align="center",
            ),
            margin_top="1em",
        ),
        width="100%",
    )


def _offline() -> rx.Component:
    return rx.cond(
        has_connection_errors,
        rx.callout(
            "You are offline; reconnecting. What you type stays here and sends once you are back.",
            icon="wifi-off",
            color_scheme="amber",
            role="status",
            width="100%",
        ),
    )


def messages_page() -> rx.Component:
    """The signed-in member's conversations, and the one the address opens."""
    open_ = M.open_id > 0
    return stacked_page(
        "Messages",
        kit.page_header("Messages"),
        _offline(),
        rx.el.div(M.announcement, aria_live="polite", role="status", class_name="sr-only"),
        rx.grid(
            rx.cond(
                open_,
                rx.box(_list(), display=rx.breakpoints(initial="none", md="block")),
                rx.box(_list()),
            ),
            rx.cond(
                open_,
                _open_conversation(),
                rx.cond(M.missing, kit.empty_state("No such conversation."), _start()),
            ),
            columns=rx.breakpoints(initial="1", md="260px minmax(0, 1fr)"),
            spacing="5",
            width="100%",
        ),
        max_width="1000px",
    )
