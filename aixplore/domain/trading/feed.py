"""Prices behind one interface: candles and the last price of an instrument.

The embedded default, :class:`SimulatedFeed`, works offline: each instrument follows a
geometric Brownian motion (its drift and volatility in ``instruments.py``), one step a
minute from ``EPOCH``, every step's shock drawn from a generator seeded with (seed,
instrument, day). The same seed gives the same prices on every machine, and the clock
replays it: the last price at time t is the step t falls in. Its prices are labelled
"Simulated prices" wherever they show.

A feed that goes quiet (its last tick older than ``STALE_AFTER``) or jumps (a step above
``JUMP_LIMIT``) is not trusted: :func:`trusted_quote` refuses it with a message the page
shows, and nothing is filled or decided on it.
"""

from __future__ import annotations

import bisect
import functools
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

import numpy as np

from aixplore.core.errors import Conflict
from aixplore.core.time import utcnow
from aixplore.domain.trading.instruments import BY_SYMBOL, INSTRUMENTS, MICROS, price_text

EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
STEP_SECONDS = 60
STEPS_PER_DAY = 86_400 // STEP_SECONDS
STALE_AFTER = timedelta(minutes=3)
JUMP_LIMIT = 0.15  # a 15 % move between two ticks is a broken feed, not a market
MAX_CANDLES = 1000
SIMULATED_LABEL = "Simulated prices"
DEFAULT_SEED = 20261207


@dataclass(frozen=True)
class Candle:
    """One interval's open, high, low, close (micro-units) and volume."""

    start: datetime
    open: int
    high: int
    low: int
    close: int
    volume: float


@dataclass(frozen=True)
class Quote:
    """The last price of an instrument, when it was struck and the tick before it."""

    symbol: str
    price: int
    at: datetime
    previous: int
    label: str


class PriceFeed(Protocol):
    """What every price source offers (the simulation, recorded ticks, an exchange)."""

    label: str

    def last_price(self, symbol: str, at: datetime | None = None) -> Quote | None:
        """The last tick at or before ``at`` (now when None); None when there is none."""
        ...

    def candles(
        self, symbol: str, interval_seconds: int, start: datetime, end: datetime
    ) -> list[Candle]:
        """Candles of ``interval_seconds`` covering ``start`` to ``end`` (oldest first)."""
        ...


def _aggregate(
    times: list[datetime], prices: list[int], volumes: list[float], interval: int
) -> list[Candle]:
    """Group ticks (oldest first) into candles of ``interval`` seconds."""
    out: list[Candle] = []
    bucket: list[int] = []
    volume = 0.0
    start: datetime | None = None
    for at, price, vol in zip(times, prices, volumes, strict=True):
        offset = int((at - EPOCH).total_seconds()) // interval * interval
        begins = EPOCH + timedelta(seconds=offset)
        if start is not None and begins != start:
            out.append(Candle(start, bucket[0], max(bucket), min(bucket), bucket[-1], volume))
            bucket, volume = [], 0.0
        start = begins
        bucket.append(price)
        volume += vol
    if start is not None and bucket:
        out.append(Candle(start, bucket[0], max(bucket), min(bucket), bucket[-1], volume))
    return out[-MAX_CANDLES:]


class SimulatedFeed:
    """Seeded geometric Brownian motion per instrument, replayed on the clock."""

    label = SIMULATED_LABEL

    def __init__(self, seed: int = DEFAULT_SEED) -> None:
        """A feed whose every price follows from ``seed``."""
        self.seed = seed
        self._day_totals: dict[str, list[float]] = {}

    @functools.lru_cache(maxsize=512)  # noqa: B019 - bounded; feeds live as long as the process
    def _day(self, symbol: str, day: int) -> tuple[np.ndarray, np.ndarray]:
        """Cumulative log returns and volumes of one day's steps."""
        inst = BY_SYMBOL[symbol]
        index = INSTRUMENTS.index(inst)
        rng = np.random.default_rng([self.seed, index, day])
        dt = STEP_SECONDS / (365 * 86_400)
        shocks = rng.standard_normal(STEPS_PER_DAY)
        steps = (inst.drift - inst.volatility**2 / 2) * dt + inst.volatility * math.sqrt(
            dt
        ) * shocks
        volumes = np.exp(rng.standard_normal(STEPS_PER_DAY) * 0.5) * 10.0
        return np.cumsum(steps), volumes

    def _offset(self, symbol: str, day: int) -> float:
        """The log return from the epoch to the start of ``day``."""
        totals = self._day_totals.setdefault(symbol, [0.0])
        while len(totals) <= day:
            totals.append(totals[-1] + float(self._day(symbol, len(totals) - 1)[0][-1]))
        return totals[day]

    def _price(self, symbol: str, step: int) -> int:
        day, i = divmod(step, STEPS_PER_DAY)
        log_return = self._offset(symbol, day) + float(self._day(symbol, day)[0][i])
        return round(float(BY_SYMBOL[symbol].start_price) * math.exp(log_return) * MICROS)

    def last_price(self, symbol: str, at: datetime | None = None) -> Quote | None:
        """The step that ``at`` falls in (none before the epoch or for an unknown symbol)."""
        at = at or utcnow()
        if symbol not in BY_SYMBOL or at < EPOCH:
            return None
        step = int((at - EPOCH).total_seconds()) // STEP_SECONDS
        previous = self._price(symbol, step - 1) if step else self._price(symbol, 0)
        struck = EPOCH + timedelta(seconds=step * STEP_SECONDS)
        return Quote(symbol, self._price(symbol, step), struck, previous, self.label)

    def candles(
        self, symbol: str, interval_seconds: int, start: datetime, end: datetime
    ) -> list[Candle]:
        """Candles from the minute steps (the last ``MAX_CANDLES`` of the range)."""
        if symbol not in BY_SYMBOL or end < EPOCH or interval_seconds < STEP_SECONDS:
            return []
        start = max(start, EPOCH, end - timedelta(seconds=interval_seconds * MAX_CANDLES))
        first = int((start - EPOCH).total_seconds()) // interval_seconds * interval_seconds
        last = int((end - EPOCH).total_seconds()) // STEP_SECONDS
        times, prices, volumes = [], [], []
        for step in range(first // STEP_SECONDS, last + 1):
            day, i = divmod(step, STEPS_PER_DAY)
            times.append(EPOCH + timedelta(seconds=step * STEP_SECONDS))
            prices.append(self._price(symbol, step))
            volumes.append(float(self._day(symbol, day)[1][i]))
        return _aggregate(times, prices, volumes, interval_seconds)


@dataclass
class TickFeed:
    """Recorded ticks replayed as a feed (an exchange's trades, a test's script of prices)."""

    label: str = "Recorded prices"
    ticks: dict[str, list[tuple[datetime, int]]] = field(default_factory=dict)

    def add(self, symbol: str, at: datetime, price: int) -> None:
        """Record one tick (kept in time order)."""
        bisect.insort(self.ticks.setdefault(symbol, []), (at, price))

    def last_price(self, symbol: str, at: datetime | None = None) -> Quote | None:
        """The newest tick at or before ``at``."""
        at = at or utcnow()
        series = self.ticks.get(symbol, [])
        index = bisect.bisect_right(series, (at, 2**63)) - 1
        if index < 0:
            return None
        previous = series[index - 1][1] if index else series[index][1]
        return Quote(symbol, series[index][1], series[index][0], previous, self.label)

    def candles(
        self, symbol: str, interval_seconds: int, start: datetime, end: datetime
    ) -> list[Candle]:
        """Candles of the ticks between ``start`` and ``end`` (one unit of volume each)."""
        chosen = [(t, p) for t, p in self.ticks.get(symbol, []) if start <= t <= end]
        return _aggregate(
            [t for t, _ in chosen], [p for _, p in chosen], [1.0] * len(chosen), interval_seconds
        )


_feed: PriceFeed | None = None


def get_feed() -> PriceFeed:
    """The process's price feed (the seeded simulation unless one was installed)."""
    global _feed
    if _feed is None:
        _feed = SimulatedFeed()
    return _feed


def set_feed(feed: PriceFeed | None) -> None:
    """Install ``feed`` for this process (None goes back to the simulation)."""
    global _feed
    _feed = feed


def feed_problem(quote: Quote | None, now: datetime | None = None) -> str:
    """Why ``quote`` cannot be trusted ("" when it can): no price, stale or jumping."""
    if quote is None:
        return "There is no price for this instrument yet."
    now = now or utcnow()
    if now - quote.at > STALE_AFTER:
        when = quote.at.strftime("%d %b %Y, %H:%M UTC")
        return (
            f"The price feed for {quote.symbol} is stale (last price at {when}): "
            "nothing is filled or decided on stale prices."
        )
    if quote.previous and abs(quote.price / quote.previous - 1) > JUMP_LIMIT:
        return (
            f"The price feed for {quote.symbol} jumped from "
            f"{price_text(quote.symbol, quote.previous)} to {price_text(quote.symbol, quote.price)}"
            " in one tick: nothing is filled or decided until it settles."
        )
    return ""


def trusted_quote(symbol: str, feed: PriceFeed | None = None, now: datetime | None = None) -> Quote:
    """The last price of ``symbol``, or Conflict saying why the feed cannot be used now."""
    now = now or utcnow()
    quote = (feed or get_feed()).last_price(symbol, now)
    problem = feed_problem(quote, now)
    if problem or quote is None:
        raise Conflict(problem)
    return quote
