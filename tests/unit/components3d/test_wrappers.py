"""The 3D scene wrappers: library paths, pinned packages, rendered props, events, assets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import reflex as rx

from components3d import (
    CardGallery,
    GalleryRoom,
    Scene3D,
    TokenScene,
    TradingCard,
    card_gallery,
    token_scene,
)
from components3d.base import LIB_DEPENDENCIES

ROOT = Path(__file__).resolve().parents[3]
ASSETS = ROOT / "assets" / "components3d"


class _S(rx.State):
    balance: int = 5
    flipped: bool = False

    @rx.event
    def flip(self, payload: dict):
        self.flipped = bool(payload.get("flipped"))


@pytest.mark.parametrize(
    ("wrapper", "file_name", "export"),
    [
        (TokenScene, "TokenScene.jsx", "TokenScene"),
        (TradingCard, "TradingCard.jsx", "TradingCard"),
        (CardGallery, "CardGallery.jsx", "CardGallery"),
        (GalleryRoom, "GalleryRoom.jsx", "GalleryRoom"),
    ],
)
def test_each_wrapper_names_an_existing_named_export_lazily(wrapper, file_name, export) -> None:
    assert issubclass(wrapper, Scene3D)
    assert wrapper.library == f"$/public/components3d/{file_name}"
    assert wrapper.tag == export
    source = (ASSETS / file_name).read_text()
    assert f"export function {export}(" in source
    dynamic = wrapper.create(label="x")._get_all_dynamic_imports()
    assert any(f"import('$/public/components3d/{file_name}')" in d for d in dynamic)
    assert any(f"mod.{export}" in d for d in dynamic)


def test_packages_are_pinned_to_versions_known_to_work() -> None:
    pins = dict(dep.rsplit("@", 1) for dep in LIB_DEPENDENCIES)
    assert pins["three"] == "0.187.0"
    assert pins["@react-three/fiber"] == "9.8.2"
    assert pins["@react-three/drei"] == "10.7.9"
    # Physics only where the token can be tossed: the token scene, not the other scenes.
    assert "@react-three/rapier@2.2.0" in TokenScene.lib_dependencies
    assert not any("rapier" in dep for dep in GalleryRoom.lib_dependencies)
    assert pins["@react-three/postprocessing"] == "3.2.2"
    assert pins["@react-three/xr"] == "6.6.31"
    imports = TokenScene.create(label="x")._get_all_imports()
    assert "three@0.187.0" in imports


def test_props_render_as_camel_case_data_and_events_reach_state() -> None:
    scene = TokenScene.create(
        balance=_S.balance, tier="gold", flipped=_S.flipped, label="ECE", on_flip=_S.flip
    )
    rendered = scene.render()
    props = " ".join(rendered["props"])
    assert rendered["name"] == "TokenScene"
    assert "balance:" in props and ".balance" in props
    assert 'tier:"gold"' in props
    assert "onFlip:" in props and "flip" in props
    card = TradingCard.create(name="A", foil="secret", rating=4.9, review_count=60, label="A")
    props = " ".join(card.render()["props"])
    assert "reviewCount:60" in props and 'foil:"secret"' in props


def test_frames_paint_the_poster_in_the_server_markup() -> None:
    frame = token_scene(balance=1, tier="bronze", flipped=False, label="ECE token")
    text = str(frame.render())
    assert "/components3d/posters/token.png" in text
    assert "scene3d-frame__poster" in text
    gallery = card_gallery(
        cards=[{"id": 1, "name": "A", "foil": "regular"}], selected_id=0, label="G"
    )
    assert "/components3d/posters/gallery.png" in str(gallery.render())


def test_models_decoder_and_posters_are_self_hosted() -> None:
    for level in ("high", "mid", "low"):
        data = (ASSETS / "models" / f"ece-coin-{level}.glb").read_bytes()
        assert data[:4] == b"glTF"
        length = int.from_bytes(data[12:16], "little")
        doc = json.loads(data[20 : 20 + length])
        assert "KHR_draco_mesh_compression" in doc["extensionsRequired"]
    sizes = [
        (ASSETS / "models" / f"ece-coin-{lvl}.glb").stat().st_size for lvl in ("low", "mid", "high")
    ]
    assert sizes == sorted(sizes)  # lower detail, smaller file
    for name in ("draco_decoder.wasm", "draco_wasm_wrapper.js"):
        assert (ASSETS / "draco" / name).stat().st_size > 10_000
    for poster in ("token", "gallery", "card-regular"):
        assert (ASSETS / "posters" / f"{poster}.png").read_bytes()[:4] == b"\x89PNG"


def test_no_scene_source_points_at_another_host() -> None:
    for path in ASSETS.glob("*.js*"):
        text = path.read_text()
        assert "http://" not in text and "https://" not in text, path.name
    xr = (ASSETS / "XRScope.jsx").read_text()
    assert "emulate: false" in xr
