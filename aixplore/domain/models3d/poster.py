"""The poster of a solution's model: a flat-shaded still drawn in Python from the plain GLB.

The job renders it from the lightest level of detail (uncompressed copy), so no browser or
GPU is needed: triangles are projected orthographically from a three-quarter view, lit by one
light and painted far to near, at twice the size and then scaled down for smooth edges.
"""

from __future__ import annotations

import io
import math
from typing import Any

import numpy as np
from PIL import Image, ImageDraw

from aixplore.domain.models3d.checks import read_document

WIDTH, HEIGHT = 800, 600
SUPERSAMPLE = 2
MAX_DRAWN = 60_000
COMPONENTS = {"SCALAR": 1, "VEC2": 2, "VEC3": 3, "VEC4": 4}
DTYPES = {
    5120: np.int8,
    5121: np.uint8,
    5122: np.int16,
    5123: np.uint16,
    5125: np.uint32,
    5126: np.float32,
}
NORMALISE = {5120: 127.0, 5121: 255.0, 5122: 32767.0, 5123: 65535.0}
NEUTRAL = (0.62, 0.66, 0.74)


def _accessor(document: dict[str, Any], binary: bytes, index: int) -> np.ndarray:
    accessor = document["accessors"][index]
    view = document["bufferViews"][accessor["bufferView"]]
    dtype = np.dtype(DTYPES[accessor["componentType"]])
    width = COMPONENTS[accessor["type"]]
    count = accessor["count"]
    start = view.get("byteOffset", 0) + accessor.get("byteOffset", 0)
    stride = view.get("byteStride") or dtype.itemsize * width
    raw = np.frombuffer(
        binary, dtype=np.uint8, count=stride * (count - 1) + dtype.itemsize * width, offset=start
    )
    rows = np.lib.stride_tricks.as_strided(
        raw, shape=(count, dtype.itemsize * width), strides=(stride, 1)
    )
    values = np.ascontiguousarray(rows).view(dtype).reshape(count, width).astype(np.float64)
    if accessor.get("normalized") and accessor["componentType"] in NORMALISE:
        values = values / NORMALISE[accessor["componentType"]]
    return values


def _local_matrix(node: dict[str, Any]) -> np.ndarray:
    if "matrix" in node:
        return np.array(node["matrix"], dtype=np.float64).reshape(4, 4).T
    x, y, z, w = node.get("rotation", [0, 0, 0, 1])
    rotation = np.array(
        [
            [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
            [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
            [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
        ]
    )
    matrix = np.eye(4)
    matrix[:3, :3] = rotation * np.array(node.get("scale", [1, 1, 1]))
    matrix[:3, 3] = node.get("translation", [0, 0, 0])
    return matrix


def _colour(document: dict[str, Any], material: Any) -> tuple[float, float, float]:
    materials = document.get("materials", [])
    if not isinstance(material, int) or not 0 <= material < len(materials):
        return NEUTRAL
    pbr = materials[material].get("pbrMetallicRoughness", {})
    factor = pbr.get("baseColorFactor", [1, 1, 1, 1])[:3]
    if "baseColorTexture" in pbr and min(factor) > 0.95:
        return NEUTRAL  # the texture's colours are not sampled: a neutral tone reads better
    return (factor[0], factor[1], factor[2])


def _triangles(document: dict[str, Any], binary: bytes) -> tuple[np.ndarray, np.ndarray]:
    """World-space triangles (n, 3, 3) and their base colours (n, 3)."""
    nodes = document.get("nodes", [])
    scenes = document.get("scenes", [])
    roots = scenes[document.get("scene", 0)].get("nodes", []) if scenes else range(len(nodes))
    found: list[np.ndarray] = []
    colours: list[np.ndarray] = []
    stack = [(index, np.eye(4)) for index in roots]
    while stack:
        index, parent = stack.pop()
        node = nodes[index]
        world = parent @ _local_matrix(node)
        stack.extend((child, world) for child in node.get("children", []))
        if "mesh" not in node:
            continue
        for primitive in document["meshes"][node["mesh"]].get("primitives", []):
            if primitive.get("mode", 4) != 4 or "POSITION" not in primitive.get("attributes", {}):
                continue
            points = _accessor(document, binary, primitive["attributes"]["POSITION"])[:, :3]
            points = points @ world[:3, :3].T + world[:3, 3]
            if "indices" in primitive:
                order = _accessor(document, binary, primitive["indices"])[:, 0].astype(np.int64)
            else:
                order = np.arange(len(points))
            order = order[: len(order) // 3 * 3]
            found.append(points[order].reshape(-1, 3, 3))
            colours.append(
                np.tile(_colour(document, primitive.get("material")), (len(order) // 3, 1))
            )
    if not found:
        return np.zeros((0, 3, 3)), np.zeros((0, 3))
    return np.concatenate(found), np.concatenate(colours)


def render_poster(glb: bytes) -> bytes:
    """Draw the model from a three-quarter view; return a WebP with a transparent background."""
    _, document, binary = read_document(glb)
    triangles, colours = _triangles(document, binary)
    size = (WIDTH * SUPERSAMPLE, HEIGHT * SUPERSAMPLE)
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    if len(triangles):
        if len(triangles) > MAX_DRAWN:
            keep = np.linspace(0, len(triangles) - 1, MAX_DRAWN).astype(np.int64)
            triangles, colours = triangles[keep], colours[keep]
        _paint(ImageDraw.Draw(image), triangles, colours, size)
    image = image.resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="WEBP", quality=85, method=4)
    return out.getvalue()


def _paint(
    draw: ImageDraw.ImageDraw, triangles: np.ndarray, colours: np.ndarray, size: tuple[int, int]
) -> None:
    low, high = triangles.reshape(-1, 3).min(axis=0), triangles.reshape(-1, 3).max(axis=0)
    centre = (low + high) / 2
    # A camera up and to the right in front of the model, looking at its centre (+Y up).
    yaw, pitch = math.radians(35), math.radians(22)
    forward = -np.array(
        [math.sin(yaw) * math.cos(pitch), math.sin(pitch), math.cos(yaw) * math.cos(pitch)]
    )
    right = np.cross(forward, [0.0, 1.0, 0.0])
    right /= np.linalg.norm(right)
    up = np.cross(right, forward)
    local = triangles - centre
    sx, sy, depth = local @ right, local @ up, local @ forward
    span = max(float(np.ptp(sx)), float(np.ptp(sy) * size[0] / size[1]), 1e-9)
    scale = 0.86 * size[0] / span
    px = size[0] / 2 + sx * scale
    py = size[1] / 2 - sy * scale
    normals = np.cross(triangles[:, 1] - triangles[:, 0], triangles[:, 2] - triangles[:, 0])
    lengths = np.linalg.norm(normals, axis=1)
    normals = normals / np.where(lengths == 0, 1, lengths)[:, None]
    light = -forward + up * 0.8 + right * 0.3
    light /= np.linalg.norm(light)
    # Two-sided: a face seen from behind is lit as if it faced the camera.
    facing = np.sign(normals @ -forward)
    lambert = np.clip((normals * np.where(facing == 0, 1, facing)[:, None]) @ light, 0, 1)
    shade = np.clip(colours * (0.35 + 0.65 * lambert[:, None]), 0, 1)
    fills = (np.clip(shade, 0, 1) ** (1 / 2.2) * 255).astype(np.uint8)
    for index in np.argsort(-depth.mean(axis=1)):
        points = list(zip(px[index].tolist(), py[index].tolist(), strict=True))
        r, g, b = fills[index].tolist()
        draw.polygon(points, fill=(r, g, b, 255))
