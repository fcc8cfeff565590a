"""Uploaded logos: checked by decoding them, re-encoded (dropping metadata and any payload)."""

from __future__ import annotations

import hashlib
import io

from PIL import Image, UnidentifiedImageError

from aixplore.core.errors import ValidationFailed
from aixplore.core.settings import get_settings

MAX_BYTES = 1_000_000
MAX_SIDE = 2048
ALLOWED_FORMATS = {"PNG", "JPEG", "WEBP"}
LOGO_SIZE = 256


def store_logo(data: bytes) -> str:
    """Validate an uploaded logo and store a 256 px PNG; return its path under /media."""
    if not isinstance(data, bytes | bytearray) or not data:
        raise ValidationFailed("Choose an image file.")
    if len(data) > MAX_BYTES:
        raise ValidationFailed("The logo must be 1 MB or smaller.")
    Image.MAX_IMAGE_PIXELS = MAX_SIDE * MAX_SIDE
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ALLOWED_FORMATS:
                raise ValidationFailed("Upload a PNG, JPEG or WebP image.")
            if max(probe.size) > MAX_SIDE:
                raise ValidationFailed(f"The logo may be at most {MAX_SIDE} px on a side.")
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image = image.convert("RGBA")
            image.thumbnail((LOGO_SIZE, LOGO_SIZE))
            out = io.BytesIO()
            image.save(out, format="PNG", optimize=True)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError) as exc:
        raise ValidationFailed("That file is not a readable image.") from exc
    encoded = out.getvalue()
    name = f"logos/{hashlib.sha256(encoded).hexdigest()[:32]}.png"
    target = get_settings().media_root / name
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        target.write_bytes(encoded)
    return name
