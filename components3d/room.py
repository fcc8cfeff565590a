"""The gallery room (``assets/components3d/GalleryRoom.jsx``): cards hung on walls in 3D."""

from __future__ import annotations

from typing import Any

import reflex as rx

from components3d.base import Scene3D, framed_scene, scene_module


class GalleryRoom(Scene3D):
    """A room of instanced, framed cards to walk or orbit in; a click brings a card close."""

    library = scene_module("GalleryRoom.jsx")
    tag = "GalleryRoom"

    # [{"id": int, "name": str, "subtitle": str, "rating": float, "reviews": int,
    #   "foil": "regular" | "reverse" | "rainbow" | "secret", ...}, ...] on the side walls.
    cards: rx.Var[list[dict]]
    # The platform's picks, on the wall the room opens facing.
    featured: rx.Var[list[dict]]
    # The card brought close (0: none).
    open_id: rx.Var[int]

    # Fired with {"id": <card id>} (0 when the card is put back).
    on_open: rx.EventHandler[rx.event.passthrough_event_spec(dict)]


def gallery_room(
    *,
    cards: rx.Var[list[dict]] | list[dict],
    featured: rx.Var[list[dict]] | list[dict],
    open_id: rx.Var[int] | int,
    label: rx.Var[str] | str,
    on_open: Any = None,
    scene_id: str = "room",
    height: str = "min(72vh, 640px)",
) -> rx.Component:
    """The gallery room in its poster frame."""
    return framed_scene(
        GalleryRoom,
        "gallery.png",
        label=label,
        scene_id=scene_id,
        height=height,
        events={"on_open": on_open},
        cards=cards,
        featured=featured,
        open_id=open_id,
    )
