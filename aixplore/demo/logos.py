"""Demo logos drawn as small SVG files: a motif per category, colours and details per name.

Everything comes from a generator seeded with a hash of the category and the name, so the
same solution gets the same bytes on every machine and every run.
"""

from __future__ import annotations

import colorsys
import hashlib
import random
from collections.abc import Callable
from xml.sax.saxutils import escape

# Each category's base hue (degrees); a solution's own hue wanders a little around it.
HUES = {
    "text-generation": 255,
    "chat-assistants": 195,
    "code": 145,
    "image-generation": 325,
    "computer-vision": 22,
    "speech-audio": 285,
    "video": 355,
    "data-analytics": 215,
    "search-retrieval": 42,
    "automation-agents": 172,
    "translation": 95,
    "security": 232,
}
WHITE = "#ffffff"


def art_random(*parts: str) -> random.Random:
    """A generator seeded by the parts' text (not Python's salted ``hash``)."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))  # noqa: S311 - artwork, not a secret


def hsl(hue: float, saturation: float, lightness: float) -> str:
    """A CSS hex colour from hue in degrees, saturation and lightness in 0-1."""
    r, g, b = colorsys.hls_to_rgb((hue % 360) / 360, lightness, saturation)
    return f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"


def palette(rng: random.Random, category: str) -> tuple[float, str, str, str]:
    """The hue and three colours (deep, bright, accent) of one solution."""
    hue = HUES.get(category, 260) + rng.uniform(-18, 18)
    deep = hsl(hue, rng.uniform(0.55, 0.75), rng.uniform(0.28, 0.36))
    bright = hsl(hue + rng.choice((-40, -25, 25, 40)), rng.uniform(0.6, 0.85), 0.52)
    accent = hsl(hue + 180 + rng.uniform(-30, 30), 0.9, 0.62)
    return hue, deep, bright, accent


def _f(value: float) -> str:
    """A coordinate with at most one decimal (smaller files, same look)."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


# ---- Motifs: white shapes on the coloured tile, inside a 256 px square ----


def _text(rng: random.Random, ink: str, accent: str) -> str:
    lines = rng.randint(3, 5)
    top = 128 - lines * 14
    bars = "".join(
        f'<rect x="64" y="{top + i * 28}" width="{rng.randint(70, 128)}" height="14" rx="7"/>'
        for i in range(lines)
    )
    star = f'<path d="M196 {top - 6}l8 20 20 8-20 8-8 20-8-20-20-8 20-8z" fill="{accent}"/>'
    return f'<g fill="{ink}">{bars}</g>{star}'


def _chat(rng: random.Random, ink: str, accent: str) -> str:
    x = rng.randint(52, 70)
    back = f'<rect x="{x + 46}" y="58" width="96" height="64" rx="20" fill="{accent}"/>'
    front = (
        f'<path d="M{x} 110h112a22 22 0 0 1 22 22v36a22 22 0 0 1-22 22h-70l-28 22v-22h-14'
        f'a22 22 0 0 1-22-22v-36a22 22 0 0 1 22-22z" fill="{ink}"/>'
    )
    dots = "".join(
        f'<circle cx="{x + 40 + i * 32}" cy="150" r="{rng.randint(7, 10)}" fill="{accent}"/>'
        for i in range(3)
    )
    return back + front + dots


def _code(rng: random.Random, ink: str, accent: str) -> str:
    width = rng.randint(14, 22)
    spread = rng.randint(36, 52)
    return (
        f'<g fill="none" stroke="{ink}" stroke-width="{width}" stroke-linecap="round" '
        f'stroke-linejoin="round"><path d="M{128 - spread} 88l-40 40 40 40"/>'
        f'<path d="M{128 + spread} 88l40 40-40 40"/></g>'
        f'<path d="M142 74l-28 108" stroke="{accent}" stroke-width="{width}" '
        'stroke-linecap="round"/>'
    )


def _image(rng: random.Random, ink: str, accent: str) -> str:
    sun_x, sun_y = rng.randint(90, 170), rng.randint(78, 104)
    peak = rng.randint(92, 160)
    return (
        f'<rect x="52" y="60" width="152" height="136" rx="18" fill="none" stroke="{ink}" '
        'stroke-width="12"/>'
        f'<circle cx="{sun_x}" cy="{sun_y}" r="{rng.randint(12, 18)}" fill="{accent}"/>'
        f'<path d="M58 190l{peak - 58} -{rng.randint(60, 84)}l{196 - peak} 84z" fill="{ink}"/>'
    )


def _vision(rng: random.Random, ink: str, accent: str) -> str:
    open_ = rng.randint(46, 64)
    return (
        f'<path d="M44 128q84-{open_ * 2} 168 0q-84 {open_ * 2}-168 0z" fill="{ink}"/>'
        f'<circle cx="128" cy="128" r="{rng.randint(26, 34)}" fill="{accent}"/>'
        '<circle cx="128" cy="128" r="12" fill="#1a1a2e"/>'
    )


def _audio(rng: random.Random, ink: str, accent: str) -> str:
    count = rng.choice((5, 7, 9))
    step = 150 / count
    bars = []
    for i in range(count):
        height = rng.randint(30, 140)
        fill = accent if i == count // 2 else ink
        bars.append(
            f'<rect x="{_f(53 + i * step)}" y="{128 - height / 2:.0f}" width="{_f(step * 0.6)}" '
            f'height="{height}" rx="{_f(step * 0.3)}" fill="{fill}"/>'
        )
    return "".join(bars)


def _video(rng: random.Random, ink: str, accent: str) -> str:
    holes = "".join(
        f'<rect x="{60 + i * 34}" y="{y}" width="18" height="12" rx="3" fill="{accent}"/>'
        for i in range(5)
        for y in (64, 180)
    )
    tip = rng.randint(168, 180)
    return (
        f'<rect x="50" y="52" width="156" height="152" rx="20" fill="{ink}"/>{holes}'
        f'<path d="M108 98L{tip} 128 108 158z" fill="{accent}"/>'
    )


def _analytics(rng: random.Random, ink: str, accent: str) -> str:
    heights = sorted(rng.sample(range(40, 140), 4))
    bars = "".join(
        f'<rect x="{58 + i * 38}" y="{196 - h}" width="26" height="{h}" rx="6" fill="{ink}"/>'
        for i, h in enumerate(heights)
    )
    points = " ".join(f"{71 + i * 38},{180 - h}" for i, h in enumerate(heights))
    return bars + (
        f'<polyline points="{points}" fill="none" stroke="{accent}" stroke-width="10" '
        'stroke-linecap="round" stroke-linejoin="round"/>'
    )


def _search(rng: random.Random, ink: str, accent: str) -> str:
    radius = rng.randint(40, 52)
    return (
        f'<circle cx="112" cy="112" r="{radius}" fill="none" stroke="{ink}" stroke-width="18"/>'
        f'<path d="M{112 + radius * 0.7:.0f} {112 + radius * 0.7:.0f}l44 44" stroke="{ink}" '
        'stroke-width="24" stroke-linecap="round"/>'
        f'<circle cx="112" cy="112" r="{radius // 3}" fill="{accent}"/>'
    )


def _agents(rng: random.Random, ink: str, accent: str) -> str:
    nodes = [(rng.randint(56, 100), rng.randint(56, 110)), (rng.randint(156, 200), 80)]
    nodes += [(rng.randint(90, 170), rng.randint(170, 200)), (128, 128)]
    lines = "".join(
        f'<path d="M{x} {y}L128 128" stroke="{ink}" stroke-width="10"/>' for x, y in nodes[:3]
    )
    dots = "".join(
        f'<circle cx="{x}" cy="{y}" r="{22 if i == 3 else 16}" fill="{accent if i == 3 else ink}"/>'
        for i, (x, y) in enumerate(nodes)
    )
    return lines + dots


def _translation(rng: random.Random, ink: str, accent: str) -> str:
    tilt = rng.randint(26, 40)
    return (
        f'<circle cx="128" cy="128" r="72" fill="none" stroke="{ink}" stroke-width="12"/>'
        f'<ellipse cx="128" cy="128" rx="{tilt}" ry="72" fill="none" stroke="{ink}" '
        'stroke-width="10"/>'
        f'<path d="M60 104h136M60 152h136" stroke="{ink}" stroke-width="10"/>'
        f'<circle cx="{rng.choice((186, 70))}" cy="70" r="22" fill="{accent}"/>'
    )


def _security(rng: random.Random, ink: str, accent: str) -> str:
    waist = rng.randint(150, 170)
    return (
        f'<path d="M128 44l72 26v{waist - 130}c0 48-32 78-72 96c-40-18-72-48-72-96V70z" '
        f'fill="{ink}"/>'
        f'<path d="M98 126l22 22 40-44" fill="none" stroke="{accent}" stroke-width="16" '
        'stroke-linecap="round" stroke-linejoin="round"/>'
    )


MOTIFS: dict[str, Callable[[random.Random, str, str], str]] = {
    "text-generation": _text,
    "chat-assistants": _chat,
    "code": _code,
    "image-generation": _image,
    "computer-vision": _vision,
    "speech-audio": _audio,
    "video": _video,
    "data-analytics": _analytics,
    "search-retrieval": _search,
    "automation-agents": _agents,
    "translation": _translation,
    "security": _security,
}

# Where the gradient runs: (x1, y1, x2, y2) in fractions of the tile.
DIRECTIONS = ((0, 0, 1, 1), (1, 0, 0, 1), (0, 0, 0, 1), (0, 0, 1, 0), (0.5, 0, 0.5, 1))


def _pattern(rng: random.Random, ink: str) -> str:
    """A faint texture behind the motif (or none), so neighbours in a category differ."""
    kind = rng.choice(("none", "dots", "rings", "stripes", "corner"))
    if kind == "dots":
        gap = rng.choice((24, 32, 40))
        return "".join(
            f'<circle cx="{x}" cy="{y}" r="3"/>'
            for x in range(gap // 2, 256, gap)
            for y in range(gap // 2, 256, gap)
        )
    if kind == "rings":
        x, y = rng.choice(((0, 0), (256, 0), (0, 256), (256, 256)))
        return "".join(
            f'<circle cx="{x}" cy="{y}" r="{r}" fill="none" stroke="{ink}" stroke-width="8"/>'
            for r in range(40, 260, 44)
        )
    if kind == "stripes":
        gap = rng.choice((28, 36))
        return "".join(
            f'<path d="M{x} 0l-256 256" stroke="{ink}" stroke-width="9"/>'
            for x in range(0, 512, gap)
        )
    if kind == "corner":
        return f'<circle cx="{rng.choice((30, 226))}" cy="226" r="{rng.randint(60, 90)}"/>'
    return ""


def logo_svg(category: str, name: str) -> bytes:
    """The logo of the solution ``name`` in ``category``, as a 256 px SVG document."""
    rng = art_random("logo", category, name)
    hue, deep, bright, accent = palette(rng, category)
    x1, y1, x2, y2 = rng.choice(DIRECTIONS)
    radius = rng.choice((36, 56, 72, 128))
    # Three looks: white on the gradient, the colour on a pale tile, or bright on a dark one.
    style = rng.choice(("gradient", "gradient", "light", "dark"))
    ink, start, end = WHITE, bright, deep
    if style == "light":
        ink, start, end = deep, hsl(hue, 0.7, 0.95), hsl(hue + 30, 0.6, 0.86)
    elif style == "dark":
        ink, start, end = hsl(hue, 0.9, 0.72), hsl(hue, 0.35, 0.2), hsl(hue + 20, 0.4, 0.1)
    scale = rng.choice((0.82, 0.9, 1.0))
    shift = 128 * (1 - scale)
    motif = MOTIFS.get(category, _text)(rng, ink, accent)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256" '
        f'role="img"><title>{escape(name)}</title>'
        f'<defs><linearGradient id="g" x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}">'
        f'<stop offset="0" stop-color="{start}"/><stop offset="1" stop-color="{end}"/>'
        '</linearGradient><clipPath id="c">'
        f'<rect width="256" height="256" rx="{radius}"/></clipPath></defs>'
        f'<g clip-path="url(#c)"><rect width="256" height="256" fill="url(#g)"/>'
        f'<g fill="{ink}" opacity="0.14">{_pattern(rng, ink)}</g></g>'
        f'<g transform="translate({_f(shift)} {_f(shift)}) scale({scale})">{motif}</g></svg>'
    ).encode()
