"""Server-drawn SVG charts: candlesticks with volume and level lines, and an equity curve.

The SVG is built from numbers only (no user text), so it is safe to hand to ``rx.html``; it
scales to its box's width (``viewBox``), which keeps it readable on a 375 px phone.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from datetime import datetime
from html import escape
from typing import Any

from aixplore.domain.trading.feed import Candle
from aixplore.domain.trading.instruments import MICROS

WIDTH, HEIGHT, VOLUME_HEIGHT, PAD = 640, 280, 50, 6
UP, DOWN = "#16a34a", "#dc2626"


def _svg(label: str, body: str) -> str:
    return (
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        f'aria-label="{escape(label)}" style="display:block">{body}</svg>'
    )


def candle_svg(
    candles: Sequence[Candle], label: str, levels: Sequence[tuple[int, str, str]] = ()
) -> str:
    """Candlesticks over volume bars, with horizontal ``levels`` (price, name, colour)."""
    if not candles:
        return _svg(label, "")
    prices = [c.low for c in candles] + [c.high for c in candles] + [p for p, _, _ in levels]
    low, high = min(prices), max(prices)
    span = max(high - low, 1)
    top = HEIGHT - VOLUME_HEIGHT - PAD
    most = max(c.volume for c in candles) or 1.0
    step = (WIDTH - 2 * PAD) / len(candles)

    def y(price: int) -> float:
        return PAD + (high - price) / span * (top - PAD)

    parts = []
    for i, c in enumerate(candles):
        x = PAD + i * step + step / 2
        colour = UP if c.close >= c.open else DOWN
        body_top, body_bottom = y(max(c.open, c.close)), y(min(c.open, c.close))
        width = max(step * 0.6, 1)
        bar = c.volume / most * (VOLUME_HEIGHT - 4)
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y(c.high):.1f}" y2="{y(c.low):.1f}" '
            f'stroke="{colour}" stroke-width="1"/>'
            f'<rect x="{x - width / 2:.1f}" y="{body_top:.1f}" width="{width:.1f}" '
            f'height="{max(body_bottom - body_top, 1):.1f}" fill="{colour}"/>'
            f'<rect x="{x - width / 2:.1f}" y="{HEIGHT - bar:.1f}" width="{width:.1f}" '
            f'height="{bar:.1f}" fill="{colour}" opacity="0.35"/>'
        )
    for price, name, colour in levels:
        # The name sits above its line, or below it when the line is at the top edge.
        text_y = y(price) - 4 if y(price) > 20 else y(price) + 16
        parts.append(
            f'<line x1="0" x2="{WIDTH}" y1="{y(price):.1f}" y2="{y(price):.1f}" '
            f'stroke="{colour}" stroke-dasharray="6 4" stroke-width="1.5"/>'
            f'<text x="{WIDTH - 4}" y="{text_y:.1f}" text-anchor="end" font-size="16" '
            f'fill="{colour}">{escape(name)}</text>'
        )
    return _svg(label, "".join(parts))


def line_svg(points: Sequence[tuple[datetime, int]], label: str) -> str:
    """An equity curve: one line through ``points`` (time, value), evenly spread."""
    if len(points) < 2:
        return _svg(label, "")
    values = [v for _, v in points]
    low, high = min(values), max(values)
    span = max(high - low, 1)
    step = (WIDTH - 2 * PAD) / (len(points) - 1)
    path = " ".join(
        f"{PAD + i * step:.1f},{PAD + (high - v) / span * (HEIGHT - 2 * PAD):.1f}"
        for i, v in enumerate(values)
    )
    colour = UP if values[-1] >= values[0] else DOWN
    return _svg(
        label,
        f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>',
    )


def chart_data(
    candles: Sequence[Candle],
    levels: Sequence[tuple[int, str, str]] = (),
    marks: Sequence[tuple[datetime, str]] = (),
) -> dict[str, Any]:
    """What the canvas chart draws (dollars, UNIX seconds): candles with their volume, the
    ``levels`` as lines, and ``marks`` (commitment time, direction) on the candle they fall in."""
    starts = [int(c.start.timestamp()) for c in candles]
    markers = []
    for at, direction in sorted(marks):
        at_s = int(at.timestamp())
        slot = bisect.bisect_right(starts, at_s) - 1
        if slot < 0 or (slot == len(starts) - 1 and at_s > starts[-1] + 86_400):
            continue
        long = direction == "long"
        markers.append(
            {
                "time": starts[slot],
                "position": "belowBar" if long else "aboveBar",
                "color": UP if long else DOWN,
                "shape": "arrowUp" if long else "arrowDown",
                "text": "long" if long else "short",
            }
        )
    return {
        "candles": [
            {
                "time": t,
                "open": c.open / MICROS,
                "high": c.high / MICROS,
                "low": c.low / MICROS,
                "close": c.close / MICROS,
                "volume": round(c.volume, 4),
            }
            for t, c in zip(starts, candles, strict=True)
        ],
        "lines": [{"price": p / MICROS, "title": n, "color": colour} for p, n, colour in levels],
        "markers": markers,
    }


def chart_summary(candles: Sequence[Candle], marks: int = 0) -> str:
    """The chart in words: its last close, its range and the signals marked on it."""
    if not candles:
        return "No prices to chart yet."
    low = min(c.low for c in candles) / MICROS
    high = max(c.high for c in candles) / MICROS
    close = candles[-1].close / MICROS
    signals = f"; {marks} signal{'s' if marks != 1 else ''} marked" if marks else ""
    return f"Last close {close:,.2f}, low {low:,.2f}, high {high:,.2f} over the chart{signals}."
