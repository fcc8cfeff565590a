"""Demo screenshots drawn as SVG: an app window whose screens suit the solution's category.

A window bar with the solution's name, a sidebar of the category's sections, and a main
area drawn as that screen would look (a chart, a chat, an editor, a gallery, a table...),
with short labels; bars stand in for running text. Seeded by category, name and screen, so
the bytes are the same on every run.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from xml.sax.saxutils import escape

from aixplore.demo.logos import art_random, hsl, palette

WIDTH, HEIGHT = 1280, 800
FONT = "system-ui, -apple-system, 'Segoe UI', sans-serif"
INK, MUTED, LINE, CARD = "#1f2433", "#6b7185", "#e3e6ee", "#ffffff"
# Main area: left, top, right, bottom.
X0, Y0, X1, Y1 = 272, 150, 1248, 772

# Per category: the sidebar's sections, the main button, and three screens (title, kind).
SCREENS: dict[str, tuple[tuple[str, ...], str, tuple[tuple[str, str], ...]]] = {
    "text-generation": (
        ("Drafts", "Templates", "Brand voice", "Library", "Usage"),
        "New draft",
        (("Drafts", "document"), ("Templates", "table"), ("Usage", "chart")),
    ),
    "chat-assistants": (
        ("Conversations", "Inbox", "Knowledge", "Insights", "Channels"),
        "New assistant",
        (("Conversations", "chat"), ("Knowledge", "table"), ("Insights", "chart")),
    ),
    "code": (
        ("Editor", "Reviews", "Repositories", "Usage", "Plugins"),
        "Open repository",
        (("Editor", "code"), ("Reviews", "table"), ("Usage", "chart")),
    ),
    "image-generation": (
        ("Gallery", "Create", "Styles", "Brand kit", "Exports"),
        "Generate",
        (("Gallery", "gallery"), ("Styles", "table"), ("Usage", "chart")),
    ),
    "computer-vision": (
        ("Review queue", "Models", "Datasets", "Devices", "Labels"),
        "Train model",
        (("Review queue", "gallery"), ("Models", "chart"), ("Datasets", "table")),
    ),
    "speech-audio": (
        ("Transcripts", "Recordings", "Speakers", "Vocabulary", "Usage"),
        "Upload audio",
        (("Transcripts", "wave"), ("Recordings", "table"), ("Usage", "chart")),
    ),
    "video": (
        ("Editor", "Projects", "Captions", "Exports", "Brand"),
        "New project",
        (("Editor", "wave"), ("Projects", "gallery"), ("Exports", "table")),
    ),
    "data-analytics": (
        ("Dashboards", "Ask data", "Sources", "Forecasts", "Reports"),
        "New report",
        (("Dashboards", "chart"), ("Ask data", "chat"), ("Sources", "table")),
    ),
    "search-retrieval": (
        ("Search", "Sources", "Analytics", "Relevance", "Access"),
        "Add source",
        (("Search", "results"), ("Sources", "table"), ("Analytics", "chart")),
    ),
    "automation-agents": (
        ("Workflows", "Approvals", "Runs", "Integrations", "Audit"),
        "New workflow",
        (("Workflows", "graph"), ("Approvals", "chat"), ("Runs", "table")),
    ),
    "translation": (
        ("Editor", "Projects", "Glossary", "Memory", "Usage"),
        "Translate",
        (("Editor", "split"), ("Projects", "table"), ("Usage", "chart")),
    ),
    "security": (
        ("Alerts", "Overview", "Investigation", "Rules", "Reports"),
        "New rule",
        (("Alerts", "table"), ("Overview", "chart"), ("Investigation", "graph")),
    ),
}
SHOTS_PER_SOLUTION = 3
STATUSES = (("Live", 145), ("Review", 40), ("Draft", 220), ("Failed", 355), ("Done", 170))


def _label(x: float, y: float, text: str, size: int = 16, fill: str = INK, weight=400) -> str:
    return (
        f'<text x="{x:.0f}" y="{y:.0f}" font-size="{size}" font-weight="{weight}" '
        f'fill="{fill}">{escape(text)}</text>'
    )


def _bar(x: float, y: float, width: float, height: int = 10, fill: str = LINE) -> str:
    """A rounded bar that stands in for a line of text."""
    return (
        f'<rect x="{x:.0f}" y="{y:.0f}" width="{width:.0f}" height="{height}" '
        f'rx="{height / 2:.0f}" fill="{fill}"/>'
    )


def _card(x: float, y: float, width: float, height: float, fill: str = CARD) -> str:
    return (
        f'<rect x="{x:.0f}" y="{y:.0f}" width="{width:.0f}" height="{height:.0f}" rx="12" '
        f'fill="{fill}" stroke="{LINE}"/>'
    )


def _pill(x: float, y: float, text: str, hue: float) -> str:
    width = 16 + len(text) * 8
    return (
        f'<rect x="{x:.0f}" y="{y - 16:.0f}" width="{width}" height="24" rx="12" '
        f'fill="{hsl(hue, 0.7, 0.92)}"/>' + _label(x + 8, y + 1, text, 13, hsl(hue, 0.7, 0.3), 600)
    )


# ---- The main area of one screen ----


def _chart(rng: random.Random, hue: float, labels: tuple[str, ...]) -> str:
    parts, width = [], (X1 - X0 - 48) / 3
    for i, name in enumerate(("Active", "This week", "Saved")):
        x = X0 + i * (width + 24)
        parts.append(_card(x, Y0, width, 104))
        parts.append(_label(x + 20, Y0 + 34, name, 14, MUTED))
        value = f"{rng.randint(2, 98)}.{rng.randint(0, 9)}k" if i else f"{rng.randint(120, 990)}"
        parts.append(_label(x + 20, Y0 + 78, value, 32, INK, 700))
    top, bottom = Y0 + 132, Y1
    parts.append(_card(X0, top, X1 - X0, bottom - top))
    parts.append(_label(X0 + 24, top + 40, "Activity, last 14 days", 16, INK, 600))
    count, base = 14, bottom - 40
    step = (X1 - X0 - 64) / count
    points, level = [], rng.uniform(0.3, 0.6)
    for i in range(count):
        level = min(0.95, max(0.15, level + rng.uniform(-0.12, 0.16)))
        height = level * (bottom - top - 120)
        x = X0 + 32 + i * step
        parts.append(
            f'<rect x="{x:.0f}" y="{base - height:.0f}" width="{step * 0.6:.0f}" '
            f'height="{height:.0f}" rx="4" fill="{hsl(hue, 0.6, 0.8)}"/>'
        )
        points.append(f"{x + step * 0.3:.0f},{base - height * rng.uniform(0.55, 0.8):.0f}")
    parts.append(
        f'<polyline points="{" ".join(points)}" fill="none" stroke="{hsl(hue, 0.7, 0.4)}" '
        'stroke-width="4" stroke-linejoin="round"/>'
    )
    return "".join(parts)


def _chat(rng: random.Random, hue: float, labels: tuple[str, ...]) -> str:
    parts, y = [_card(X0, Y0, X1 - X0, Y1 - Y0)], Y0 + 32
    for i in range(5):
        mine = i % 2 == 1
        width = rng.randint(280, 520)
        lines = rng.randint(1, 3)
        height = 28 + lines * 22
        x = X1 - 32 - width if mine else X0 + 88
        if not mine:
            parts.append(
                f'<circle cx="{X0 + 50}" cy="{y + 22}" r="20" fill="{hsl(hue, 0.6, 0.5)}"/>'
            )
        fill = hsl(hue, 0.65, 0.45) if mine else "#f0f2f7"
        parts.append(
            f'<rect x="{x}" y="{y}" width="{width}" height="{height}" rx="18" fill="{fill}"/>'
        )
        ink = "#ffffff" if mine else "#c9cdd8"
        for k in range(lines):
            parts.append(
                _bar(x + 20, y + 20 + k * 22, (width - 40) * rng.uniform(0.55, 1), 10, ink)
            )
        y += height + 22
    parts.append(_card(X0 + 24, Y1 - 76, X1 - X0 - 48, 52, "#f7f8fb"))
    parts.append(_label(X0 + 44, Y1 - 44, f"Ask about {labels[2].lower()}", 16, MUTED))
    return "".join(parts)


def _document(rng: random.Random, hue: float, labels: tuple[str, ...]) -> str:
    page_w = 620
    parts = [_card(X0, Y0, page_w, Y1 - Y0), _bar(X0 + 40, Y0 + 40, 380, 22, INK)]
    y = Y0 + 96
    while y < Y1 - 60:
        for _ in range(rng.randint(3, 5)):
            parts.append(_bar(X0 + 40, y, rng.randint(400, 540), 10, "#cfd3dd"))
            y += 24
        y += 24
    side = X0 + page_w + 24
    parts.append(_card(side, Y0, X1 - side, Y1 - Y0, "#fbfbfe"))
    parts.append(_label(side + 24, Y0 + 40, "Suggestions", 16, INK, 600))
    for i, what in enumerate(("Tone", "Clarity", labels[2])):
        y = Y0 + 76 + i * 120
        parts.append(_card(side + 24, y, X1 - side - 48, 100))
        parts.append(_pill(side + 44, y + 34, what, hue + i * 40))
        parts.append(_bar(side + 44, y + 56, rng.randint(160, 240)))
        parts.append(_bar(side + 44, y + 76, rng.randint(100, 200)))
    return "".join(parts)


def _code(rng: random.Random, hue: float, labels: tuple[str, ...]) -> str:
    parts = [
        f'<rect x="{X0}" y="{Y0}" width="{X1 - X0}" height="{Y1 - Y0}" rx="12" fill="#1e2130"/>'
    ]
    colours = (hsl(hue, 0.7, 0.7), "#f2c46d", "#8fb8ff", "#e07a9b", "#c5c9d6")
    for line in range(22):
        y = Y0 + 28 + line * 26
        parts.append(_label(X0 + 20, y + 10, str(line + 1), 13, "#5d6275"))
        x = X0 + 64 + 28 * rng.choice((0, 0, 1, 1, 2))
        for _ in range(rng.randint(0, 4)):
            width = rng.randint(30, 140)
            parts.append(_bar(x, y, width, 10, rng.choice(colours)))
            x += width + 12
    parts.append(_card(X1 - 330, Y1 - 150, 300, 120, "#2b3045"))
    parts.append(_label(X1 - 310, Y1 - 116, "Suggested fix", 15, "#ffffff", 600))
    parts.append(_bar(X1 - 310, Y1 - 96, 220, 10, hsl(hue, 0.7, 0.7)))
    parts.append(_bar(X1 - 310, Y1 - 76, 180, 10, "#8fb8ff"))
    return "".join(parts)


def _gallery(rng: random.Random, hue: float, labels: tuple[str, ...]) -> str:
    parts, cols, gap = [], 4, 20
    width = (X1 - X0 - gap * (cols - 1)) / cols
    height = (Y1 - Y0 - gap) / 2
    for i in range(cols * 2):
        x, y = X0 + (i % cols) * (width + gap), Y0 + (i // cols) * (height + gap)
        tint = hue + rng.uniform(-60, 60)
        parts.append(
            f'<rect x="{x:.0f}" y="{y:.0f}" width="{width:.0f}" height="{height:.0f}" rx="12" '
            f'fill="{hsl(tint, 0.55, rng.uniform(0.6, 0.8))}"/>'
        )
        peak = x + rng.uniform(0.2, 0.8) * width
        parts.append(
            f'<path d="M{x:.0f} {y + height - 60:.0f}L{peak:.0f} {y + height * 0.4:.0f}'
            f'L{x + width:.0f} {y + height - 60:.0f}z" fill="{hsl(tint, 0.5, 0.4)}"/>'
        )
        parts.append(
            f'<rect x="{x:.0f}" y="{y + height - 60:.0f}" width="{width:.0f}" height="60" '
            'fill="#ffffff" opacity="0.92"/>'
        )
        parts.append(_bar(x + 16, y + height - 40, width * rng.uniform(0.4, 0.7), 10, "#9aa0b2"))
        if rng.random() < 0.35:
            parts.append(_pill(x + 16, y + 36, rng.choice(("Approved", "New", "Check")), hue))
    return "".join(parts)


def _table(rng: random.Random, hue: float, labels: tuple[str, ...]) -> str:
    columns = ("Name", "Owner", "Status", "Updated")
    xs = (X0 + 24, X0 + 430, X0 + 640, X0 + 820)
    parts = [_card(X0, Y0, X1 - X0, Y1 - Y0)]
    parts += [_label(x, Y0 + 40, c, 14, MUTED, 600) for x, c in zip(xs, columns, strict=True)]
    for row in range(9):
        y = Y0 + 64 + row * 62
        parts.append(f'<path d="M{X0} {y}H{X1}" stroke="{LINE}"/>')
        parts.append(_bar(xs[0], y + 26, rng.randint(160, 340), 12, "#b9bfcc"))
        parts.append(
            f'<circle cx="{xs[1] + 14}" cy="{y + 32}" r="14" fill="{hsl(hue + row * 30, 0.5, 0.7)}"/>'
        )
        parts.append(_bar(xs[1] + 40, y + 27, rng.randint(60, 120)))
        status, status_hue = rng.choice(STATUSES)
        parts.append(_pill(xs[2], y + 36, status, status_hue))
        parts.append(
            _label(
                xs[3],
                y + 38,
                f"{rng.randint(1, 28)} {rng.choice(('min', 'h', 'd'))} ago",
                14,
                MUTED,
            )
        )
    return "".join(parts)


def _wave(rng: random.Random, hue: float, labels: tuple[str, ...]) -> str:
    parts = [_card(X0, Y0, X1 - X0, 220, "#191c29")]
    count = 120
    step = (X1 - X0 - 48) / count
    playhead = X0 + 24 + rng.randint(30, 90) * step
    for i in range(count):
        height = 12 + abs(rng.gauss(0, 1)) * 60
        x = X0 + 24 + i * step
        fill = hsl(hue, 0.8, 0.65) if x < playhead else "#566080"
        parts.append(
            f'<rect x="{x:.0f}" y="{Y0 + 110 - height / 2:.0f}" width="{step * 0.6:.1f}" '
            f'height="{height:.0f}" rx="2" fill="{fill}"/>'
        )
    parts.append(
        f'<path d="M{playhead:.0f} {Y0 + 16}V{Y0 + 204}" stroke="#ffffff" stroke-width="2"/>'
    )
    y = Y0 + 250
    for i in range(5):
        parts.append(_card(X0, y, X1 - X0, 92))
        who = f"Speaker {i % 2 + 1}"
        parts.append(_label(X0 + 24, y + 34, who, 15, hsl(hue + (i % 2) * 120, 0.6, 0.4), 600))
        parts.append(_label(X0 + 150, y + 34, f"00:{rng.randint(10, 59)}", 14, MUTED))
        parts.append(_bar(X0 + 24, y + 56, rng.randint(500, 880), 10, "#cfd3dd"))
        y += 106
    return "".join(parts)


def _results(rng: random.Random, hue: float, labels: tuple[str, ...]) -> str:
    parts = [_card(X0, Y0, X1 - X0, 60)]
    parts.append(_label(X0 + 24, Y0 + 38, "refund policy for annual plans", 18, INK))
    sources = ("Drive", "Confluence", "Notion", "Wiki", "Slack")
    for i in range(5):
        y = Y0 + 84 + i * 112
        parts.append(_card(X0, y, X1 - X0, 96))
        parts.append(_bar(X0 + 24, y + 24, rng.randint(260, 420), 14, hsl(hue, 0.6, 0.45)))
        parts.append(_bar(X0 + 24, y + 52, rng.randint(600, 880), 10, "#cfd3dd"))
        parts.append(_bar(X0 + 24, y + 72, rng.randint(300, 600), 10, "#cfd3dd"))
        parts.append(_pill(X1 - 160, y + 34, rng.choice(sources), hue + 60 * i))
    return "".join(parts)


def _graph(rng: random.Random, hue: float, labels: tuple[str, ...]) -> str:
    steps = ("Trigger", "Classify", "Check", "Approve", "Send", "Log")
    parts = [_card(X0, Y0, X1 - X0, Y1 - Y0, "#fafbfd")]
    nodes = []
    for i, step in enumerate(steps):
        x = X0 + 60 + (i % 3) * 300 + rng.randint(-20, 20)
        y = Y0 + 80 + (i // 3) * 280 + rng.randint(-30, 30)
        nodes.append((x, y, step))
    for (ax, ay, _), (bx, by, _) in itertools.pairwise(nodes):
        parts.append(
            f'<path d="M{ax + 200} {ay + 40}C{ax + 260} {ay + 40} {bx - 60} {by + 40} {bx} {by + 40}" '
            f'fill="none" stroke="{hsl(hue, 0.5, 0.6)}" stroke-width="3"/>'
        )
    for i, (x, y, step) in enumerate(nodes):
        parts.append(_card(x, y, 200, 80))
        parts.append(
            f'<rect x="{x}" y="{y}" width="8" height="80" rx="4" fill="{hsl(hue + i * 25, 0.65, 0.5)}"/>'
        )
        parts.append(_label(x + 24, y + 34, step, 17, INK, 600))
        parts.append(_bar(x + 24, y + 50, rng.randint(80, 150)))
    return "".join(parts)


def _split(rng: random.Random, hue: float, labels: tuple[str, ...]) -> str:
    half = (X1 - X0 - 24) / 2
    parts = []
    for side, title in enumerate(
        ("English", rng.choice(("German", "Japanese", "Spanish", "French")))
    ):
        x = X0 + side * (half + 24)
        parts.append(_card(x, Y0, half, Y1 - Y0))
        parts.append(_pill(x + 24, Y0 + 40, title, hue + side * 90))
        for row in range(8):
            y = Y0 + 80 + row * 66
            if side and row == rng.randint(2, 6):
                parts.append(
                    f'<rect x="{x + 12:.0f}" y="{y - 10}" width="{half - 24:.0f}" height="52" rx="8" fill="{hsl(hue, 0.8, 0.94)}"/>'
                )
            parts.append(_bar(x + 24, y, half * rng.uniform(0.5, 0.85), 10, "#c2c7d3"))
            parts.append(_bar(x + 24, y + 20, half * rng.uniform(0.3, 0.6), 10, "#c2c7d3"))
    return "".join(parts)


KINDS: dict[str, Callable[[random.Random, float, tuple[str, ...]], str]] = {
    "chart": _chart,
    "chat": _chat,
    "document": _document,
    "code": _code,
    "gallery": _gallery,
    "table": _table,
    "wave": _wave,
    "results": _results,
    "graph": _graph,
    "split": _split,
}


def screens_for(category: str) -> tuple[tuple[str, str], ...]:
    """The (title, kind) of the screenshots a solution in ``category`` gets."""
    return SCREENS.get(category, SCREENS["text-generation"])[2]


def screenshot_svg(category: str, name: str, index: int) -> bytes:
    """Screenshot ``index`` (0-2) of the solution ``name``, as a 1280 x 800 SVG document."""
    sections, action, screens = SCREENS.get(category, SCREENS["text-generation"])
    title, kind = screens[index % len(screens)]
    rng = art_random("screen", category, name, str(index))
    hue, deep, bright, _ = palette(art_random("logo", category, name), category)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="{FONT}" role="img">'
        f"<title>{escape(f'{title} in {name}')}</title>",
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#f4f5f9"/>',
        f'<rect width="{WIDTH}" height="56" fill="{deep}"/>',
        *(
            f'<circle cx="{24 + i * 22}" cy="28" r="7" fill="#ffffff" opacity="0.5"/>'
            for i in range(3)
        ),
        f'<rect x="96" y="14" width="28" height="28" rx="8" fill="{bright}"/>',
        _label(136, 35, name, 18, "#ffffff", 600),
        f'<rect y="56" width="240" height="{HEIGHT - 56}" fill="{hsl(hue, 0.35, 0.96)}"/>',
    ]
    for i, section in enumerate(sections):
        y = 96 + i * 48
        if section == title:
            parts.append(
                f'<rect x="12" y="{y - 28}" width="216" height="40" rx="10" fill="{hsl(hue, 0.6, 0.88)}"/>'
            )
        parts.append(_label(32, y - 2, section, 16, INK, 600 if section == title else 400))
    parts.append(_label(X0, 108, title, 28, INK, 700))
    button_w = 40 + len(action) * 9
    parts.append(
        f'<rect x="{X1 - button_w}" y="80" width="{button_w}" height="44" rx="10" fill="{deep}"/>'
    )
    parts.append(_label(X1 - button_w + 20, 108, action, 16, "#ffffff", 600))
    parts.append(KINDS[kind](rng, hue, sections))
    parts.append("</svg>")
    return "".join(parts).encode()
