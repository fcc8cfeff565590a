"""The Binance adapter against a local stand-in of its public market-data API."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from aixplore.core.errors import Conflict
from aixplore.core.settings import get_settings
from aixplore.domain.trading import market
from aixplore.domain.trading.feed import SimulatedFeed, get_feed, set_feed, trusted_quote
from aixplore.integrations.price_feed import BinanceFeed
from aixplore.jobs.trading import install_price_feed

T0 = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def _kline(at: datetime, close: str) -> list:
    ms = int(at.timestamp() * 1000)
    return [
        ms,
        "60000.00",
        "60500.00",
        "59500.00",
        close,
        "12.5",
        ms + 59_999,
        "0",
        10,
        "0",
        "0",
        "0",
    ]


class StandIn(BaseHTTPRequestHandler):
    """Answers ``/api/v3/klines`` as Binance does; ``fail`` makes it answer 500."""

    fail = False
    seen: list[dict] = []

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        type(self).seen.append({"path": url.path, **query})
        if self.fail or url.path != "/api/v3/klines":
            self.send_response(500)
            self.end_headers()
            return
        end = datetime.fromtimestamp(
            int(query.get("endTime", T0.timestamp() * 1000)) / 1000, tz=UTC
        )
        step = {"1m": 60, "15m": 900, "2h": 7200}[query["interval"]]
        last = int(end.timestamp()) // step * step
        first = (
            int(query["startTime"]) // 1000
            if "startTime" in query
            else last - step * (int(query["limit"]) - 1)
        )
        first = -(-first // step) * step  # the first candle starting at or after startTime
        # The newest candle closes at 60000.25, each older one a dollar higher.
        rows = [
            _kline(datetime.fromtimestamp(t, tz=UTC), f"{60000 + (last - t) // step}.25")
            for t in range(first, last + 1, step)
        ]
        body = json.dumps(rows).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def binance() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    StandIn.fail, StandIn.seen = False, []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_the_last_price_is_the_newest_minute_candle(binance):
    feed = BinanceFeed(binance)
    quote = feed.last_price("BTC/USD", T0 + timedelta(seconds=30))
    assert quote is not None and quote.label == "Prices from Binance"
    assert (quote.price, quote.previous, quote.at) == (60_000_250_000, 60_001_250_000, T0)
    assert StandIn.seen[-1] == {
        "path": "/api/v3/klines",
        "symbol": "BTCUSDT",
        "interval": "1m",
        "limit": "2",
        "endTime": str(int((T0 + timedelta(seconds=30)).timestamp() * 1000)),
    }
    assert trusted_quote("BTC/USD", feed, T0 + timedelta(seconds=30)).price == 60_000_250_000
    # Binance's newest candle is old by the clock: the feed is stale, nothing is filled on it.
    with pytest.raises(Conflict, match="stale"):
        trusted_quote("BTC/USD", _frozen(feed), T0 + timedelta(minutes=10))


def _frozen(feed: BinanceFeed):
    """The same feed whose exchange stopped at T0 (its answers ignore the asked time)."""

    class Frozen(BinanceFeed):
        def last_price(self, symbol, at=None):
            return feed.last_price(symbol, T0)

    return Frozen(feed.base_url)


def test_candles_map_the_intervals_and_unknown_things_have_no_price(binance):
    feed = BinanceFeed(binance)
    candles = market.chart_candles("ETH/USD", "1d", feed=feed, now=T0)
    assert StandIn.seen[-1]["interval"] == "15m" and StandIn.seen[-1]["symbol"] == "ETHUSDT"
    assert len(candles) == 97 and candles[-1].start == T0 and candles[-1].high == 60_500_000_000
    assert feed.candles("BTC/USD", 1234, T0 - timedelta(hours=1), T0) == []
    assert feed.last_price("AAPL", T0) is None  # not listed on the exchange
    calls = len(StandIn.seen)
    assert feed.last_price("AAPL", T0) is None and len(StandIn.seen) == calls


def test_a_failing_exchange_reads_as_no_price_and_is_refused(binance):
    StandIn.fail = True
    feed = BinanceFeed(binance)
    assert feed.last_price("BTC/USD", T0) is None
    assert feed.candles("BTC/USD", 60, T0 - timedelta(hours=1), T0) == []
    with pytest.raises(Conflict, match="no price"):
        trusted_quote("BTC/USD", feed, T0)


def test_the_settings_choose_the_feed(binance, monkeypatch):
    monkeypatch.setattr(get_settings(), "price_feed", "binance")
    monkeypatch.setattr(get_settings(), "price_feed_url", binance)
    try:
        install_price_feed()
        feed = get_feed()
        assert isinstance(feed, BinanceFeed) and feed.base_url == binance
        assert market.list_market(feed=feed, now=T0)[0].last_price == "60,000.25"
    finally:
        set_feed(None)
    assert isinstance(get_feed(), SimulatedFeed)
