"""The solution model viewer's wrapper: its file, its pinned package, the poster in the markup."""

from __future__ import annotations

from pathlib import Path

import reflex as rx

from components3d.model_viewer import MODEL_VIEWER, ModelViewer, model_viewer

ASSETS = Path(__file__).resolve().parents[3] / "assets" / "components3d"


def test_the_viewer_is_a_lazy_chunk_with_model_viewer_pinned_and_no_scene_libraries() -> None:
    assert ModelViewer.library == "$/public/components3d/ModelViewer.jsx"
    assert "export function ModelViewer(" in (ASSETS / "ModelViewer.jsx").read_text()
    viewer = ModelViewer.create(src="/m.glb", poster="/p.webp", alt="A thing")
    assert any(
        "import('$/public/components3d/ModelViewer.jsx')" in d
        for d in viewer._get_all_dynamic_imports()
    )
    assert MODEL_VIEWER == "@google/model-viewer@4.4.0"
    imports = viewer._get_all_imports()
    assert MODEL_VIEWER in imports
    assert not any(name.startswith(("three@", "@react-three/")) for name in imports)


def test_the_frame_paints_the_poster_and_shows_the_description_as_text() -> None:
    frame = model_viewer(
        src=rx.Var.create("/media/models/a.glb"),
        src_light=rx.Var.create("/media/models/b.glb"),
        poster=rx.Var.create("/media/models/posters/p.webp"),
        description=rx.Var.create("A wavy blue panel"),
        name=rx.Var.create("Wave Panel"),
    )
    text = str(frame.render())
    assert "/media/models/posters/p.webp" in text
    assert "figcaption" in text and "A wavy blue panel" in text
    assert "/components3d/draco/" in text  # the decoder is self-hosted
