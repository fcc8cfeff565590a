"""The server-drawn trading charts: labelled SVG, names escaped, levels and a curve drawn."""

from __future__ import annotations

from datetime import timedelta

from aixplore.domain.trading import market
from aixplore.domain.trading.feed import SimulatedFeed
from aixplore.domain.trading.instruments import MICROS
from aixplore.web.trading.charts import candle_svg, chart_data, chart_summary, line_svg
from tests.unit.domain.trading.support import NOW


def test_charts_draw_candles_levels_and_a_curve_as_labelled_svg():
    candles = market.chart_candles("BTC/USD", "1d", feed=SimulatedFeed(), now=NOW)
    assert len(candles) == 97  # 15-minute candles over a day, both ends included
    svg = candle_svg(candles, 'BTC/USD "day"', [(candles[-1].close, "<entry>", "#2563eb")])
    assert svg.startswith('<svg viewBox="0 0 640 280"') and 'role="img"' in svg
    assert 'aria-label="BTC/USD &quot;day&quot;"' in svg and "&lt;entry&gt;" in svg
    assert svg.count("<rect") == 2 * len(candles)
    curve = line_svg([(NOW, 1), (NOW + timedelta(hours=1), 3)], "Equity")
    assert "<polyline" in curve and "#16a34a" in curve
    assert "<polyline" not in line_svg([(NOW, 1)], "Equity")


def test_the_canvas_chart_gets_candles_lines_and_signals_on_their_candle():
    candles = market.chart_candles("BTC/USD", "1d", feed=SimulatedFeed(), now=NOW)
    inside = candles[10].start + timedelta(minutes=7)
    marks = [(inside, "short"), (candles[0].start - timedelta(hours=1), "long"), (NOW, "long")]
    data = chart_data(candles, [(candles[-1].close, "entry", "#2563eb")], marks)
    assert len(data["candles"]) == len(candles) and data["candles"][-1]["close"] == (
        candles[-1].close / MICROS
    )
    assert data["lines"] == [
        {"price": candles[-1].close / MICROS, "title": "entry", "color": "#2563eb"}
    ]
    # Before the chart's first candle: not drawn; inside: on the candle it falls in, in order.
    assert [(m["time"], m["text"], m["shape"]) for m in data["markers"]] == [
        (int(candles[10].start.timestamp()), "short", "arrowDown"),
        (int(candles[-1].start.timestamp()), "long", "arrowUp"),
    ]
    assert chart_summary(candles, 2).endswith("; 2 signals marked.")
    assert chart_summary([]) == "No prices to chart yet."
