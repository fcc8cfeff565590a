"""Buttons that do one thing: a row or card's actions, on/off pairs, links shaped as buttons."""

from __future__ import annotations

from typing import Any, Literal

import reflex as rx

Tone = Literal["neutral", "danger", "positive"]
Size = Literal["1", "2", "3"]
Variant = Literal["soft", "solid", "outline", "ghost", "surface"]

# Red for what removes or stops something, green for what brings it back.
_SCHEMES: dict[str, str] = {"danger": "red", "positive": "green"}


def action(
    label: Any,
    on_click: Any = None,
    *,
    tone: Tone = "neutral",
    size: Size = "1",
    variant: Variant = "soft",
    **props: Any,
) -> rx.Component:
    """A small soft button for one action on a row, card or list item.

    Args:
        label: The button's text (a string, a var, or components such as an icon and text).
        on_click: The event it fires.
        tone: "danger" (red) for what removes or stops, "positive" (green) for what restores.
        size: Radix size; rows use "1", cards "2".
        variant: Radix variant; soft unless the action is the page's main one.
        **props: Anything else rx.button takes (aria_label, disabled, type...).
    """
    if tone in _SCHEMES:
        props.setdefault("color_scheme", _SCHEMES[tone])
    if on_click is not None:
        props["on_click"] = on_click
    return rx.button(label, size=size, variant=variant, **props)


def actions(*children: Any, **props: Any) -> rx.Component:
    """Actions side by side, wrapping onto more lines on a narrow screen."""
    props.setdefault("spacing", "2")
    return rx.flex(*children, wrap="wrap", align="center", **props)


def toggle(is_on: Any, when_on: rx.Component, when_off: rx.Component) -> rx.Component:
    """The one of an on/off pair that fits now: ``when_on`` (say "Turn off") while ``is_on``."""
    return rx.cond(is_on, when_on, when_off)


def link_button(label: Any, href: Any, **props: Any) -> rx.Component:
    """A link that looks like a button (one focusable element, not a button inside a link)."""
    return rx.button(
        rx.link(label, href=href, underline="none", color="inherit"), as_child=True, **props
    )


def download_button(label: str, on_click: Any, *, size: Size = "2") -> rx.Component:
    """A soft button with a download icon (exports)."""
    return rx.button(
        rx.icon("download", size=14 if size == "1" else 16),
        label,
        size=size,
        variant="soft",
        on_click=on_click,
    )


def pager(page: Any, pages: Any, prev_href: Any, next_href: Any) -> rx.Component:
    """Previous and next links around "Page n of m", only when there is more than one page."""
    return rx.cond(
        pages > 1,
        rx.el.nav(
            rx.hstack(
                rx.cond(
                    prev_href != "",
                    link_button("Previous", prev_href, variant="soft"),
                    rx.button("Previous", variant="soft", disabled=True),
                ),
                rx.text("Page ", page, " of ", pages, size="2"),
                rx.cond(
                    next_href != "",
                    link_button("Next", next_href, variant="soft"),
                    rx.button("Next", variant="soft", disabled=True),
                ),
                justify="center",
                align="center",
                width="100%",
            ),
            aria_label="Pages",
            width="100%",
            padding_top="1em",
        ),
    )
