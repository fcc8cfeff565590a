"""An instrument's interactive chart: TradingView's lightweight-charts as a Reflex component.

``assets/charts/PriceChart.jsx`` draws candlesticks, volume, level lines and signal markers
on a canvas over the server-drawn SVG of the same candles (``charts.py``), which stays the
first paint, the no-JS view and the accessible image. The library is pinned here and loads
as its own chunk, on the pages that chart an instrument only (a client-only component).
"""

from __future__ import annotations

from typing import Any

import reflex as rx

# Apache-2.0; the version checked against the npm registry (see the README's trading section).
LIGHTWEIGHT_CHARTS = "lightweight-charts@5.2.1"


class PriceChart(rx.NoSSRComponent):
    """The canvas chart (client-only, lazily imported)."""

    library = rx.asset("charts/PriceChart.jsx", shared=False).importable_path
    tag = "PriceChart"
    is_default = False
    lib_dependencies: list[str] = [LIGHTWEIGHT_CHARTS]

    # {"candles": [{time, open, high, low, close, volume}], "lines": [...], "markers": [...]}
    data: rx.Var[dict[str, Any]]
    # Names the chart in window.__aixploreCharts (tests and diagnostics).
    chart_id: rx.Var[str]


def price_chart(svg: Any, data: Any, caption: Any, summary: Any, chart_id: str) -> rx.Component:
    """The SVG (first paint, no-JS view, the image's text label) with the canvas chart over
    it, a caption and a text summary of what the chart shows."""
    return rx.el.figure(
        rx.box(
            rx.html(svg),
            PriceChart.create(data=data, chart_id=chart_id),
            position="relative",
            width="100%",
            # The SVG keeps its 640 x 280 shape; the canvas gets room to read on a phone.
            min_height="260px",
            class_name="price-chart-box",
        ),
        rx.el.figcaption(
            rx.text(caption, size="1", color="var(--gray-11)"),
            rx.text(summary, size="1", color="var(--gray-11)"),
        ),
        style={"width": "100%", "margin": "0"},
    )
