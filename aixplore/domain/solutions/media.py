"""Uploaded logos and screenshots: checked by decoding them, then re-encoded (dropping
metadata and anything hidden in the file) and stored under the media root by content hash."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from aixplore.core.errors import ValidationFailed
from aixplore.core.settings import get_settings

MAX_BYTES = 1_000_000
MAX_SIDE = 2048
ALLOWED_FORMATS = {"PNG", "JPEG", "WEBP"}
LOGO_SIZE = 256


SHOT_MAX_BYTES = 5_000_000
SHOT_MAX_SIDE = 4096
SHOT_WIDTH = 1600
THUMB_WIDTH = 480


@dataclass(frozen=True)
class StoredScreenshot:
    """Where a screenshot and its thumbnail were stored, and the stored size."""

    path: str
    thumb_path: str
    width: int
    height: int


def _decode(data: object, *, what: str, max_bytes: int, max_side: int) -> Image.Image:
    """Open ``data`` as a PNG, JPEG or WebP within the limits, or refuse clearly."""
    if not isinstance(data, bytes | bytearray) or not data:
        raise ValidationFailed("Choose an image file.")
    if len(data) > max_bytes:
        raise ValidationFailed(f"The {what} must be {max_bytes // 1_000_000} MB or smaller.")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ALLOWED_FORMATS:
                raise ValidationFailed("Upload a PNG, JPEG or WebP image.")
            if max(probe.size) > max_side:
                raise ValidationFailed(f"The {what} may be at most {max_side} px on a side.")
            probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError) as exc:
        raise ValidationFailed("That file is not a readable image.") from exc
    return image


def _save(image: Image.Image, folder: str, fmt: str) -> str:
    out = io.BytesIO()
    if fmt == "PNG":
        image.save(out, format="PNG", optimize=True)
    else:
        image.save(out, format="WEBP", quality=82, method=4)
    return store_encoded(out.getvalue(), folder, fmt.lower())


def store_encoded(encoded: bytes, folder: str, extension: str) -> str:
    """Store bytes the platform made itself (e.g. demo artwork) under their content hash.

    Not for uploads: those are decoded and re-encoded first. Returns the path under /media.
    """
    name = f"{folder}/{hashlib.sha256(encoded).hexdigest()[:32]}.{extension}"
    target = get_settings().media_root / name
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        target.write_bytes(encoded)
    return name


def store_logo(data: bytes) -> str:
    """Validate an uploaded logo and store a 256 px PNG; return its path under /media."""
    Image.MAX_IMAGE_PIXELS = MAX_SIDE * MAX_SIDE
    with _decode(data, what="logo", max_bytes=MAX_BYTES, max_side=MAX_SIDE) as image:
        rgba = image.convert("RGBA")
    rgba.thumbnail((LOGO_SIZE, LOGO_SIZE))
    return _save(rgba, "logos", "PNG")


def store_avatar(data: object) -> str:
    """Validate an uploaded avatar and store it as a 256 px square PNG (centre crop)."""
    Image.MAX_IMAGE_PIXELS = MAX_SIDE * MAX_SIDE
    with _decode(data, what="avatar", max_bytes=MAX_BYTES, max_side=MAX_SIDE) as image:
        rgba = image.convert("RGBA")
    side = min(rgba.size)
    left, top = (rgba.width - side) // 2, (rgba.height - side) // 2
    square = rgba.crop((left, top, left + side, top + side)).resize((LOGO_SIZE, LOGO_SIZE))
    return _save(square, "avatars", "PNG")


def store_screenshot(data: bytes) -> StoredScreenshot:
    """Validate a screenshot; store it (at most 1600 px wide) and a 480 px thumbnail as WebP."""
    Image.MAX_IMAGE_PIXELS = SHOT_MAX_SIDE * SHOT_MAX_SIDE
    with _decode(data, what="screenshot", max_bytes=SHOT_MAX_BYTES, max_side=SHOT_MAX_SIDE) as im:
        rgb = im.convert("RGBA") if im.mode in ("RGBA", "LA", "P") else im.convert("RGB")
    full = rgb.copy()
    full.thumbnail((SHOT_WIDTH, SHOT_MAX_SIDE))
    thumb = rgb.copy()
    thumb.thumbnail((THUMB_WIDTH, SHOT_MAX_SIDE))
    return StoredScreenshot(
        path=_save(full, "screenshots", "WEBP"),
        thumb_path=_save(thumb, "screenshots", "WEBP"),
        width=full.width,
        height=full.height,
    )


def store_message_image(data: object) -> StoredScreenshot:
    """Validate an image attached to a message (its type read from its bytes, never its name);
    store it re-encoded as WebP, at most 1600 px wide, without its metadata."""
    Image.MAX_IMAGE_PIXELS = SHOT_MAX_SIDE * SHOT_MAX_SIDE
    with _decode(data, what="image", max_bytes=SHOT_MAX_BYTES, max_side=SHOT_MAX_SIDE) as im:
        rgb = im.convert("RGBA") if im.mode in ("RGBA", "LA", "P") else im.convert("RGB")
    rgb.thumbnail((SHOT_WIDTH, SHOT_MAX_SIDE))
    path = _save(rgb, "messages", "WEBP")
    return StoredScreenshot(path=path, thumb_path=path, width=rgb.width, height=rgb.height)
