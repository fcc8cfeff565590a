"""The market as pages show it: each instrument's last price, day change and feed health."""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel

from aixplore.core.time import utcnow
from aixplore.domain.trading.feed import Candle, PriceFeed, feed_problem, get_feed
from aixplore.domain.trading.instruments import INSTRUMENTS, get_instrument, price_text

CHART_SPANS = {"1d": (timedelta(days=1), 900), "1w": (timedelta(days=7), 3600 * 2)}


class InstrumentRow(BaseModel):
    """One instrument in the market list."""

    symbol: str
    name: str
    last_price: str
    change_percent: str
    rising: bool
    problem: str


def list_market(
    *, feed: PriceFeed | None = None, now: datetime | None = None
) -> list[InstrumentRow]:
    """Every listed instrument with its last price and change over a day."""
    feed, now = feed or get_feed(), now or utcnow()
    rows = []
    for inst in INSTRUMENTS:
        quote = feed.last_price(inst.symbol, now)
        day_ago = feed.last_price(inst.symbol, now - timedelta(days=1))
        change = (quote.price / day_ago.price - 1) * 100 if quote and day_ago else 0.0
        rows.append(
            InstrumentRow(
                symbol=inst.symbol,
                name=inst.name,
                last_price=price_text(inst.symbol, quote.price) if quote else "—",
                change_percent=f"{change:+.2f} %",
                rising=change >= 0,
                problem=feed_problem(quote, now),
            )
        )
    return rows


def chart_candles(
    symbol: str, span: str = "1d", *, feed: PriceFeed | None = None, now: datetime | None = None
) -> list[Candle]:
    """The candles a chart of ``symbol`` over ``span`` ("1d" or "1w") draws."""
    inst = get_instrument(symbol)
    length, interval = CHART_SPANS.get(span, CHART_SPANS["1d"])
    now = now or utcnow()
    return (feed or get_feed()).candles(inst.symbol, interval, now - length, now)
