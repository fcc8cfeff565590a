"""Copy fan-out: proportional positions once per signal and copy (run twice, run at once),
copies close with the leader's outcome, the copy stop, the stale feed, paused copies."""

from __future__ import annotations

import contextlib
import threading
from datetime import timedelta

import pytest
from sqlmodel import col, select

from aixplore.core.db import get_engine, session_scope
from aixplore.core.time import utcnow
from aixplore.domain.trading import copying, fanout, outcomes, signals
from aixplore.domain.trading.copy_models import CopyPosition, TradingCopy
from aixplore.domain.trading.feed import get_feed
from aixplore.domain.trading.instruments import value_micros
from aixplore.domain.trading.models import TradingSignal
from aixplore.jobs import trading as jobs
from tests.unit.domain.social.support import person
from tests.unit.domain.trading.copy_support import seasoned_leader, start
from tests.unit.domain.trading.support import NOW, feed_at, tick

LONG = {
    "instrument": "BTC/USD",
    "direction": "long",
    "entry": "60000",
    "stop_loss": "57000",
    "take_profit": "64000",
    "size_percent": "2.5",
}


def _publish(leader, data=LONG, feed=None):
    with session_scope() as db:
        return signals.do_publish_signal(
            db, leader, data, feed=feed or feed_at({"BTC/USD": 60000}), now=NOW
        )


def _fan_out(signal_id, feed=None, now=NOW):
    with session_scope() as db:
        return fanout.fan_out_signal(
            db, signal_id, feed=feed or feed_at({"BTC/USD": 60000}), now=now
        )


def _positions(copy_id):
    with session_scope() as db:
        return db.exec(
            select(CopyPosition)
            .where(CopyPosition.copy_id == copy_id)
            .order_by(col(CopyPosition.id))
        ).all()


def _copy(copy_id):
    with session_scope() as db:
        return db.get(TradingCopy, copy_id)


def test_a_signal_opens_a_proportional_position_in_each_copy_once():
    leader, handle = seasoned_leader()
    fay, gus = person("Fay"), person("Gus")
    small, big = start(fay, handle, allocation="1000").id, start(gus, handle, allocation="40000").id
    published = _publish(leader)
    assert _fan_out(published.id) == 2
    assert _fan_out(published.id) == 0  # a retried job opens nothing twice
    for copy_id, allocation in ((small, 1000), (big, 40000)):
        [position] = _positions(copy_id)
        # 2.5 % of the copy's equity, at 60,000 plus 5 bp slippage, 10 bp fee.
        assert position.entry_price == 60_030_000_000
        assert position.cost == pytest.approx(allocation * 0.025 * 10**6, abs=1_000)
        assert position.fee == position.cost // 1000
        assert _copy(copy_id).cash == allocation * 10**6 - position.cost - position.fee
    # The first copy's next position is sized on its equity now (cash plus the open position).
    second = _publish(leader, {**LONG, "size_percent": "10"})
    assert _fan_out(second.id) == 2
    first, nxt = _positions(small)
    equity = _copy(small).cash + nxt.cost + nxt.fee + value_micros(60_000_000_000, first.quantity)
    assert nxt.cost == pytest.approx(equity * 0.1, abs=1_000)


def test_only_new_signals_or_open_trades_too():
    leader, handle = seasoned_leader()
    earlier = _publish(leader)
    _fan_out(earlier.id)
    later = NOW + timedelta(minutes=1)
    feed = feed_at({"BTC/USD": 60000}, at=later)
    new_only = start(person("Fay"), handle, mode="new", feed=feed, now=later).id
    with_open = start(person("Gus"), handle, mode="open", feed=feed, now=later).id
    assert _positions(new_only) == []
    [copied] = _positions(with_open)
    assert (copied.signal_id, copied.status) == (earlier.id, "open")
    assert copied.cost == pytest.approx(250 * 10**6, abs=1_000)


def test_a_paused_copy_opens_nothing_and_a_resumed_one_copies_again():
    leader, handle = seasoned_leader()
    fay = person("Fay")
    copy_id = start(fay, handle).id
    with session_scope() as db:
        copying.do_pause_copy(db, fay, copy_id, paused=True)
    assert _fan_out(_publish(leader).id) == 0
    with session_scope() as db:
        copying.do_pause_copy(db, fay, copy_id, paused=False)
    assert _fan_out(_publish(leader).id) == 1


def test_a_stale_feed_makes_the_fan_out_wait_then_skip_with_a_notice():
    leader, handle = seasoned_leader()
    copy_id = start(person("Fay"), handle).id
    first, second = _publish(leader).id, _publish(leader).id
    stale = feed_at({"BTC/USD": 60000}, at=NOW - timedelta(hours=1))
    assert _fan_out(first, feed=stale) == 0
    with session_scope() as db:
        assert db.get(TradingSignal, first).copied_at is None
        assert fanout.list_uncopied(db, older_than_seconds=-(10**9)) == [first, second]
    assert _fan_out(first) == 1  # the feed is back: it fills
    with session_scope() as db:  # the second signal closes while the feed is still quiet
        db.get(TradingSignal, second).status = "hit_stop"
    assert _fan_out(second, feed=stale) == 0
    skipped = _positions(copy_id)[1]
    assert (skipped.status, skipped.quantity) == ("skipped", 0)
    assert "stale until the leader's signal closed" in skipped.note


def test_copies_close_with_the_leaders_outcome_from_the_feed():
    leader, handle = seasoned_leader()
    fay = person("Fay")
    copy_id = start(fay, handle, allocation="10000").id
    feed = feed_at({"BTC/USD": 60000})
    published = _publish(leader, feed=feed)
    _fan_out(published.id, feed=feed)
    after = NOW + signals.EDIT_GRACE + timedelta(minutes=1)
    tick(feed, "BTC/USD", 64100, after)
    with session_scope() as db:
        assert outcomes.decide_outcomes(db, feed=feed, now=after) == 1
    with session_scope() as db:
        assert fanout.close_decided(db, now=after) == 1
    with session_scope() as db:
        assert fanout.close_decided(db, now=after) == 0
    [position] = _positions(copy_id)
    assert (position.status, position.exit_price) == ("closed", 64_000_000_000)
    # Bought ~$250 at 60,030, sold at 64,000 less fees: about +$16.02.
    assert position.pnl == pytest.approx(16_017_000, abs=5_000)
    assert _copy(copy_id).cash == 10_000 * 10**6 + position.pnl


def test_a_short_copy_gains_as_the_price_falls():
    value = fanout.position_value
    assert value("short", 10**8, 60_000 * 10**6, 57_000 * 10**6) == 63_000 * 10**6
    assert value("long", 10**8, 60_000 * 10**6, 57_000 * 10**6) == 57_000 * 10**6


def test_the_copy_stop_closes_the_copy_and_returns_its_equity():
    leader, handle = seasoned_leader()
    fay = person("Fay")
    copy_id = start(fay, handle, allocation="10000", stop="5").id
    _fan_out(_publish(leader, {**LONG, "size_percent": "90"}).id)
    later = NOW + timedelta(minutes=2)
    calm = feed_at({"BTC/USD": 58000}, at=later)  # -3.4 % x 90 %: above the stop
    with session_scope() as db:
        assert fanout.check_copy_stops(db, feed=calm, now=later) == 0
    stale = feed_at({"BTC/USD": 55000}, at=later - timedelta(hours=1))
    with session_scope() as db:  # never stopped out on a stale price
        assert fanout.check_copy_stops(db, feed=stale, now=later) == 0
    falling = feed_at({"BTC/USD": 56000}, at=later)  # -6.7 % x 90 %: below the 5 % stop
    with session_scope() as db:
        assert fanout.check_copy_stops(db, feed=falling, now=later) == 1
    copy = _copy(copy_id)
    [position] = _positions(copy_id)
    assert (copy.status, copy.cash, position.status) == ("stopped", 0, "closed")
    assert copy.final_equity < 9_500 * 10**6
    with session_scope() as db:
        shown = copying.list_my_copies(db, fay, feed=falling, now=later)[0]
        cash = db.exec(select(TradingCopy.final_equity).where(TradingCopy.id == copy_id)).one()
    assert shown.notice == "Stopped by its copy stop-loss."
    assert cash == copy.final_equity


def test_a_crashed_fan_out_leaves_nothing_and_the_retry_opens_each_once():
    leader, handle = seasoned_leader()
    copy_id = start(person("Fay"), handle).id
    published = _publish(leader)
    with pytest.raises(RuntimeError), session_scope() as db:
        fanout.fan_out_signal(db, published.id, feed=feed_at({"BTC/USD": 60000}), now=NOW)
        raise RuntimeError("the worker died before its commit")
    assert _positions(copy_id) == []
    assert _fan_out(published.id) == 1
    assert len(_positions(copy_id)) == 1


def test_two_fan_outs_at_once_open_each_copy_position_once():
    if get_engine().dialect.name == "sqlite":
        pytest.skip("SQLite begins every transaction IMMEDIATE: two fan-outs cannot interleave")
    leader, handle = seasoned_leader()
    copies = [start(person(f"F{i}"), handle).id for i in range(3)]
    published = _publish(leader)
    barrier = threading.Barrier(2)
    base = feed_at({"BTC/USD": 60000})

    class SlowFeed(type(base)):
        """Holds the first run inside its unit of work until the other run has started."""

        def last_price(self, symbol, at=None):
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(timeout=1)
            return base.last_price(symbol, at)

    results: list = []

    def run():
        try:
            results.append(_fan_out(published.id, feed=SlowFeed()))
        except Exception as exc:
            results.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results, key=str) == [0, 3]
    for copy_id in copies:
        [position] = _positions(copy_id)
        assert _copy(copy_id).cash == 10_000 * 10**6 - position.cost - position.fee


def test_the_copy_job_opens_once_and_the_minute_job_closes_with_the_leader():
    leader, leader_id = seasoned_leader()
    now = utcnow()
    copy_id = start(person("Fay"), leader_id, feed=get_feed(), now=now - timedelta(minutes=1)).id
    quote = get_feed().last_price("BTC/USD", now)
    assert quote is not None
    price = quote.price / 10**6
    with session_scope() as db:
        published = signals.do_publish_signal(
            db,
            leader,
            {
                **LONG,
                "entry": f"{price:.2f}",
                "stop_loss": f"{price * 0.9:.2f}",
                "take_profit": f"{price * 1.1:.2f}",
            },
        )
    assert jobs.copy_signal.call_local(published.id) == 1
    assert jobs.copy_signal.call_local(published.id) == 0
    with session_scope() as db:
        signal = db.get(TradingSignal, published.id)
        signal.status, signal.outcome_price = "hit_target", signal.take_profit
    jobs.trade_against_feed.call_local()
    [position] = _positions(copy_id)
    assert (position.status, position.exit_price) == ("closed", signal.take_profit)
