"""A tiny glTF 2.0 binary (GLB) writer for tests: a grid of triangles, optional textures."""

from __future__ import annotations

import io
import json
import struct
from typing import Any

from PIL import Image


def png(size: tuple[int, int] = (8, 8), colour: tuple[int, int, int] = (200, 120, 40)) -> bytes:
    """A small real PNG."""
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


def _mime(image: bytes) -> str:
    return "image/jpeg" if image[:2] == b"\xff\xd8" else "image/png"


def _pad(data: bytes, fill: bytes = b"\0") -> bytes:
    return data + fill * (-len(data) % 4)


def grid(cells: int = 2) -> tuple[bytes, bytes, int, int, tuple[list[float], list[float]]]:
    """Positions and 32-bit indices of a ``cells`` x ``cells`` grid (two triangles a cell)."""
    points = [
        (x / cells, y / cells, (x * y % 3) * 0.05)
        for y in range(cells + 1)
        for x in range(cells + 1)
    ]
    indices: list[int] = []
    for y in range(cells):
        for x in range(cells):
            a = y * (cells + 1) + x
            indices += [a, a + 1, a + cells + 2, a, a + cells + 2, a + cells + 1]
    position_bytes = b"".join(struct.pack("<3f", *p) for p in points)
    index_bytes = struct.pack(f"<{len(indices)}I", *indices)
    low = [min(p[i] for p in points) for i in range(3)]
    high = [max(p[i] for p in points) for i in range(3)]
    return position_bytes, index_bytes, len(points), len(indices), (low, high)


def make_glb(
    *,
    cells: int = 2,
    images: list[bytes] | None = None,
    json_patch: dict[str, Any] | None = None,
    claimed_index_count: int | None = None,
) -> bytes:
    """A valid GLB of a coloured grid; ``images`` become textures, ``json_patch`` overrides."""
    positions, indices, n_points, n_indices, (low, high) = grid(cells)
    binary = _pad(positions) + _pad(indices)
    views: list[dict[str, Any]] = [
        {"buffer": 0, "byteOffset": 0, "byteLength": len(positions), "target": 34962},
        {
            "buffer": 0,
            "byteOffset": len(_pad(positions)),
            "byteLength": len(indices),
            "target": 34963,
        },
    ]
    document: dict[str, Any] = {
        "asset": {"version": "2.0", "generator": "aixplore tests"},
        "scene": 0,
        "scenes": [{"nodes": [0]}],
        "nodes": [{"mesh": 0}],
        "meshes": [{"primitives": [{"attributes": {"POSITION": 0}, "indices": 1, "material": 0}]}],
        "materials": [{"pbrMetallicRoughness": {"baseColorFactor": [0.2, 0.5, 0.9, 1.0]}}],
        "accessors": [
            {
                "bufferView": 0,
                "componentType": 5126,
                "count": n_points,
                "type": "VEC3",
                "min": low,
                "max": high,
            },
            {
                "bufferView": 1,
                "componentType": 5125,
                "count": claimed_index_count or n_indices,
                "type": "SCALAR",
            },
        ],
        "bufferViews": views,
        "buffers": [{"byteLength": 0}],
    }
    for image in images or []:
        views.append({"buffer": 0, "byteOffset": len(binary), "byteLength": len(image)})
        binary += _pad(image)
        document.setdefault("images", []).append(
            {"bufferView": len(views) - 1, "mimeType": _mime(image)}
        )
    if images:
        document["textures"] = [{"source": i} for i in range(len(images))]
        document["materials"][0]["pbrMetallicRoughness"]["baseColorTexture"] = {"index": 0}
        document["meshes"][0]["primitives"][0]["attributes"]["TEXCOORD_0"] = 0
        # Reuse positions as UVs would be the wrong type; give the grid real UVs instead.
        uvs = b"".join(struct.pack("<2f", i % 2, i // 2 % 2) for i in range(n_points))
        views.append(
            {"buffer": 0, "byteOffset": len(binary), "byteLength": len(uvs), "target": 34962}
        )
        binary += _pad(uvs)
        document["accessors"].append(
            {"bufferView": len(views) - 1, "componentType": 5126, "count": n_points, "type": "VEC2"}
        )
        document["meshes"][0]["primitives"][0]["attributes"]["TEXCOORD_0"] = (
            len(document["accessors"]) - 1
        )
    document["buffers"][0]["byteLength"] = len(binary)
    document.update(json_patch or {})
    return pack_glb(document, binary)


def pack_glb(document: dict[str, Any], binary: bytes) -> bytes:
    """Assemble a GLB from its JSON and binary chunk."""
    json_chunk = _pad(json.dumps(document).encode(), b" ")
    chunks = struct.pack("<II", len(json_chunk), 0x4E4F534A) + json_chunk
    if binary:
        binary = _pad(binary)
        chunks += struct.pack("<II", len(binary), 0x004E4942) + binary
    return struct.pack("<4sII", b"glTF", 2, 12 + len(chunks)) + chunks
