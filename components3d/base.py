"""The base of every 3D scene wrapper: pinned libraries, shared props, the poster frame."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.config import get_config

# Known to install together with Reflex 0.10.1's React 19 (see the README's 3D section).
LIB_DEPENDENCIES = [
    "three@0.187.0",
    "@react-three/fiber@9.8.2",
    "@react-three/drei@10.7.9",
    "@react-three/postprocessing@3.2.2",
    "postprocessing@6.39.6",
    "@react-three/xr@6.6.31",
]
ASSET_DIR = "components3d"


def scene_module(file_name: str) -> str:
    """The importable path of a JSX scene under ``assets/components3d/``."""
    return rx.asset(f"{ASSET_DIR}/{file_name}").importable_path


def asset_url(path: str) -> str:
    """The public URL of a file under ``assets/components3d/`` (unversioned: the JS adds paths)."""
    return get_config().prepend_frontend_path(f"/{ASSET_DIR}/{path}")


class Scene3D(rx.NoSSRComponent):
    """A react-three-fiber scene rendered in the browser only, in its own lazy chunk.

    Subclasses set ``library`` (the JSX file) and ``tag`` (its named export) and declare
    their own props. Every scene shows ``poster`` at once, falls back from 3D to a CSS
    holographic version and then to the poster, and offers a persisted quality switch.
    """

    lib_dependencies: list[str] = LIB_DEPENDENCIES
    is_default = False

    # The text equivalent: what a screen reader announces for the scene.
    label: rx.Var[str]
    # The static image painted before 3D is ready (and shown as the last fallback).
    poster: rx.Var[str]
    # Names the scene in window.__aixplore3d (tests and diagnostics); unique per page.
    scene_id: rx.Var[str]
    # Where the scene finds its models and the DRACO decoder (ends with "/").
    asset_base: rx.Var[str]


def scene_frame(
    scene: rx.Component, *, poster: str, height: str, label: str | rx.Var[str]
) -> rx.Component:
    """Wrap ``scene`` so its poster is in the server-rendered page, painted before any JS.

    The scene (client-only) draws over the poster once its chunk has loaded.
    """
    return rx.box(
        rx.image(
            src=poster,
            alt="",
            aria_hidden="true",
            position="absolute",
            top="0",
            left="0",
            width="100%",
            height=height,
            object_fit="contain",
            pointer_events="none",
            class_name="scene3d-frame__poster",
        ),
        rx.box(scene, position="relative", width="100%"),
        rx.el.p(label, class_name="rx-visually-hidden", style=_VISUALLY_HIDDEN),
        class_name="scene3d-frame",
        position="relative",
        width="100%",
        min_height=height,
        style={"--scene3d-height": height},
    )


_VISUALLY_HIDDEN = {
    "position": "absolute",
    "width": "1px",
    "height": "1px",
    "overflow": "hidden",
    "clip": "rect(0 0 0 0)",
    "white_space": "nowrap",
}


def framed_scene(
    scene: type[Scene3D],
    poster_file: str,
    *,
    label: str | rx.Var[str],
    scene_id: str,
    height: str,
    events: dict[str, Any],
    **props: Any,
) -> rx.Component:
    """``scene`` made with ``props`` and its asset paths, in its poster frame
    (``posters/<poster_file>``); the handlers in ``events`` left None are not bound."""
    poster = asset_url(f"posters/{poster_file}")
    bound = {name: handler for name, handler in events.items() if handler is not None}
    created = scene.create(
        **props,
        label=label,
        poster=poster,
        scene_id=scene_id,
        asset_base=asset_url(""),
        **bound,
    )
    return scene_frame(created, poster=poster, height=height, label=label)
