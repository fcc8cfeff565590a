"""The blocks a page is made of: its header, titled sections, lists of items."""

from __future__ import annotations

from typing import Any, Literal

import reflex as rx

GRAY = rx.color("gray", 11)
HeadingSize = Literal["5", "6", "7", "8"]


def page_header(
    title: Any, *actions: Any, subtitle: Any = None, size: HeadingSize = "7"
) -> rx.Component:
    """The page's h1, an optional line under it, and its actions on the right (below on phones).

    ``subtitle`` is text (drawn gray) or a component of its own.
    """
    heading: rx.Component = rx.heading(title, size=size, as_="h1")
    if subtitle is not None:
        line = subtitle if isinstance(subtitle, rx.Component) else rx.text(subtitle, color=GRAY)
        if not actions:
            return rx.vstack(heading, line, spacing="1", min_width="0")
        # Beside actions, a basis of its own: on a phone they wrap below the text instead of
        # squeezing it into a column a few words wide (the events page did). Only in this row:
        # in a page's column the same basis would be an 18rem tall gap.
        heading = rx.vstack(heading, line, spacing="1", min_width="0", flex="1 1 18rem")
    if not actions:
        return heading
    return rx.flex(
        heading,
        rx.spacer(),
        *actions,
        spacing="2",
        wrap="wrap",
        width="100%",
        align="center",
    )


def section(
    title: Any,
    *children: Any,
    actions: rx.Component | None = None,
    size: Literal["1", "2", "3"] = "3",
) -> rx.Component:
    """A card with an h2 title (and ``actions`` beside it) and what belongs under it."""
    heading: rx.Component = rx.heading(title, size="4", as_="h2")
    if actions is not None:
        heading = rx.flex(heading, actions, spacing="3", align="center", wrap="wrap")
    return rx.card(
        rx.vstack(heading, *children, spacing="3", width="100%"), size=size, width="100%"
    )


def tile(*children: Any, card: dict[str, Any] | None = None, **stack: Any) -> rx.Component:
    """A card of things one under another (a rule, a pack, an order, a stat).

    ``stack`` goes to the inner rx.vstack (spacing, align...), ``card`` to rx.card (size,
    height...); both fill the width they are given.
    """
    stack.setdefault("width", "100%")
    return rx.card(rx.vstack(*children, **stack), **{"width": "100%", **(card or {})})


def note(*children: Any, **props: Any) -> rx.Component:
    """A short gray line of explanation (``props``: an id for aria-describedby...)."""
    return rx.text(*children, size="2", color=GRAY, **props)


def item_list(items: Any, render: Any) -> rx.Component:
    """A plain list (``ul``) of ``items`` (a list var), each drawn by ``render`` as a list_item."""
    return rx.el.ul(rx.foreach(items, render), class_name="item-list")


def list_item(main: rx.Component, *side: Any) -> rx.Component:
    """One entry of an item_list: what it is on the left, its actions on the right.

    On phones the actions go under the text.
    """
    return rx.el.li(
        rx.flex(
            rx.box(main, flex="1", min_width="0"),
            *side,
            spacing="3",
            align=rx.breakpoints(initial="start", sm="center"),
            direction=rx.breakpoints(initial="column", sm="row"),
            width="100%",
        ),
        class_name="item",
    )


def item_text(title: Any, *lines: Any) -> rx.Component:
    """A list item's text: a title line, then lines under it.

    A line given as a var, a string or a tuple of them is drawn small and gray; a component
    is kept as it is.
    """
    return rx.vstack(
        title,
        *[
            line
            if isinstance(line, rx.Component)
            else rx.text(*_parts(line), size="1", color=GRAY, overflow_wrap="anywhere")
            for line in lines
        ],
        spacing="1",
        align="start",
        width="100%",
    )


def _parts(line: Any) -> tuple[Any, ...]:
    return tuple(line) if isinstance(line, tuple | list) else (line,)


def two_columns(*children: Any, md: bool = False) -> rx.Component:
    """Children in two columns from small screens up (from medium ones with ``md``)."""
    columns = rx.breakpoints(initial="1", md="2") if md else rx.breakpoints(initial="1", sm="2")
    return rx.grid(*children, columns=columns, spacing="4", width="100%")


def card_form(title: str, subtitle: str, *children: Any) -> rx.Component:
    """A narrow card centred on the page holding one form (sign-in, sign-up, reset)."""
    return rx.center(
        rx.card(
            rx.vstack(
                rx.heading(title, size="6", as_="h1"),
                rx.text(subtitle, color_scheme="gray", size="2"),
                *children,
                spacing="4",
                width="100%",
            ),
            size="3",
            width="100%",
            max_width="440px",
        ),
        width="100%",
        padding_y="2em",
    )


def owned_title(title: str, org_id: Any, org_name: Any) -> rx.Component:
    """The h1 of a page shown for the viewer, or for an organization (``org_id`` > 0)."""
    return rx.heading(rx.cond(org_id > 0, org_name + " · " + title, title), size="7", as_="h1")
