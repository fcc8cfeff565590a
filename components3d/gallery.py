"""The instanced card gallery (``assets/components3d/CardGallery.jsx``)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from components3d.base import Scene3D, asset_url, scene_frame, scene_module


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
    poster = asset_url("posters/gallery.png")
    scene = CardGallery.create(
        cards=cards,
        selected_id=selected_id,
        label=label,
        poster=poster,
        scene_id=scene_id,
        asset_base=asset_url(""),
        **({"on_select": on_select} if on_select is not None else {}),
    )
    return scene_frame(scene, poster=poster, height=height, label=label)
