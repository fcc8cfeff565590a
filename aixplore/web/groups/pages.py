"""Group pages: /groups (every group one may see, and a form to make one) and /groups/<slug>."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from aixplore.domain.groups.models import DESCRIPTION_MAX, NAME_MAX
from aixplore.web import kit
from aixplore.web.forums.pages import thread_line
from aixplore.web.groups.state import VISIBILITY, GroupPageState, GroupsState
from aixplore.web.layout import stacked_page
from aixplore.web.moderation.report import report_popover
from aixplore.web.social.components import GRAY


def _group_line(g: ObjectVar[dict[str, Any]]) -> rx.Component:
    return kit.list_item(
        kit.item_text(
            rx.hstack(
                rx.link(g["name"], href=g["href"], weight="medium"),
                rx.cond(g["kind"] == "trading", rx.badge("Trading", color_scheme="violet")),
                rx.cond(g["my_role"], rx.badge(g["my_role"], color_scheme="green")),
                spacing="2",
                align="center",
                wrap="wrap",
            ),
            rx.text(g["about"], " · ", g["member_count"], " members"),
        ),
    )


def groups_page() -> rx.Component:
    """/groups: the groups, and a form to make one."""
    S = GroupsState
    return stacked_page(
        "Groups",
        kit.page_header(
            "Groups", subtitle="Communities and trading groups, each with its own forum."
        ),
        kit.when_any(
            S.groups, kit.item_list(S.groups, _group_line), "No groups yet: make the first."
        ),
        kit.section(
            "Make a group",
            kit.form(
                kit.field("Name", "name", max_length=NAME_MAX),
                kit.text_area_field(
                    "Description", "description", rows=3, max_length=DESCRIPTION_MAX
                ),
                kit.native_select(
                    "Who may join",
                    "visibility",
                    list(VISIBILITY.items()),
                    select_id="group-visibility",
                    default_value="public",
                ),
                kit.native_select(
                    "Kind",
                    "kind",
                    [("community", "Community"), ("trading", "Trading")],
                    select_id="group-kind",
                    default_value="community",
                ),
                on_submit=S.create,
                submit="Make group",
                error=S.error,
            ),
        ),
        max_width="900px",
    )


def _member_line(m: ObjectVar[dict[str, Any]]) -> rx.Component:
    return rx.el.li(
        rx.hstack(
            rx.link("@", m["handle"], href="/u/" + m["handle"].to(str)),
            rx.text(m["role"], size="1", color=GRAY),
            spacing="2",
        )
    )


def _request_line(r: ObjectVar[dict[str, Any]]) -> rx.Component:
    S = GroupPageState
    return kit.list_item(
        rx.link("@", r["handle"], href="/u/" + r["handle"].to(str)),
        rx.hstack(
            rx.button("Approve", on_click=S.answer(r["user_id"], True), size="1"),
            rx.button("Decline", on_click=S.answer(r["user_id"], False), size="1", variant="soft"),
        ),
    )


def _event_line(e: ObjectVar[dict[str, Any]]) -> rx.Component:
    return kit.list_item(
        kit.item_text(
            rx.link(e["title"].to(str), href=e["href"].to(str), weight="medium"), e["when"]
        )
    )


def _membership() -> rx.Component:
    S = GroupPageState
    g = S.group
    return rx.cond(
        g["my_role"],
        rx.hstack(
            rx.button("Chat", on_click=S.open_chat, id="group-chat"),
            rx.cond(
                g["my_role"] != "owner",
                rx.button("Leave group", on_click=S.leave, variant="outline"),
            ),
        ),
        rx.cond(
            g["invited"].to(bool),
            rx.hstack(
                rx.button("Accept invitation", on_click=S.join(None)),
                rx.button("Decline", on_click=S.decline_invitation, variant="soft"),
            ),
            rx.cond(
                g["requested"].to(bool),
                rx.badge("Request sent", color_scheme="amber"),
                rx.cond(
                    g["visibility"] == "private",
                    kit.inline_form(
                        kit.search_box(
                            "Message to the moderators",
                            "message",
                            placeholder="Why you want to join (optional)",
                            max_length=300,
                        ),
                        rx.button("Ask to join", type="submit"),
                        on_submit=S.join,
                    ),
                    rx.cond(
                        g["visibility"] == "public", rx.button("Join group", on_click=S.join(None))
                    ),
                ),
            ),
        ),
    )


def group_page() -> rx.Component:
    """/groups/<slug>: the group, its threads, members, and what the viewer may do."""
    S = GroupPageState
    g = S.group
    return stacked_page(
        "Group",
        rx.cond(
            S.found,
            rx.vstack(
                kit.page_header(g["name"].to(str), subtitle=g["about"].to(str)),
                rx.hstack(
                    _membership(),
                    # The platform's moderators read reports of a group, not its own.
                    rx.cond(
                        S.signed_in & (g["my_role"] != "owner"),
                        report_popover("group", g["id"], size="2"),
                    ),
                    spacing="3",
                    align="center",
                    wrap="wrap",
                ),
                rx.cond(g["description"].to(str) != "", rx.text(g["description"].to(str))),
                rx.cond(
                    S.readable,
                    rx.vstack(
                        kit.section(
                            "Threads",
                            kit.when_any(
                                S.threads, kit.item_list(S.threads, thread_line), "No threads yet."
                            ),
                            rx.link("Open the group's forum", href=g["forum"].to(str)),
                        ),
                        kit.section(
                            "Events",
                            kit.when_any(
                                S.events,
                                kit.item_list(S.events, _event_line),
                                "No upcoming events.",
                            ),
                            rx.cond(
                                S.moderator,
                                rx.link("Host an event", href="/events/new?group=" + S.slug),
                            ),
                        ),
                        kit.section(
                            "Members",
                            rx.el.ul(rx.foreach(S.members, _member_line), class_name="item-list"),
                        ),
                        width="100%",
                        spacing="4",
                    ),
                    kit.note("Only members read this group's threads."),
                ),
                rx.cond(
                    S.moderator,
                    kit.section(
                        "Moderate",
                        kit.when_any(
                            S.requests,
                            kit.item_list(S.requests, _request_line),
                            "No requests waiting.",
                        ),
                        kit.inline_form(
                            kit.search_box(
                                "Invite by handle",
                                "handle",
                                placeholder="@handle to invite",
                                max_length=31,
                            ),
                            rx.button("Invite", type="submit"),
                            on_submit=S.invite,
                            reset=True,
                        ),
                    ),
                ),
                spacing="4",
                width="100%",
            ),
            kit.refused("This group is not available", S.refusal),
        ),
        max_width="900px",
    )
