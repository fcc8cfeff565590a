"""A real market-data source behind the domain's ``PriceFeed``: Binance's public REST API.

Only public, key-less market data is read: ``GET /api/v3/klines`` (one-minute candles give the
last price, the time it was struck and the tick before it; longer ones draw charts). Listed
crypto instruments map to Binance's USDT pairs; others have no price here (and so nothing is
filled or decided on them). A failed or slow request is logged and read as "no price", which
the domain refuses as it refuses a stale feed. ``AIXPLORE_PRICE_FEED=binance`` installs it
(the seeded simulation is the default, offline).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

import httpx

from aixplore.domain.trading.feed import Candle, Quote
from aixplore.domain.trading.instruments import MICROS

log = logging.getLogger("aixplore.price_feed")

BINANCE_URL = "https://api.binance.com"
PAIRS = {"BTC/USD": "BTCUSDT", "ETH/USD": "ETHUSDT", "SOL/USD": "SOLUSDT"}
INTERVALS = {60: "1m", 300: "5m", 900: "15m", 3600: "1h", 7200: "2h", 86_400: "1d"}


def _micros(text: Any) -> int:
    return int(Decimal(str(text)) * MICROS)


def _at(millis: Any) -> datetime:
    return datetime.fromtimestamp(int(millis) / 1000, tz=UTC)


class BinanceFeed:
    """Last prices and candles from Binance's public market data."""

    label = "Prices from Binance"

    def __init__(self, base_url: str = BINANCE_URL, *, timeout: float = 3.0) -> None:
        """A feed reading ``base_url`` (a stand-in server's in tests)."""
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def _klines(self, symbol: str, interval: str, **params: Any) -> list[list[Any]]:
        pair = PAIRS.get(symbol)
        if pair is None:
            return []
        try:
            answer = httpx.get(
                f"{self.base_url}/api/v3/klines",
                params={"symbol": pair, "interval": interval, **params},
                timeout=self.timeout,
            )
            answer.raise_for_status()
            rows = answer.json()
        except (httpx.HTTPError, ValueError) as exc:
            log.warning("price feed request for %s failed: %s", symbol, exc)
            return []
        return rows if isinstance(rows, list) else []

    def _candles(self, rows: list[list[Any]]) -> list[Candle]:
        try:
            return [
                Candle(
                    _at(r[0]),
                    _micros(r[1]),
                    _micros(r[2]),
                    _micros(r[3]),
                    _micros(r[4]),
                    float(r[5]),
                )
                for r in rows
            ]
        except (IndexError, TypeError, ValueError, InvalidOperation) as exc:
            log.warning("price feed answered candles of an unknown shape: %s", exc)
            return []

    def last_price(self, symbol: str, at: datetime | None = None) -> Quote | None:
        """The close of the newest one-minute candle (at or before ``at``), struck at its start."""
        params: dict[str, Any] = {"limit": 2}
        if at is not None:
            params["endTime"] = int(at.timestamp() * 1000)
        candles = self._candles(self._klines(symbol, "1m", **params))
        if not candles:
            return None
        last = candles[-1]
        previous = candles[-2].close if len(candles) > 1 else last.close
        return Quote(symbol, last.close, last.start, previous, self.label)

    def candles(
        self, symbol: str, interval_seconds: int, start: datetime, end: datetime
    ) -> list[Candle]:
        """Candles of a supported interval between ``start`` and ``end`` (1,000 at most)."""
        interval = INTERVALS.get(interval_seconds)
        if interval is None or end <= start:
            return []
        start = max(start, end - timedelta(seconds=interval_seconds * 1000))
        rows = self._klines(
            symbol,
            interval,
            startTime=int(start.timestamp() * 1000),
            endTime=int(end.timestamp() * 1000),
            limit=1000,
        )
        return self._candles(rows)
