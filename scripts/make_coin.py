"""Build the ECE coin model offline: glTF binaries at three levels of detail, DRACO-compressed.

    .venv/bin/python scripts/make_coin.py [--gltf-transform PATH]

Writes ``assets/components3d/models/ece-coin-{high,mid,low}.glb``. The mesh is a lathe: a
profile (face, raised rim, reeded edge) revolved around the coin's axis (+Z faces the viewer).
Each profile segment gets its own vertices so the rim's corners stay sharp. The raw files are
then compressed with glTF-Transform's DRACO encoder:

    npm install --prefix /tmp/gltf @gltf-transform/cli@4.5.1 draco3dgltf@1.5.7
    .venv/bin/python scripts/make_coin.py --gltf-transform /tmp/gltf/node_modules/.bin/gltf-transform

Without it the uncompressed files are kept and the script says so. The DRACO decoder under
``assets/components3d/draco/`` is copied from ``three@0.187.0``'s
``examples/jsm/libs/draco/gltf/`` (served from the site itself: no CDN).
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "assets" / "components3d" / "models"

# (radius, z) from the centre of the front face round the edge to the back face's centre.
PROFILE = [
    (0.0, 0.070),
    (0.78, 0.070),
    (0.80, 0.085),
    (0.84, 0.100),
    (0.96, 0.100),
    (1.00, 0.080),
    (1.00, -0.080),
    (0.96, -0.100),
    (0.84, -0.100),
    (0.80, -0.085),
    (0.78, -0.070),
    (0.0, -0.070),
]
EDGE_SEGMENT = 5  # the profile segment that is the coin's edge (reeded in high detail)

LEVELS = {"high": (192, 120), "mid": (64, 0), "low": (20, 0)}  # (around, reeds)


def lathe(around: int, reeds: int) -> tuple[list[float], list[float], list[float], list[int]]:
    """Positions, normals, uvs and triangle indices of the revolved profile."""
    pos: list[float] = []
    nor: list[float] = []
    uvs: list[float] = []
    idx: list[int] = []
    for seg, ((r0, z0), (r1, z1)) in enumerate(itertools.pairwise(PROFILE)):
        dr, dz = r1 - r0, z1 - z0
        length = math.hypot(dr, dz) or 1.0
        # Outward normal of the segment in the (r, z) plane (the profile runs clockwise).
        nr, nz = -dz / length, dr / length
        base = len(pos) // 3
        for i in range(around + 1):
            theta = 2 * math.pi * i / around
            c, s = math.cos(theta), math.sin(theta)
            wobble = 0.0
            if seg == EDGE_SEGMENT and reeds:
                wobble = 0.008 * math.cos(reeds * theta)
            for r, z in ((r0, z0), (r1, z1)):
                rr = r + wobble if r > 0 else 0.0
                pos += [rr * c, rr * s, z]
                nor += [nr * c, nr * s, nz]
                uvs += [0.5 + 0.5 * rr * c, 0.5 - 0.5 * rr * s]
        for i in range(around):
            a, b = base + 2 * i, base + 2 * i + 1
            c2, d = base + 2 * (i + 1), base + 2 * (i + 1) + 1
            idx += [a, b, c2, b, d, c2]  # counter-clockwise seen from outside
    return pos, nor, uvs, idx


def _pad(data: bytes, fill: bytes = b"\x00") -> bytes:
    return data + fill * (-len(data) % 4)


def write_glb(path: Path, around: int, reeds: int) -> None:
    """Write one level as a binary glTF with a gold PBR material."""
    pos, nor, uvs, idx = lathe(around, reeds)
    blobs = [
        struct.pack(f"<{len(pos)}f", *pos),
        struct.pack(f"<{len(nor)}f", *nor),
        struct.pack(f"<{len(uvs)}f", *uvs),
        struct.pack(f"<{len(idx)}I", *idx),
    ]
    views, offset = [], 0
    for blob, target in zip(blobs, (34962, 34962, 34962, 34963), strict=True):
        views.append({"buffer": 0, "byteOffset": offset, "byteLength": len(blob), "target": target})
        offset += len(_pad(blob))
    xs, ys, zs = pos[0::3], pos[1::3], pos[2::3]
    count = len(pos) // 3
    doc = {
        "asset": {"version": "2.0", "generator": "aixplore scripts/make_coin.py"},
        "scene": 0,
        "scenes": [{"nodes": [0]}],
        "nodes": [{"mesh": 0, "name": "ECE coin"}],
        "meshes": [
            {
                "name": "coin",
                "primitives": [
                    {
                        "attributes": {"POSITION": 0, "NORMAL": 1, "TEXCOORD_0": 2},
                        "indices": 3,
                        "material": 0,
                    }
                ],
            }
        ],
        "materials": [
            {
                "name": "gold",
                "pbrMetallicRoughness": {
                    "baseColorFactor": [1.0, 0.78, 0.34, 1.0],
                    "metallicFactor": 1.0,
                    "roughnessFactor": 0.28,
                },
            }
        ],
        "accessors": [
            {
                "bufferView": 0,
                "componentType": 5126,
                "count": count,
                "type": "VEC3",
                "min": [min(xs), min(ys), min(zs)],
                "max": [max(xs), max(ys), max(zs)],
            },
            {"bufferView": 1, "componentType": 5126, "count": count, "type": "VEC3"},
            {"bufferView": 2, "componentType": 5126, "count": count, "type": "VEC2"},
            {"bufferView": 3, "componentType": 5125, "count": len(idx), "type": "SCALAR"},
        ],
        "bufferViews": views,
        "buffers": [{"byteLength": offset}],
    }
    body = b"".join(_pad(b) for b in blobs)
    text = _pad(json.dumps(doc, separators=(",", ":")).encode(), b" ")
    chunks = (
        struct.pack("<I4s", len(text), b"JSON")
        + text
        + struct.pack("<I4s", len(body), b"BIN\x00")
        + body
    )
    path.write_bytes(struct.pack("<4sII", b"glTF", 2, 12 + len(chunks)) + chunks)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gltf-transform", default=shutil.which("gltf-transform"))
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for level, (around, reeds) in LEVELS.items():
            raw = Path(tmp) / f"{level}.glb"
            write_glb(raw, around, reeds)
            target = OUT / f"ece-coin-{level}.glb"
            if args.gltf_transform:
                subprocess.run(  # noqa: S603 - our own tool path and temp files
                    [args.gltf_transform, "draco", str(raw), str(target)],
                    check=True,
                    capture_output=True,
                )
            else:
                shutil.copy(raw, target)
                print("gltf-transform not found: wrote the uncompressed model", file=sys.stderr)
            print(f"{target.name}: {raw.stat().st_size:,} B raw -> {target.stat().st_size:,} B")
    return 0


if __name__ == "__main__":
    sys.exit(main())
