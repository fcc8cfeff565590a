"""A solution's trading card (``assets/components3d/TradingCard.jsx``)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from components3d.base import Scene3D, framed_scene, scene_module


class TradingCard(Scene3D):
    """A 3D card with a foil by rarity; tilt and glare follow the pointer or the phone."""

    library = scene_module("TradingCard.jsx")
    tag = "TradingCard"

    name: rx.Var[str]
    subtitle: rx.Var[str]
    # regular, reverse, rainbow or secret (aixplore.domain.cards.rarity decides).
    foil: rx.Var[str]
    # 0..5.
    rating: rx.Var[float]
    review_count: rx.Var[int]
    flipped: rx.Var[bool]

    # Fired on click / Enter with {"flipped": <the side asked for>}.
    on_flip: rx.EventHandler[rx.event.passthrough_event_spec(dict)]


def trading_card(
    *,
    name: rx.Var[str] | str,
    subtitle: rx.Var[str] | str,
    foil: rx.Var[str] | str,
    rating: rx.Var[float] | float,
    review_count: rx.Var[int] | int,
    label: rx.Var[str] | str,
    flipped: rx.Var[bool] | bool = False,
    on_flip: Any = None,
    scene_id: str = "card",
    height: str = "420px",
) -> rx.Component:
    """The trading card in its poster frame."""
    return framed_scene(
        TradingCard,
        "card-regular.png",
        label=label,
        scene_id=scene_id,
        height=height,
        events={"on_flip": on_flip},
        name=name,
        subtitle=subtitle,
        foil=foil,
        rating=rating,
        review_count=review_count,
        flipped=flipped,
    )
