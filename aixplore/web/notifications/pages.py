"""/notifications: what happened to my orders, searches, webhooks and listings."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from aixplore.web import kit
from aixplore.web.layout import stacked_page
from aixplore.web.notifications.state import NotificationsState


def _icon(kind: rx.Var) -> rx.Component:
    return rx.match(  # pyright: ignore[reportReturnType]
        kind,
        ("order", rx.icon("package", size=18, aria_hidden="true")),
        ("saved_search", rx.icon("search", size=18, aria_hidden="true")),
        ("webhook", rx.icon("webhook", size=18, aria_hidden="true")),
        ("org_invitation", rx.icon("users", size=18, aria_hidden="true")),
        ("review", rx.icon("star", size=18, aria_hidden="true")),
        ("follow", rx.icon("user-plus", size=18, aria_hidden="true")),
        ("signal", rx.icon("trending-up", size=18, aria_hidden="true")),
        ("mention", rx.icon("at-sign", size=18, aria_hidden="true")),
        ("reply", rx.icon("reply", size=18, aria_hidden="true")),
        ("quote", rx.icon("quote", size=18, aria_hidden="true")),
        ("reaction", rx.icon("smile", size=18, aria_hidden="true")),
        ("forum_post", rx.icon("messages-square", size=18, aria_hidden="true")),
        ("group", rx.icon("users-round", size=18, aria_hidden="true")),
        ("connection", rx.icon("handshake", size=18, aria_hidden="true")),
        ("moderation", rx.icon("shield", size=18, aria_hidden="true")),
        rx.icon("bell", size=18, aria_hidden="true"),
    )


def _row(n: ObjectVar[dict[str, Any]]) -> rx.Component:
    unread = ~n["read"].to(bool)
    title = rx.text(n["title"], weight=rx.cond(unread, "bold", "regular"), as_="span")
    return rx.el.li(
        rx.hstack(
            rx.box(_icon(n["kind"]), padding_top="2px", color=rx.color("gray", 11)),
            rx.vstack(
                rx.cond(
                    n["link"].to(str) != "",
                    rx.link(
                        title,
                        href=n["link"].to(str),
                        on_click=NotificationsState.open(n["id"].to(int)),
                    ),
                    title,
                ),
                rx.cond(n["body"].to(str) != "", rx.text(n["body"], size="2")),
                rx.text(n["when"], size="1", color=rx.color("gray", 11)),
                spacing="1",
                align="start",
                min_width="0",
                flex="1",
                overflow_wrap="anywhere",
            ),
            rx.cond(unread, rx.badge("Unread", color_scheme="violet", size="1")),
            spacing="3",
            align="start",
            width="100%",
        ),
        padding_y="0.75em",
        padding_x="0.5em",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        background_color=rx.cond(unread, rx.color("violet", 2), "transparent"),
    )


def notifications_page() -> rx.Component:
    """My notifications, newest first."""
    return stacked_page(
        "Notifications",
        kit.page_header(
            "Notifications",
            kit.action("Mark all as read", NotificationsState.mark_all_read, size="2"),
            kit.link_button("Settings", "/settings/notifications", size="2", variant="outline"),
            size="8",
        ),
        rx.cond(
            NotificationsState.rows.length() > 0,  # type: ignore[attr-defined]
            rx.el.ul(
                rx.foreach(NotificationsState.rows, _row),
                list_style="none",
                padding="0",
                margin="0",
                width="100%",
            ),
            rx.cond(
                NotificationsState.loaded,
                kit.empty_state(
                    "Nothing yet. You hear here when your orders move, saved searches find "
                    "new solutions, someone reviews your listing or invites you to an "
                    "organization."
                ),
            ),
        ),
        rx.cond(
            NotificationsState.more,
            kit.action("Load more", NotificationsState.load_more, size="2", variant="outline"),
        ),
        max_width="760px",
    )
