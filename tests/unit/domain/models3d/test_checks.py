"""Model upload checks: real glTF 2.0 within limits passes; corrupt, hostile or lying files fail."""

from __future__ import annotations

import json
import struct
import zlib

import pytest

from aixplore.core.errors import ServiceUnavailable, ValidationFailed
from aixplore.core.settings import get_settings
from aixplore.domain.models3d import checks
from aixplore.domain.models3d.checks import check_model
from tests.support.glb import make_glb, pack_glb, png


def _png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` x ``height`` (a decompression bomb's shape)."""
    data = bytearray(png((1, 1)))
    struct.pack_into(">II", data, 16, width, height)
    struct.pack_into(">I", data, 29, zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def _json_of(glb: bytes) -> tuple[dict, bytes]:
    length = struct.unpack_from("<I", glb, 12)[0]
    rest = glb[20 + length :]
    return json.loads(glb[20 : 20 + length]), rest[8:] if rest else b""


def test_a_small_textured_glb_passes_with_its_facts() -> None:
    facts = check_model(make_glb(cells=3, images=[png()]), "robot.glb")
    assert (facts.kind, facts.triangles, facts.textures) == ("glb", 18, 1)
    assert facts.texture_pixels == 64


def test_a_self_contained_gltf_with_data_uris_passes() -> None:
    document, binary = _json_of(make_glb(cells=2))
    import base64

    document["buffers"][0]["uri"] = "data:application/octet-stream;base64," + base64.b64encode(
        binary
    ).decode("ascii")
    facts = check_model(json.dumps(document).encode(), "robot.gltf")
    assert (facts.kind, facts.triangles) == ("gltf", 8)


def _glb_with(**patch: object) -> bytes:
    return make_glb(json_patch=dict(patch))


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "a.glb", "Choose a .glb or .gltf file"),
        ("text", "a.glb", "Choose a .glb or .gltf file"),
        (make_glb(), "a.obj", "Upload a .glb or .gltf file"),
        (png(), "model.glb", "not a glTF model"),
        (b"<svg onload=alert(1)></svg>", "model.glb", "not a glTF model"),
        (make_glb(), "model.gltf", "named GLTF but holds a binary GLB"),
        (make_glb()[:-10], "model.glb", "cut short"),
        (
            b"glTF" + struct.pack("<II", 2, 28) + struct.pack("<II", 999, 0x4E4F534A) + b"{}" * 4,
            "model.glb",
            "JSON chunk",
        ),
        (pack_glb({"asset": {"version": "1.0"}}, b""), "model.glb", "Only glTF 2.0"),
        (
            b"glTF" + struct.pack("<II", 2, 32) + struct.pack("<II", 12, 0x4E4F534A) + b"\xff" * 12,
            "model.glb",
            "JSON is not readable",
        ),
        (
            _glb_with(buffers=[{"byteLength": 64, "uri": "https://evil.example/mesh.bin"}]),
            "model.glb",
            "refers to an outside file (https://evil.example/mesh.bin)",
        ),
        (_glb_with(images=[{"uri": "file:///etc/passwd"}]), "model.glb", "outside file"),
        (_glb_with(images=[{"uri": "../../secrets.png"}]), "model.glb", "outside file"),
        (make_glb(claimed_index_count=3_000_000), "model.glb", "1,000,000 triangles"),
        (_glb_with(nodes=[{"mesh": 0}] * 20_000), "model.glb", "more than 10,000 nodes"),
        (
            _glb_with(meshes=[{"primitives": [{"attributes": {"POSITION": 7}}]}]),
            "model.glb",
            "accessor that does not exist",
        ),
        (make_glb(images=[png((5000, 4))]), "model.glb", "Texture 1 is 5000 x 4 px"),
        (
            make_glb(images=[_png_claiming(60_000, 60_000)]),
            "model.glb",
            "Texture 1 is far too large",
        ),
        (make_glb(images=[b"definitely not an image"]), "model.glb", "not a readable PNG"),
        (make_glb(images=[png()] * 17), "model.glb", "at most 16 textures"),
        (make_glb(images=[_png_claiming(4096, 4096)] * 5), "model.glb", "too large in total"),
        (
            _glb_with(images=[{"bufferView": 99, "mimeType": "image/png"}]),
            "model.glb",
            "A texture is missing",
        ),
    ],
)
def test_hostile_or_broken_models_are_refused_clearly(
    data: object, name: str, message: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        check_model(data, name)
    assert message in refused.value.message
    assert refused.value.field == "model"


def test_a_model_over_the_size_limit_is_refused_before_parsing() -> None:
    with pytest.raises(ValidationFailed, match="20 MB or smaller"):
        check_model(b"glTF" + b"\0" * checks.MAX_BYTES, "big.glb")


def test_many_placements_of_one_mesh_count_as_many_triangles() -> None:
    # 1,250 triangles placed by 500 nodes draw 625,000: an instancing bomb.
    bomb = make_glb(
        cells=25, json_patch={"nodes": [{"mesh": 0}] * 500, "scenes": [{"nodes": list(range(500))}]}
    )
    with pytest.raises(ValidationFailed, match="625,000 triangles"):
        check_model(bomb, "bomb.glb")


def test_the_khronos_validator_catches_what_the_quick_checks_do_not() -> None:
    document, binary = _json_of(make_glb(cells=2))
    document["accessors"][0]["max"] = [9.0, 9.0, 9.0]  # bounds that lie about the positions
    with pytest.raises(
        ValidationFailed, match=r"glTF validator found .* first: ACCESSOR_MAX_MISMATCH"
    ):
        check_model(pack_glb(document, binary), "liar.glb")


def test_without_the_tools_the_upload_is_refused_as_unavailable(monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(get_settings(), "gltf_tools_dir", tmp_path)
    with pytest.raises(ServiceUnavailable, match="cannot be checked on this server"):
        check_model(make_glb(), "fine.glb")
