"""The instanced card gallery (``assets/components3d/CardGallery.jsx``)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from components3d.base import Scene3D, framed_scene, scene_module


class CardGallery(Scene3D):
    """Hundreds of cards drawn with one instanced mesh; picking one fires ``on_select``."""

    library = scene_module("CardGallery.jsx")
    tag = "CardGallery"

    # [{"id": int, "name": str, "foil": "regular" | "reverse" | "rainbow" | "secret"}, ...]
    cards: rx.Var[list[dict]]
    selected_id: rx.Var[int]

    # Fired with {"id": <card id>}.
    on_select: rx.EventHandler[rx.event.passthrough_event_spec(dict)]


def card_gallery(
    *,
    cards: rx.Var[list[dict]] | list[dict],
    selected_id: rx.Var[int] | int,
    label: rx.Var[str] | str,
    on_select: Any = None,
    scene_id: str = "gallery",
    height: str = "560px",
) -> rx.Component:
    """The gallery in its poster frame."""
    return framed_scene(
        CardGallery,
        "gallery.png",
        label=label,
        scene_id=scene_id,
        height=height,
        events={"on_select": on_select},
        cards=cards,
        selected_id=selected_id,
    )
