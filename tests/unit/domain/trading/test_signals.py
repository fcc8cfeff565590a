"""Signals: validation, the hash chain and its tamper checks, the grace period, outcomes from
the feed, and followers told once."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

import pytest
import rfc8785
from sqlalchemy import delete, update
from sqlmodel import col, select

from aixplore.core.db import session_scope
from aixplore.core.errors import (
    Conflict,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from aixplore.domain.activity.models import FeedItem
from aixplore.domain.notifications.models import Notification
from aixplore.domain.social import graph
from aixplore.domain.social.handles import ensure_profile
from aixplore.domain.social.items import entries_for
from aixplore.domain.trading import chain, outcomes, signals
from aixplore.domain.trading.models import TradingSignal
from tests.unit.domain.social.support import person
from tests.unit.domain.trading.support import NOW, feed_at, tick

LONG = {
    "instrument": "BTC/USD",
    "direction": "long",
    "entry": "60000",
    "stop_loss": "58000",
    "take_profit": "64000",
    "size_percent": "2.5",
    "rationale": "Breakout over **resistance**. <script>alert(1)</script>",
}


def _publish(actor, data=LONG, feed=None, now=NOW):
    with session_scope() as db:
        return signals.do_publish_signal(
            db, actor, data, feed=feed or feed_at({"BTC/USD": 60000}, at=now), now=now
        )


def _verify(trader_id):
    with session_scope() as db:
        return chain.verify_chain(db, trader_id)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"stop_loss": "61000"}, "stop-loss must be below its entry"),
        ({"take_profit": "59000"}, "take-profit must be above its entry"),
        ({"direction": "short"}, "stop-loss must be above its entry"),
        (
            {"direction": "short", "stop_loss": "62000", "take_profit": "61000"},
            "take-profit must be below",
        ),
        ({"size_percent": "100.01"}, "at most 100 %"),
        ({"size_percent": "0"}, "positive"),
        (
            {"entry": "70000", "take_profit": "75000"},
            "too far from the market: BTC/USD last traded at 60,000.00",
        ),
        ({"issued_at": (NOW - timedelta(hours=1)).isoformat()}, "Back-dated signals are refused"),
        ({"issued_at": (NOW + timedelta(hours=1)).isoformat()}, "in the future"),
        ({"issued_at": "yesterday"}, "not a date"),
        ({"instrument": "XYZ"}, "listed instruments"),
        ({"direction": "up"}, "long or short"),
        ({"rationale": "x" * 5001}, "under 5000"),
        ({"entry": [1]}, "must be a number"),
    ],
)
def test_bad_signals_are_refused_with_clear_messages(change, message):
    with pytest.raises(ValidationFailed, match=message):
        signals.check_signal({**LONG, **change}, feed=feed_at({"BTC/USD": 60000}), now=NOW)


def test_a_refused_signal_leaves_nothing_behind():
    me = person()
    with pytest.raises(ValidationFailed, match="stop-loss"):
        _publish(me, {**LONG, "stop_loss": "61000"})
    with session_scope() as db:
        assert db.exec(select(TradingSignal)).all() == []


def test_no_signal_on_a_stale_feed_and_none_signed_out():
    me = person()
    with pytest.raises(Conflict, match="stale"):
        _publish(me, feed=feed_at({"BTC/USD": 60000}, at=NOW - timedelta(hours=1)))
    with pytest.raises(NotAuthenticated):
        _publish(None)


def test_signals_chain_per_trader_over_rfc8785_canonical_json():
    me, other = person(), person()
    first = _publish(me, {**LONG, "issued_at": NOW.isoformat()})
    second = _publish(me, {**LONG, "size_percent": "10"}, now=NOW + timedelta(minutes=1))
    theirs = _publish(other)
    assert (first.seq, second.seq, theirs.seq) == (1, 1 + 1, 1)
    assert (
        "<script>" not in first.rationale_html
        and "<strong>resistance</strong>" in first.rationale_html
    )
    report = _verify(me.user_id)
    assert report.intact and [e.seq for e in report.entries] == [1, 2]
    one, two = report.entries
    # Anyone can re-compute: the canonical bytes are RFC 8785 of the fields shown.
    fields = json.loads(one.canonical)
    assert one.canonical.encode() == rfc8785.dumps(fields)
    assert fields["prev_hash"] == chain.GENESIS and fields["size_percent"] == "2.5"
    assert fields["committed_at"] == "2026-06-01T12:00:00.000000Z" and fields["entry"] == "60000"
    assert hashlib.sha256(one.canonical.encode()).hexdigest() == one.stored_hash == first.hash
    assert json.loads(two.canonical)["prev_hash"] == first.hash
    assert _verify(other.user_id).intact


def _tamper(statement) -> None:
    with session_scope() as db:
        db.execute(statement)


def test_a_changed_removed_or_back_dated_signal_breaks_the_chain():
    me = person()
    for minute in range(4):
        _publish(me, now=NOW + timedelta(minutes=minute))
    S = TradingSignal
    _tamper(update(S).where(col(S.seq) == 2).values(stop_loss=59_000_000_000))
    report = _verify(me.user_id)
    assert not report.intact
    assert [bool(e.problems) for e in report.entries] == [False, True, False, False]
    assert "changed after publishing" in report.entries[1].problems[0]

    _tamper(update(S).where(col(S.seq) == 2).values(stop_loss=58_000_000_000))
    assert _verify(me.user_id).intact
    _tamper(update(S).where(col(S.seq) == 3).values(committed_at=NOW - timedelta(days=1)))
    problems = _verify(me.user_id).entries[2].problems
    assert any("changed" in p for p in problems) and any("back-dated" in p for p in problems)

    _tamper(update(S).where(col(S.seq) == 3).values(committed_at=NOW + timedelta(minutes=2)))
    assert _verify(me.user_id).intact
    _tamper(delete(S).where(col(S.seq) == 2))
    report = _verify(me.user_id)
    assert "Signal #2 is missing" in report.entries[1].problems[0]
    assert "previous hash does not match" in report.entries[1].problems[1]


def test_removing_the_newest_signal_shows_at_the_chain_head():
    me = person()
    _publish(me)
    _publish(me, now=NOW + timedelta(minutes=1))
    _tamper(delete(TradingSignal).where(col(TradingSignal.seq) == 2))
    report = _verify(me.user_id)
    assert not report.intact and "head records 2 signals" in report.problems[0]
    assert report.entries[0].problems == []


def test_only_the_trader_edits_and_only_within_the_grace_period():
    me, other = person(), person()
    published = _publish(me)
    assert published.editable
    later = NOW + timedelta(minutes=2)
    feed = feed_at({"BTC/USD": 60500}, at=later)
    with pytest.raises(PermissionDenied), session_scope() as db:
        signals.do_edit_signal(
            db, other, published.id, {**LONG, "stop_loss": "59000"}, feed=feed, now=later
        )
    for wrong in ("1", 0, None, 2**70):
        with pytest.raises(NotFound), session_scope() as db:
            signals.do_edit_signal(db, me, wrong, LONG, feed=feed, now=later)
    with session_scope() as db:
        edited = signals.do_edit_signal(
            db, me, published.id, {**LONG, "stop_loss": "59000"}, feed=feed, now=later
        )
    assert edited.stop_loss == "59,000.00" and edited.hash != published.hash
    assert edited.committed_at == later and _verify(me.user_id).intact
    with pytest.raises(ValidationFailed, match="instrument cannot change"), session_scope() as db:
        signals.do_edit_signal(
            db,
            me,
            published.id,
            {
                **LONG,
                "instrument": "ETH/USD",
                "entry": "3000",
                "stop_loss": "2900",
                "take_profit": "3100",
            },
            feed=feed_at({"ETH/USD": 3000}, at=later),
            now=later,
        )
    sealed = NOW + signals.EDIT_GRACE
    with pytest.raises(Conflict, match="sealed"), session_scope() as db:
        signals.do_edit_signal(
            db, me, published.id, LONG, feed=feed_at({"BTC/USD": 60000}, at=sealed), now=sealed
        )
    # A newer link seals the one before it too.
    newer = _publish(me, now=later)
    with pytest.raises(Conflict, match="newer signal"), session_scope() as db:
        signals.do_edit_signal(db, me, published.id, LONG, feed=feed, now=later)
    with session_scope() as db:
        assert signals.get_signal(db, other, newer.id).editable is False


def _outcome(signal_id, feed, now):
    with session_scope() as db:
        outcomes.decide_outcomes(db, feed=feed, now=now)
        s = db.get(TradingSignal, signal_id)
        assert s is not None
        return s.status, s.outcome_price


def test_outcomes_come_from_the_feed_after_the_commitment_only():
    me = person()
    feed = feed_at({"BTC/USD": 60000})
    # A dip below the stop before the signal was committed does not count (no look-back).
    tick(feed, "BTC/USD", 57000, NOW - timedelta(minutes=3))
    published = _publish(me, feed=feed)
    grace_over = NOW + signals.EDIT_GRACE
    for m in range(1, 6):
        tick(feed, "BTC/USD", 60000 + 100 * m, NOW + timedelta(minutes=m))
    assert _outcome(published.id, feed, grace_over) == ("open", None)
    tick(feed, "BTC/USD", 64100, grace_over + timedelta(minutes=1))
    # Stale feed: nothing decided.
    assert _outcome(published.id, feed, grace_over + timedelta(minutes=10)) == ("open", None)
    assert _outcome(published.id, feed, grace_over + timedelta(minutes=1)) == (
        "hit_target",
        64_000_000_000,
    )


def test_a_short_signal_hits_its_stop():
    me = person()
    feed = feed_at({"ETH/USD": 3000})
    short = {
        "instrument": "ETH/USD",
        "direction": "short",
        "entry": "3000",
        "stop_loss": "3100",
        "take_profit": "2800",
        "size_percent": "5",
    }
    published = _publish(me, short, feed=feed)
    for m in range(1, 7):
        tick(feed, "ETH/USD", 3000 + 20 * m, NOW + timedelta(minutes=m))
    assert _outcome(published.id, feed, NOW + timedelta(minutes=6)) == ("hit_stop", 3_100_000_000)


def test_followers_see_the_signal_in_their_feed_and_are_notified_once():
    trader, fan = person("Tess Trader"), person()
    with session_scope() as db:
        graph.do_follow(db, fan, ensure_profile(db, trader.user_id).handle)
    published = _publish(trader)
    for _ in range(2):
        with session_scope() as db:
            outcomes.do_notify_followers(db, published.id)
    with session_scope() as db:
        (note,) = db.exec(
            select(Notification).where(
                Notification.user_id == fan.user_id, Notification.kind == "signal"
            )
        ).all()
        assert note.title == "Tess Trader published a signal: BTC/USD long"
        assert note.link == f"/trading/signals/{published.id}" and published.hash[:16] in note.body
        item = db.exec(select(FeedItem.id)).one()
        (entry,) = entries_for(db, [item or 0]).values()
    assert entry.verb == "published a signal" and entry.title == "BTC/USD long"
