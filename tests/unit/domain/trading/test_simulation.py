""" "Simulate this copy": the same sizes, prices and fees as a real copy, no look-ahead, the
copy stop, and bad input refused."""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_HALF_EVEN, Decimal

import pytest

from aixplore.core.db import session_scope
from aixplore.core.errors import NotFound, ValidationFailed
from aixplore.domain.trading import fanout, simulation
from aixplore.domain.trading.copy_models import TradingCopy
from aixplore.domain.trading.instruments import MICROS, QTY_SCALE, value_micros
from aixplore.domain.trading.models import Direction, SignalStatus, TradingSignal
from aixplore.domain.trading.portfolio import fee_of
from tests.unit.domain.social.support import person
from tests.unit.domain.trading.board_support import record, trader
from tests.unit.domain.trading.copy_support import seasoned_leader, start
from tests.unit.domain.trading.support import NOW, feed_at, tick

T1, T2, T3 = NOW, NOW + timedelta(hours=2), NOW + timedelta(hours=5)


def _signal(leader_id, seq, instrument, direction, size_bp, at, price):
    return TradingSignal(
        trader_id=leader_id,
        seq=seq,
        instrument=instrument,
        direction=direction,
        entry=price,
        stop_loss=price // 2 if direction == Direction.LONG else price * 2,
        take_profit=price * 2 if direction == Direction.LONG else price // 2,
        size_bp=size_bp,
        committed_at=at,
        created_at=at,
        prev_hash="0" * 64,
        hash=f"{seq:064x}",
        status=SignalStatus.OPEN,
    )


def test_a_simulation_ends_where_a_real_copy_of_the_same_signals_ends():
    _leader, leader_id = seasoned_leader()
    fay = person("Fay Follower")
    copy_id = start(fay, leader_id, allocation="10000", stop="50").id
    feed = feed_at({"BTC/USD": 60000, "ETH/USD": 3000}, at=T1)
    for symbol, price, at in [("BTC/USD", 61000, T2), ("ETH/USD", 3100, T2)]:
        tick(feed, symbol, price, at - timedelta(minutes=1))
        tick(feed, symbol, price, at)
    with session_scope() as db:
        first = _signal(leader_id, 13, "BTC/USD", Direction.LONG, 3000, T1, 60_000 * MICROS)
        second = _signal(leader_id, 14, "ETH/USD", Direction.SHORT, 2000, T2, 3100 * MICROS)
        db.add_all([first, second])
        db.flush()
        ids = [first.id or 0, second.id or 0]
    for signal_id, at in zip(ids, [T1, T2], strict=True):
        with session_scope() as db:
            assert fanout.fan_out_signal(db, signal_id, feed=feed, now=at) == 1
    with session_scope() as db:
        for signal_id, price in zip(ids, [63_000 * MICROS, 2900 * MICROS], strict=True):
            signal = db.get(TradingSignal, signal_id)
            assert signal is not None
            signal.status, signal.outcome_at, signal.outcome_price = (
                SignalStatus.HIT_TARGET,
                T3,
                price,
            )
            db.add(signal)
        db.flush()
        assert fanout.close_decided(db, now=T3) == 2
        real = db.get(TradingCopy, copy_id)
        assert real is not None
        signals = [s for i in ids if (s := db.get(TradingSignal, i))]
        for s in signals:
            db.expunge(s)
    state = simulation.replay(signals, 10_000 * MICROS, 5000, T1 - timedelta(days=1), T3, feed)
    assert state.copied == 2 and state.skipped == 0
    assert state.cash == real.cash and state.curve[-1][1] == real.cash
    assert len(state.results) == 2 and all(r > 0 for r in state.results)


def test_a_signal_counts_only_from_its_commitment_time():
    leader = trader("Lee Leader")
    feed = feed_at({"BTC/USD": 60000}, at=NOW - timedelta(days=3))
    tick(feed, "BTC/USD", 50000, NOW - timedelta(days=2, hours=1))  # a dip before the signal
    tick(feed, "BTC/USD", 60000, NOW - timedelta(days=2))  # the price at commitment
    tick(feed, "BTC/USD", 66000, NOW - timedelta(days=1))
    committed = NOW - timedelta(days=2)
    with session_scope() as db:
        db.add(_signal(leader, 1, "BTC/USD", Direction.LONG, 5000, committed, 60_000 * MICROS))
        # Published a minute ago: still editable, so not history yet.
        db.add(_signal(leader, 2, "BTC/USD", Direction.LONG, 5000, NOW - timedelta(minutes=1), 1))
    with session_scope() as db:
        result = simulation.simulate_copy(
            db,
            leader,
            {"allocation": "10000", "stop_percent": "50", "period": "1m"},
            feed=feed,
            now=NOW,
        )
    assert (result.copied, result.skipped) == (1, 0)
    before = [v for at, v in result.curve if at < committed]
    assert before and set(before) == {10_000 * MICROS}
    # Bought at the price struck at commitment (60,000 + slippage), never the dip before it;
    # still open at the end (its outcome is in the future), valued at 66,000.
    quantity = 5_000 * MICROS * 10**8 // (60_030 * MICROS)
    paid = value_micros(60_030 * MICROS, quantity)
    assert result.final_micros == (
        10_000 * MICROS - paid - fee_of(paid) + value_micros(66_000 * MICROS, quantity)
    )


def test_the_copy_stop_closes_the_simulated_copy():
    loser = trader("Lo Loser")
    days = [(d + 0.5, -0.2) for d in range(10)]
    record(loser, NOW - timedelta(days=20), days, size_bp=9000)
    feed = feed_at({"BTC/USD": 60000}, at=NOW - timedelta(days=25))
    with session_scope() as db:
        result = simulation.simulate_copy(
            db,
            loser,
            {"allocation": "1000", "stop_percent": "30", "period": "1m"},
            feed=feed,
            now=NOW,
        )
    assert "copy stop closed the copy" in result.stopped
    assert result.copied < 10 and result.final_micros < 1000 * MICROS * 0.7 + 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"allocation": "50", "stop_percent": "40"}, "allocation"),
        ({"allocation": "1e9", "stop_percent": "40"}, "allocation"),
        ({"allocation": "1000", "stop_percent": "99"}, "stop_percent"),
        ({"allocation": "1000", "stop_percent": "40", "period": "10y"}, "period"),
        ({"allocation": ["1000"], "stop_percent": "40"}, "allocation"),
    ],
)
def test_bad_simulation_input_gets_a_clear_refusal(data, field):
    leader = trader("Lee Leader")
    with session_scope() as db, pytest.raises(ValidationFailed) as refused:
        simulation.simulate_copy(db, leader, data, feed=feed_at({}), now=NOW)
    assert refused.value.field == field


@pytest.mark.parametrize("leader_id", [0, -1, 2**40, "1", True, None, 999_999])
def test_no_such_leader(leader_id):
    with session_scope() as db, pytest.raises(NotFound):
        simulation.simulate_copy(
            db, leader_id, {"allocation": "1000", "stop_percent": "40"}, feed=feed_at({}), now=NOW
        )


def test_a_fill_value_rounds_half_to_even_as_decimal_arithmetic_does():
    half = QTY_SCALE // 2
    cases = [(1, half), (3, half), (1, half + 1), (7, -half), (60_000 * MICROS, 123_456_789)]
    for price, qty in cases + [(p * 7919, q * 104729) for p in range(40) for q in range(-20, 20)]:
        exact = (Decimal(price) * qty / QTY_SCALE).quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
        assert value_micros(price, qty) == int(exact), (price, qty)
