"""Badges for states: one of several (a key's state, a role), or on and off."""

from __future__ import annotations

from typing import Any

import reflex as rx

# A state's text and Radix colour.
Look = tuple[str, str]


def state_badge(value: Any, cases: dict[str, Look], otherwise: Look) -> rx.Component:
    """The badge for ``value`` (a var): ``cases`` maps each value to its text and colour."""
    return rx.match(  # pyright: ignore[reportReturnType]
        value,
        *[(key, rx.badge(text, color_scheme=color)) for key, (text, color) in cases.items()],  # pyright: ignore[reportArgumentType]
        rx.badge(otherwise[0], color_scheme=otherwise[1]),  # pyright: ignore[reportArgumentType]
    )


def flag_badge(is_on: Any, on: Look, off: Look | None = None) -> rx.Component:
    """A badge while ``is_on`` holds (and another one, ``off``, while it does not)."""
    shown = rx.badge(on[0], color_scheme=on[1])  # pyright: ignore[reportArgumentType]
    if off is None:
        return rx.cond(is_on, shown)
    return rx.cond(is_on, shown, rx.badge(off[0], color_scheme=off[1]))  # pyright: ignore[reportArgumentType]


def badges(*children: Any) -> rx.Component:
    """Badges in a wrapping row."""
    return rx.flex(*children, spacing="1", wrap="wrap", align="center")


ROLE_LOOKS: dict[str, Look] = {"owner": ("Owner", "violet"), "admin": ("Admin", "blue")}


def role_badge(role: Any) -> rx.Component:
    """An organization role."""
    return state_badge(role, ROLE_LOOKS, ("Member", "gray"))
