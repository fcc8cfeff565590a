"""Paper portfolios: fills with slippage and fees, P&L, limit orders, refusals that change
nothing, and another member's orders out of reach."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from aixplore.core.db import get_engine, session_scope
from aixplore.core.errors import Conflict, NotAuthenticated, NotFound, ValidationFailed
from aixplore.domain.trading import portfolio as paper
from aixplore.domain.trading.models import EquityPoint, PaperOrder, PaperPortfolio
from tests.unit.domain.social.support import person
from tests.unit.domain.trading.support import NOW, feed_at, tick

BUY_ONE = {"instrument": "BTC/USD", "side": "buy", "type": "market", "quantity": "1"}
LIMIT_BUY = {"instrument": "ETH/USD", "side": "buy", "type": "limit", "limit_price": "2900"}


def _place(actor, data, feed, now=NOW):
    with session_scope() as db:
        return paper.do_place_order(db, actor, data, feed=feed, now=now)


def _mine(actor, feed, now=NOW):
    with session_scope() as db:
        return paper.get_my_portfolio(db, actor, feed=feed, now=now)


def test_a_new_portfolio_holds_virtual_cash_only():
    me = person()
    shown = _mine(me, feed_at({"BTC/USD": 60000}))
    assert shown.cash == shown.equity == "$100,000.00" and shown.return_percent == "+0.00 %"
    assert shown.positions == [] and len(shown.curve) == 2


def test_a_market_buy_then_sell_pays_slippage_and_fees_and_realizes_pnl():
    me = person()
    feed = feed_at({"BTC/USD": 60000})
    order = _place(me, BUY_ONE, feed)
    # 60,000 + 5 bp slippage = 60,030; fee 10 bp of that = 60.03.
    assert (order.status, order.fill_price, order.fee) == ("filled", "60,030.00", "$60.03")
    shown = _mine(me, feed)
    assert shown.cash == "$39,909.97"
    (pos,) = shown.positions
    assert (pos.quantity, pos.average_price, pos.value) == ("1", "60,090.03", "$60,000.00")
    assert pos.unrealized == "-$90.03" and shown.equity == "$99,909.97"

    later = NOW + timedelta(minutes=2)
    tick(feed, "BTC/USD", 61000, later)
    assert _mine(me, feed, later).positions[0].unrealized == "$909.97"
    sold = _place(me, {**BUY_ONE, "side": "sell", "quantity": "0.5"}, feed, later)
    # 61,000 - 5 bp = 60,969.50 a unit; half: 30,484.75, fee 30.48475; cost share 30,045.015.
    assert (sold.fill_price, sold.fee) == ("60,969.50", "$30.48")
    shown = _mine(me, feed, later)
    (pos,) = shown.positions
    assert pos.quantity == "0.5" and pos.realized == "$409.25"
    assert shown.realized == "$409.25" and shown.unrealized == "$454.98"  # 454.985, half-even
    assert shown.equity == "$100,864.24" and shown.return_percent == "+0.86 %"


def test_an_order_above_the_cash_is_refused_and_nothing_is_saved():
    me = person()
    feed = feed_at({"BTC/USD": 60000})
    _mine(me, feed)
    with pytest.raises(ValidationFailed, match=r"needs .* you have \$100,000.00 free"):
        _place(me, {**BUY_ONE, "quantity": "2"}, feed)
    with pytest.raises(ValidationFailed, match="long only"):
        _place(me, {**BUY_ONE, "side": "sell"}, feed)
    with session_scope() as db:
        assert db.exec(select(PaperOrder)).all() == []
        assert db.exec(select(PaperPortfolio)).one().cash == paper.STARTING_CASH


def test_nothing_is_filled_on_a_stale_or_jumping_feed():
    me = person()
    feed = feed_at({"BTC/USD": 60000})
    with pytest.raises(Conflict, match="stale"):
        _place(me, BUY_ONE, feed, NOW + timedelta(minutes=5))
    tick(feed, "BTC/USD", 30000, NOW + timedelta(minutes=1))
    with pytest.raises(Conflict, match="jumped"):
        _place(me, BUY_ONE, feed, NOW + timedelta(minutes=1))
    shown = _mine(me, feed, NOW + timedelta(minutes=10))
    assert shown.orders == []


def test_a_limit_order_reserves_cash_and_fills_when_the_price_reaches_it():
    me = person()
    feed = feed_at({"ETH/USD": 3000})
    order = _place(me, {**LIMIT_BUY, "quantity": "30"}, feed)
    assert order.status == "open"
    # 30 x 2,900 = 87,000 + fee reserved: another 5 ETH at market (about 15,000) do not fit.
    with pytest.raises(ValidationFailed, match="free"):
        _place(
            me, {"instrument": "ETH/USD", "side": "buy", "type": "market", "quantity": "5"}, feed
        )
    with session_scope() as db:
        assert paper.fill_limit_orders(db, feed=feed, now=NOW) == 0
    at = NOW + timedelta(minutes=1)
    tick(feed, "ETH/USD", 2850, at)
    with session_scope() as db:
        assert paper.fill_limit_orders(db, feed=feed, now=at + timedelta(minutes=5)) == 0  # stale
        assert paper.fill_limit_orders(db, feed=feed, now=at) == 1
    shown = _mine(me, feed, at)
    (filled,) = shown.orders
    # The better of the limit and the last price, no slippage; fee 10 bp.
    assert (filled.status, filled.fill_price, filled.fee) == ("filled", "2,850.00", "$85.50")
    assert shown.cash == "$14,414.50"
    with session_scope() as db:
        assert len(db.exec(select(EquityPoint)).all()) == 2


def test_only_the_owner_cancels_an_order_and_only_while_open():
    me, other = person(), person()
    feed = feed_at({"ETH/USD": 3000})
    order = _place(me, {**LIMIT_BUY, "quantity": "1"}, feed)
    for wrong in (order.id, str(order.id), True, -1, None):
        with pytest.raises(NotFound), session_scope() as db:
            paper.do_cancel_order(db, other, wrong)
    with pytest.raises(NotAuthenticated), session_scope() as db:
        paper.do_cancel_order(db, None, order.id)
    with session_scope() as db:
        assert paper.do_cancel_order(db, me, order.id).status == "cancelled"
    with pytest.raises(ValidationFailed, match="open"), session_scope() as db:
        paper.do_cancel_order(db, me, order.id)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("buy", "form"),
        ({**BUY_ONE, "instrument": "DOGE/MOON"}, "listed instruments"),
        ({**BUY_ONE, "side": "hold"}, "buy or sell"),
        ({**BUY_ONE, "type": "stop"}, "market or a limit"),
        ({**BUY_ONE, "quantity": "-1"}, "positive"),
        ({**BUY_ONE, "quantity": "NaN"}, "positive"),
        ({**BUY_ONE, "quantity": "lots"}, "number"),
        ({**BUY_ONE, "quantity": "0.000000001"}, "too small"),
        ({**BUY_ONE, "type": "limit"}, "Limit price must be a number"),
    ],
)
def test_bad_orders_get_clear_messages(data, message):
    me = person()
    with pytest.raises(ValidationFailed, match=message):
        _place(me, data, feed_at({"BTC/USD": 60000}))


def test_two_fill_runs_at_once_fill_a_limit_order_once():
    if get_engine().dialect.name == "sqlite":
        pytest.skip("SQLite begins every transaction IMMEDIATE: two fill runs cannot interleave")
    me = person()
    feed = feed_at({"ETH/USD": 2800})
    _place(me, {**LIMIT_BUY, "quantity": "1"}, feed)

    class RacingFeed(type(feed)):
        """Another run fills the order while this one reads the price (after it read the order)."""

        raced = False

        def last_price(self, symbol, at=None):
            if not self.raced:
                self.raced = True
                with session_scope() as other:
                    assert paper.fill_limit_orders(other, feed=feed, now=NOW) == 1
            return feed.last_price(symbol, at)

    with session_scope() as db:
        assert paper.fill_limit_orders(db, feed=RacingFeed(), now=NOW) == 0
    shown = _mine(me, feed)
    assert [o.status for o in shown.orders] == ["filled"]
    assert shown.cash == "$97,197.20"  # 100,000 - 2,800 - 2.80 fee, once
