"""Draw the static posters the 3D scenes paint at once (and show as their last fallback).

    .venv/bin/python scripts/make_posters.py

Writes ``assets/components3d/posters/{token,card-<foil>,gallery}.png`` with Pillow.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "assets" / "components3d" / "posters"
FRAMES = {"regular": "#cbd5e1", "reverse": "#93c5fd", "rainbow": "#c4b5fd", "secret": "#fcd34d"}


def token() -> Image.Image:
    img = Image.new("RGBA", (480, 480), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    for i in range(60):  # a radial gold gradient, darker towards the rim
        shade = int(255 - i * 1.6)
        d.ellipse(
            (60 + i, 60 + i, 420 - i, 420 - i),
            fill=(shade, int(shade * 0.78), int(shade * 0.3), 255),
        )
    d.ellipse((60, 60, 420, 420), outline=(90, 60, 10, 255), width=14)
    d.ellipse((100, 100, 380, 380), outline=(120, 80, 20, 255), width=4)
    d.text((240, 240), "ECE", fill=(74, 48, 0, 255), anchor="mm", font_size=90)
    return img


def card(foil: str) -> Image.Image:
    img = Image.new("RGBA", (360, 504), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle((0, 0, 359, 503), radius=18, fill=FRAMES[foil])
    d.rounded_rectangle((16, 16, 343, 487), radius=10, fill="#141026")
    for y in range(70, 310):  # the art window
        t = (y - 70) / 240
        d.line((30, y, 329, y), fill=(int(124 - 110 * t), int(58 + 107 * t), int(237 - 4 * t)))
    d.rectangle((30, 340, 329, 352), fill="#334155")
    d.rectangle((30, 366, 260, 378), fill="#334155")
    return img


def gallery() -> Image.Image:
    img = Image.new("RGBA", (720, 400), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    foils = list(FRAMES.values())
    for row in range(4):
        for col in range(10):
            x, y = 20 + col * 70, 12 + row * 96
            d.rounded_rectangle((x, y, x + 60, y + 84), radius=6, fill=foils[(row + col) % 4])
            d.rounded_rectangle((x + 4, y + 4, x + 56, y + 80), radius=4, fill="#141026")
    return img


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    token().save(OUT / "token.png", optimize=True)
    for foil in FRAMES:
        card(foil).save(OUT / f"card-{foil}.png", optimize=True)
    gallery().save(OUT / "gallery.png", optimize=True)
    for path in sorted(OUT.iterdir()):
        print(f"{path.name}: {path.stat().st_size:,} B")
    return 0


if __name__ == "__main__":
    sys.exit(main())
