"""The ECE token scene (``assets/components3d/TokenScene.jsx``)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from components3d.base import (
    LIB_DEPENDENCIES,
    Scene3D,
    framed_scene,
    scene_module,
)

# Physics for tossing the token: installed with the token scene, loaded only on the first toss.
PHYSICS_DEPENDENCY = "@react-three/rapier@2.2.0"


class TokenScene(Scene3D):
    """A 3D coin showing a token balance and tier; click, Enter or Space flips it."""

    library = scene_module("TokenScene.jsx")
    tag = "TokenScene"
    lib_dependencies: list[str] = [*LIB_DEPENDENCIES, PHYSICS_DEPENDENCY]

    # Whole tokens, >= 0; anything else shows the poster with a notice.
    balance: rx.Var[int]
    # bronze, silver, gold or platinum.
    tier: rx.Var[str]
    # Which face is up; the scene animates to it.
    flipped: rx.Var[bool]

    # Fired on click / Enter with {"flipped": <the face asked for>}.
    on_flip: rx.EventHandler[rx.event.passthrough_event_spec(dict)]


def token_scene(
    *,
    balance: rx.Var[int] | int,
    tier: rx.Var[str] | str,
    flipped: rx.Var[bool] | bool,
    label: rx.Var[str] | str,
    on_flip: Any = None,
    scene_id: str = "token",
    height: str = "360px",
) -> rx.Component:
    """The token scene in its poster frame, with the asset paths filled in."""
    return framed_scene(
        TokenScene,
        "token.png",
        label=label,
        scene_id=scene_id,
        height=height,
        events={"on_flip": on_flip},
        balance=balance,
        tier=tier,
        flipped=flipped,
    )
