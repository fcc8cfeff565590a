"""Reflex wrappers of the JSX 3D scenes under ``assets/components3d/``.

Each wrapper is a small ``rx.NoSSRComponent`` subclass of :class:`Scene3D` naming its JSX file
and export, with typed, data-only props and events whose payloads are plain JSON. To add a
scene, copy ``token.py``, point ``library`` at the new JSX file and list its props.
"""

from components3d.base import Scene3D, scene_frame
from components3d.card import TradingCard, trading_card
from components3d.gallery import CardGallery, card_gallery
from components3d.holo import HoloTilt, holo_tilt
from components3d.room import GalleryRoom, gallery_room
from components3d.token import TokenScene, token_scene

__all__ = [
    "CardGallery",
    "GalleryRoom",
    "HoloTilt",
    "Scene3D",
    "TokenScene",
    "TradingCard",
    "card_gallery",
    "gallery_room",
    "holo_tilt",
    "scene_frame",
    "token_scene",
    "trading_card",
]
