"""A card that tilts toward the pointer or the phone (``assets/components3d/HoloTilt.jsx``).

No WebGL: the component writes CSS custom properties that ``assets/showroom.css`` turns into a
transform, a glare and a rarity's foil shine. Reduced motion turns the tilt off.
"""

from __future__ import annotations

import reflex as rx

from components3d.base import scene_module


class HoloTilt(rx.Component):
    """Its children tilt with the pointer, or with the phone once motion is allowed."""

    library = scene_module("HoloTilt.jsx")
    tag = "HoloTilt"
    is_default = False

    # The iOS button that asks for motion access (iOS asks only after a tap).
    motion_label: rx.Var[str]


def holo_tilt(*children: rx.Component, motion_label: str = "Tilt with your phone") -> rx.Component:
    """Wrap ``children`` (one card face) so it tilts and catches the light."""
    return HoloTilt.create(*children, motion_label=motion_label)
