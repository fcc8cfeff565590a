"""The market list: every instrument with its last price, a stale feed flagged."""

from __future__ import annotations

from datetime import timedelta

from aixplore.domain.trading import market
from aixplore.domain.trading.feed import SimulatedFeed
from aixplore.domain.trading.instruments import INSTRUMENTS
from tests.unit.domain.trading.support import NOW, feed_at


def test_the_market_lists_every_instrument_and_flags_a_stale_feed():
    rows = market.list_market(feed=SimulatedFeed(), now=NOW)
    assert [r.symbol for r in rows] == [i.symbol for i in INSTRUMENTS]
    assert all(r.last_price != "—" and r.problem == "" for r in rows)
    quiet = market.list_market(feed=feed_at({"BTC/USD": 60000}), now=NOW + timedelta(minutes=30))
    assert (
        "stale" in quiet[0].problem
        and quiet[1].problem == "There is no price for this instrument yet."
    )
