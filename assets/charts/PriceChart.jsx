// An instrument's chart on TradingView's lightweight-charts (Apache-2.0): candlesticks, a
// volume histogram, level lines (entry, stop-loss, take-profit) and the signals as markers.
// It draws over the server's SVG of the same candles, which stays the first paint and what a
// browser without JS (or a failed chunk) shows. Its code is a chunk of its own, imported only
// by pages that chart an instrument. Colours follow the app's theme (the box's text colour).
import React, { useEffect, useRef } from "react";
import {
  CandlestickSeries,
  ColorType,
  HistogramSeries,
  LineStyle,
  createChart,
  createSeriesMarkers,
} from "lightweight-charts";

const UP = "#16a34a";
const DOWN = "#dc2626";

export function PriceChart({ data, chartId, height }) {
  const box = useRef(null);
  useEffect(() => {
    const el = box.current;
    const candles = (data && data.candles) || [];
    if (!el || !candles.length) return undefined;
    const ink = getComputedStyle(el).color || "#1c2024";
    const chart = createChart(el, {
      autoSize: true,
      layout: {
        background: { type: ColorType.Solid, color: "transparent" },
        textColor: ink,
        fontFamily: "inherit",
      },
      grid: {
        vertLines: { color: "rgba(128, 128, 128, 0.12)" },
        horzLines: { color: "rgba(128, 128, 128, 0.12)" },
      },
      rightPriceScale: { borderVisible: false, scaleMargins: { top: 0.08, bottom: 0.25 } },
      timeScale: { borderVisible: false, timeVisible: true, secondsVisible: false },
      crosshair: { mode: 0 },
    });
    const prices = chart.addSeries(CandlestickSeries, {
      upColor: UP,
      downColor: DOWN,
      wickUpColor: UP,
      wickDownColor: DOWN,
      borderVisible: false,
    });
    prices.setData(candles.map(({ time, open, high, low, close }) => ({ time, open, high, low, close })));
    const volume = chart.addSeries(HistogramSeries, {
      priceFormat: { type: "volume" },
      priceScaleId: "volume",
      lastValueVisible: false,
      priceLineVisible: false,
    });
    chart.priceScale("volume").applyOptions({ scaleMargins: { top: 0.82, bottom: 0 } });
    volume.setData(
      candles.map((c) => ({
        time: c.time,
        value: c.volume,
        color: c.close >= c.open ? "rgba(22, 163, 74, 0.35)" : "rgba(220, 38, 38, 0.35)",
      })),
    );
    for (const line of data.lines || []) {
      prices.createPriceLine({
        price: line.price,
        color: line.color,
        lineWidth: 1,
        lineStyle: LineStyle.Dashed,
        axisLabelVisible: true,
        title: line.title,
      });
    }
    if ((data.markers || []).length) createSeriesMarkers(prices, data.markers);
    chart.timeScale().fitContent();
    // Every candle stays in view when the box changes width (a phone turned, a window resized).
    const fit = new ResizeObserver(() => chart.timeScale().fitContent());
    fit.observe(el);
    // Opaque once drawn: the SVG underneath stays for no-JS browsers and the first paint.
    el.style.background = "var(--color-panel-solid, var(--color-background, #fff))";
    el.dataset.ready = "true";
    window.__aixploreCharts = { ...(window.__aixploreCharts || {}), [chartId]: candles.length };
    return () => {
      fit.disconnect();
      delete el.dataset.ready;
      el.style.background = "";
      chart.remove();
    };
  }, [data, chartId]);
  return (
    <div
      ref={box}
      className="price-chart"
      data-chart-id={chartId}
      style={{ position: "absolute", inset: 0, height: height || "100%" }}
    />
  );
}
