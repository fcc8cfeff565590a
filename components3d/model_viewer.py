"""A solution's own 3D model (``assets/components3d/ModelViewer.jsx``, Google's model-viewer).

Unlike the react-three-fiber scenes it brings its own three.js (model-viewer's bundled build),
so it depends on no scene library; the page pays for it only where a model is shown.
"""

from __future__ import annotations

import reflex as rx

from components3d.base import asset_url, scene_module

MODEL_VIEWER = "@google/model-viewer@4.4.0"


class ModelViewer(rx.NoSSRComponent):
    """Orbit, zoom and AR for a glTF model; the poster first and as every fallback."""

    library = scene_module("ModelViewer.jsx")
    tag = "ModelViewer"
    is_default = False
    lib_dependencies: list[str] = [MODEL_VIEWER]

    # DRACO full detail, and the lighter level of detail used on phone-sized screens.
    src: rx.Var[str]
    src_light: rx.Var[str]
    poster: rx.Var[str]
    # The text alternative (the publisher's description), the viewer's accessible name.
    alt: rx.Var[str]
    # Where the DRACO decoder is served (ends with "/"): never a CDN.
    decoder_base: rx.Var[str]
    # Names the viewer in window.__aixplore3d (tests and diagnostics).
    viewer_id: rx.Var[str]
    height: rx.Var[str]


def model_viewer(
    *,
    src: rx.Var[str],
    src_light: rx.Var[str],
    poster: rx.Var[str],
    description: rx.Var[str],
    name: rx.Var[str],
    height: str = "420px",
) -> rx.Component:
    """The model in a figure: the poster painted at once, the viewer over it, the description."""
    return rx.el.figure(
        rx.box(
            rx.image(
                src=poster,
                alt="",
                aria_hidden="true",
                position="absolute",
                inset="0",
                width="100%",
                height=height,
                object_fit="contain",
                pointer_events="none",
            ),
            ModelViewer.create(
                src=src,
                src_light=src_light,
                poster=poster,
                alt=description,
                decoder_base=asset_url("draco/"),
                viewer_id="solution-model",
                height=height,
            ),
            position="relative",
            width="100%",
            min_height=height,
            class_name="model-viewer-box",
        ),
        rx.el.figcaption(
            rx.text.strong("3D model of ", name, ": "),
            description,
            font_size="14px",
            margin_top="0.5em",
        ),
        margin="0",
        width="100%",
    )
