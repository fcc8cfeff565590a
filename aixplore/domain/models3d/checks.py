"""Checks on an uploaded glTF/GLB model before anything stores or renders it.

Cheap checks run first in Python (size, the file really being glTF 2.0 of the type its name
says, no outside URIs, triangle and texture limits read from headers without decoding), then
the Khronos glTF validator (npm ``gltf-validator``, run with node from ``tools/gltf``) checks
everything else. Every refusal is a :class:`ValidationFailed` with a message for the publisher.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import struct
from dataclasses import dataclass
from typing import Any

from PIL import Image, UnidentifiedImageError

from aixplore.core.errors import ValidationFailed
from aixplore.domain.models3d.tools import run_tool

MAX_BYTES = 20_000_000
MAX_TRIANGLES = 500_000
MAX_TEXTURE_SIDE = 4096
MAX_TEXTURES = 16
# Texture memory once decoded: four 4096 px squares (about 256 MB of RGBA) at most.
MAX_TEXTURE_PIXELS = 4 * 4096 * 4096
MAX_NODES = 10_000
GLB_MAGIC = b"glTF"
JSON_CHUNK = 0x4E4F534A
BIN_CHUNK = 0x004E4942
TEXTURE_FORMATS = {"PNG", "JPEG", "WEBP"}


@dataclass(frozen=True)
class ModelFacts:
    """What the checks learnt about an accepted model."""

    kind: str  # "glb" or "gltf"
    triangles: int
    textures: int
    texture_pixels: int
    warnings: int


def _refuse(message: str) -> ValidationFailed:
    return ValidationFailed(message, field="model")


def _split_glb(data: bytes) -> tuple[dict[str, Any], bytes]:
    """The JSON and binary chunks of a GLB (binary empty when there is none)."""
    if len(data) < 20:
        raise _refuse("The GLB file is cut short.")
    _, version, length = struct.unpack_from("<4sII", data, 0)
    if version != 2:
        raise _refuse("Only glTF 2.0 models are accepted.")
    if length != len(data):
        raise _refuse("The GLB file is cut short or has bytes after its end.")
    json_length, json_type = struct.unpack_from("<II", data, 12)
    if json_type != JSON_CHUNK or 20 + json_length > length:
        raise _refuse("The GLB file is corrupt (its JSON chunk is missing or too long).")
    document = _parse_json(data[20 : 20 + json_length])
    binary = b""
    offset = 20 + json_length
    if offset + 8 <= length:
        bin_length, bin_type = struct.unpack_from("<II", data, offset)
        if bin_type == BIN_CHUNK and offset + 8 + bin_length <= length:
            binary = data[offset + 8 : offset + 8 + bin_length]
    return document, binary


def _parse_json(raw: bytes) -> dict[str, Any]:
    try:
        document = json.loads(raw.decode("utf-8").lstrip("\ufeff"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise _refuse("The model's glTF JSON is not readable.") from exc
    if not isinstance(document, dict):
        raise _refuse("The model's glTF JSON is not readable.")
    asset = document.get("asset")
    if not isinstance(asset, dict) or str(asset.get("version", "")) != "2.0":
        raise _refuse("Only glTF 2.0 models are accepted.")
    return document


def _items(document: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = document.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise _refuse(f"The model's glTF JSON is corrupt ({key} is malformed).")
    return value


def _check_uris(document: dict[str, Any]) -> None:
    """Refuse any buffer or image that points outside the file (only data: URIs are kept)."""
    for key in ("buffers", "images"):
        for item in _items(document, key):
            uri = item.get("uri")
            if uri is None:
                continue
            if not isinstance(uri, str) or not uri.startswith("data:"):
                shown = str(uri)[:60]
                raise _refuse(
                    f"The model refers to an outside file ({shown}). Export it as one "
                    "self-contained GLB with every buffer and texture inside."
                )


def _count(document: dict[str, Any], accessor: Any) -> int:
    accessors = _items(document, "accessors")
    if not isinstance(accessor, int) or not 0 <= accessor < len(accessors):
        raise _refuse("The model is corrupt (a mesh uses an accessor that does not exist).")
    count = accessors[accessor].get("count", 0)
    return count if isinstance(count, int) and count > 0 else 0


def _triangles(document: dict[str, Any]) -> int:
    """Triangles drawn: each mesh's primitives times the nodes that place the mesh."""
    meshes = _items(document, "meshes")
    nodes = _items(document, "nodes")
    if len(nodes) > MAX_NODES:
        raise _refuse(f"The model has more than {MAX_NODES:,} nodes.")
    uses = [0] * len(meshes)
    for node in nodes:
        mesh = node.get("mesh")
        if isinstance(mesh, int) and 0 <= mesh < len(meshes):
            uses[mesh] += 1
    total = 0
    for index, mesh in enumerate(meshes):
        per_mesh = 0
        primitives = mesh.get("primitives", [])
        if not isinstance(primitives, list):
            raise _refuse("The model's glTF JSON is corrupt (primitives are malformed).")
        for primitive in primitives:
            if not isinstance(primitive, dict):
                raise _refuse("The model's glTF JSON is corrupt (primitives are malformed).")
            mode = primitive.get("mode", 4)
            attributes = primitive.get("attributes", {})
            source = primitive.get("indices")
            if source is None and isinstance(attributes, dict):
                source = attributes.get("POSITION")
            n = _count(document, source) if source is not None else 0
            if mode == 4:
                per_mesh += n // 3
            elif mode in (5, 6):
                per_mesh += max(n - 2, 0)
        total += per_mesh * max(uses[index], 1)
    return total


def _image_bytes(document: dict[str, Any], image: dict[str, Any], binary: bytes) -> bytes:
    uri = image.get("uri")
    if isinstance(uri, str):
        _, _, payload = uri.partition(",")
        try:
            return base64.b64decode(payload, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise _refuse("A texture's embedded data is corrupt.") from exc
    views = _items(document, "bufferViews")
    view = image.get("bufferView")
    if not isinstance(view, int) or not 0 <= view < len(views):
        raise _refuse("A texture is missing (its image points at nothing).")
    start = views[view].get("byteOffset", 0)
    length = views[view].get("byteLength", 0)
    if not isinstance(start, int) or not isinstance(length, int) or start < 0 or length <= 0:
        raise _refuse("A texture is missing (its data is malformed).")
    if views[view].get("buffer", 0) != 0 or start + length > len(binary):
        raise _refuse("A texture is missing (its data lies outside the file).")
    return binary[start : start + length]


def _textures(document: dict[str, Any], binary: bytes) -> tuple[int, int]:
    """Count the textures and their pixels from image headers (never decoding the pixels)."""
    images = _items(document, "images")
    if len(images) > MAX_TEXTURES:
        raise _refuse(f"A model may have at most {MAX_TEXTURES} textures.")
    pixels = 0
    for number, image in enumerate(images, start=1):
        data = _image_bytes(document, image, binary)
        try:
            with Image.open(io.BytesIO(data)) as probe:
                kind, (width, height) = probe.format, probe.size
        except Image.DecompressionBombError as exc:
            raise _refuse(f"Texture {number} is far too large (a decompression bomb).") from exc
        except (UnidentifiedImageError, OSError) as exc:
            raise _refuse(f"Texture {number} is not a readable PNG, JPEG or WebP image.") from exc
        if kind not in TEXTURE_FORMATS:
            raise _refuse(f"Texture {number} must be a PNG, JPEG or WebP image.")
        if max(width, height) > MAX_TEXTURE_SIDE:
            raise _refuse(
                f"Texture {number} is {width} x {height} px; textures may be at most "
                f"{MAX_TEXTURE_SIDE} px on a side."
            )
        pixels += width * height
    if pixels > MAX_TEXTURE_PIXELS:
        raise _refuse("The model's textures are too large in total; use smaller textures.")
    return len(images), pixels


def read_document(data: bytes) -> tuple[str, dict[str, Any], bytes]:
    """Split a GLB or parse a .gltf: ``(kind, json, binary chunk)``; refuse anything else."""
    if data[:4] == GLB_MAGIC:
        document, binary = _split_glb(data)
        return "glb", document, binary
    if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{":
        return "gltf", _parse_json(data), b""
    raise _refuse("That file is not a glTF model: upload a .glb (or a self-contained .gltf).")


def check_model(data: object, file_name: object = "") -> ModelFacts:
    """Check an upload's bytes end to end; return what was learnt, or refuse clearly."""
    if not isinstance(data, bytes | bytearray) or not data:
        raise _refuse("Choose a .glb or .gltf file.")
    if len(data) > MAX_BYTES:
        raise _refuse(f"The model must be {MAX_BYTES // 1_000_000} MB or smaller.")
    data = bytes(data)
    name = file_name.lower() if isinstance(file_name, str) else ""
    if not name.endswith((".glb", ".gltf")):
        raise _refuse("Upload a .glb or .gltf file.")
    kind, document, binary = read_document(data)
    if not name.endswith(f".{kind}"):
        raise _refuse(
            f"The file is named {name.rsplit('.', 1)[-1].upper()} but holds "
            f"{'a binary GLB' if kind == 'glb' else 'glTF JSON'}: rename it or export it again."
        )
    _check_uris(document)
    triangles = _triangles(document)
    if triangles > MAX_TRIANGLES:
        raise _refuse(
            f"The model has {triangles:,} triangles; at most {MAX_TRIANGLES:,} are accepted. "
            "Simplify it (decimate) and upload it again."
        )
    textures, pixels = _textures(document, binary)
    report = validate(data)
    return ModelFacts(
        kind=kind,
        triangles=max(triangles, report.get("triangles", 0)),
        textures=textures,
        texture_pixels=pixels,
        warnings=report.get("warnings", 0),
    )


def validate(data: bytes) -> dict[str, Any]:
    """Run the Khronos glTF validator; refuse the model when it reports any error."""
    report = run_tool("validate.mjs", data=data, timeout=60)
    if not isinstance(report, dict):
        raise _refuse("The model could not be checked.")
    errors = report.get("errors", 0)
    if errors:
        messages = [m for m in report.get("messages", []) if isinstance(m, str)]
        first = messages[0][:200] if messages else "unknown problem"
        raise _refuse(f"The glTF validator found {errors} error(s) in the model, first: {first}")
    triangles = report.get("triangles", 0)
    if isinstance(triangles, int) and triangles > MAX_TRIANGLES:
        raise _refuse(f"The model has {triangles:,} triangles; at most {MAX_TRIANGLES:,}.")
    return report
