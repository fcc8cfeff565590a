"""Helpers for the trading tests: a scripted price feed and members signed in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aixplore.domain.trading.feed import TickFeed
from aixplore.domain.trading.instruments import MICROS

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def feed_at(prices: dict[str, float], *, at: datetime = NOW) -> TickFeed:
    """A feed whose last tick of each symbol is ``prices[symbol]`` at ``at``."""
    feed = TickFeed()
    for symbol, price in prices.items():
        feed.add(symbol, at - timedelta(minutes=1), round(price * MICROS))
        feed.add(symbol, at, round(price * MICROS))
    return feed


def tick(feed: TickFeed, symbol: str, price: float, at: datetime) -> None:
    """Add one tick to ``feed``."""
    feed.add(symbol, at, round(price * MICROS))
