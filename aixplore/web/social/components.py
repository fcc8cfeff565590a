"""Pieces the profile, the feed and the editor share: avatars, people and feed entries."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

GRAY = rx.color("gray", 11)


def avatar(person: ObjectVar[dict[str, Any]] | Any, size: str = "3") -> rx.Component:
    """The uploaded avatar, or initials in the person's colour (decorative: the name is near)."""
    return rx.avatar(
        src=person["avatar_url"],
        fallback=person["initials"],
        color_scheme=person["face"],  # pyright: ignore[reportArgumentType]
        size=size,  # pyright: ignore[reportArgumentType]
        radius="full",
        variant="soft",
        alt="",
        aria_hidden="true",
    )


def person_line(person: ObjectVar[dict[str, Any]], *trailing: Any) -> rx.Component:
    """A person in a list: avatar, name, @handle, and what follows (a reason, a button)."""
    return rx.el.li(
        rx.hstack(
            avatar(person, "2"),
            rx.vstack(
                rx.link(person["name"], href=person["href"], weight="medium", size="2"),
                rx.text("@", person["handle"], size="1", color=GRAY),
                *trailing,
                spacing="0",
                align="start",
            ),
            spacing="3",
            align="center",
        ),
    )


def entry_card(entry: ObjectVar[dict[str, Any]]) -> rx.Component:
    """One feed entry: who did what, when, with a link to it."""
    author = entry["author"].to(dict)
    return rx.el.li(
        rx.card(
            rx.hstack(
                avatar(author, "3"),
                rx.vstack(
                    rx.text(
                        rx.link(author["name"], href=author["href"], weight="bold"),
                        " ",
                        entry["verb"],
                        " ",
                        rx.link(entry["title"], href=entry["link"], weight="medium"),
                        size="2",
                    ),
                    rx.cond(
                        entry["detail"] != "",
                        rx.text(entry["detail"], size="2", color=GRAY),
                    ),
                    rx.el.time(entry["when"], date_time=entry["iso"], class_name="feed-time"),
                    spacing="1",
                    align="start",
                    min_width="0",
                ),
                spacing="3",
                align="start",
            ),
            width="100%",
        ),
    )


def entry_list(entries: Any, empty: str) -> rx.Component:
    """Entries one under another, or a line saying there are none."""
    return rx.cond(
        entries.length() > 0,  # pyright: ignore[reportAttributeAccessIssue]
        rx.el.ul(
            rx.foreach(entries, entry_card),
            class_name="item-list",
            style={"display": "flex", "flexDirection": "column", "gap": "0.75em", "width": "100%"},
        ),
        rx.text(empty, color=GRAY),
    )
