"""The price feed: a seeded simulation that replays the same prices, and a feed that goes
stale or jumps is refused."""

from __future__ import annotations

import math
from datetime import timedelta

import numpy as np
import pytest

from aixplore.core.errors import Conflict
from aixplore.domain.trading.feed import (
    EPOCH,
    SIMULATED_LABEL,
    SimulatedFeed,
    TickFeed,
    feed_problem,
    trusted_quote,
)
from tests.unit.domain.trading.support import NOW, feed_at, tick


def test_the_simulation_is_deterministic_from_its_seed_and_replayed_on_the_clock():
    a, b, other = SimulatedFeed(7), SimulatedFeed(7), SimulatedFeed(8)
    qa = a.last_price("BTC/USD", NOW)
    assert qa is not None and qa.label == SIMULATED_LABEL
    assert qa == b.last_price("BTC/USD", NOW)
    assert qa.price != (other.last_price("BTC/USD", NOW) or qa).price
    # The clock picks the step: 30 s later is the same minute, 60 s later the next one.
    assert a.last_price("BTC/USD", NOW + timedelta(seconds=30)) == qa
    assert a.last_price("BTC/USD", NOW + timedelta(seconds=60)) != qa
    assert a.last_price("BTC/USD", EPOCH - timedelta(days=1)) is None
    assert a.last_price("NOPE", NOW) is None


def test_candles_agree_with_the_last_prices_and_are_coherent():
    feed = SimulatedFeed(3)
    candles = feed.candles("ETH/USD", 3600, NOW - timedelta(hours=5), NOW)
    assert len(candles) == 6
    for c in candles:
        assert c.low <= min(c.open, c.close) <= max(c.open, c.close) <= c.high and c.volume > 0
    last = feed.last_price("ETH/USD", NOW)
    assert last is not None and candles[-1].close == last.price
    hourly_open = feed.last_price("ETH/USD", candles[-1].start)
    assert hourly_open is not None and candles[-1].open == hourly_open.price


def test_simulated_log_returns_have_the_instruments_volatility():
    # Geometric Brownian motion: minute log returns are normal with sigma * sqrt(dt).
    feed = SimulatedFeed(11)
    prices = [c.close for c in feed.candles("AAPL", 60, NOW - timedelta(hours=16), NOW)]
    returns = np.diff(np.log(np.array(prices, dtype=float)))
    expected = 0.25 * math.sqrt(60 / (365 * 86_400))
    assert abs(returns.std() / expected - 1) < 0.1


def test_a_quiet_feed_is_stale_and_refused():
    feed = feed_at({"BTC/USD": 60000})
    assert feed_problem(feed.last_price("BTC/USD", NOW), NOW) == ""
    later = NOW + timedelta(minutes=10)
    problem = feed_problem(feed.last_price("BTC/USD", later), later)
    assert "stale" in problem
    with pytest.raises(Conflict, match="stale"):
        trusted_quote("BTC/USD", feed, later)


def test_a_jumping_feed_is_refused():
    feed = feed_at({"BTC/USD": 60000})
    tick(feed, "BTC/USD", 90000, NOW + timedelta(minutes=1))
    with pytest.raises(Conflict, match="jumped"):
        trusted_quote("BTC/USD", feed, NOW + timedelta(minutes=1))
    with pytest.raises(Conflict, match="no price"):
        trusted_quote("BTC/USD", TickFeed(), NOW)
