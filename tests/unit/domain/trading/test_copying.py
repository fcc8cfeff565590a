"""Copy relationships: eligibility, caps, allocation from paper cash, pause, resume, stop,
and every service called as the wrong user or with forged arguments."""

from __future__ import annotations

import re

import pytest

from aixplore.core.db import session_scope
from aixplore.core.errors import (
    Conflict,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from aixplore.domain.trading import copying, metrics, portfolio
from aixplore.domain.trading.copy_models import TradingCopy
from tests.unit.domain.social.support import person
from tests.unit.domain.trading.copy_support import seasoned_leader, start
from tests.unit.domain.trading.support import NOW, feed_at


def _cash(actor) -> str:
    with session_scope() as db:
        return portfolio.get_my_portfolio(db, actor, feed=feed_at({}), now=NOW).cash


def test_a_copy_takes_its_allocation_from_paper_cash():
    _leader, handle = seasoned_leader()
    fay = person("Fay Follower")
    shown = start(fay, handle, allocation="2500.50", stop="20")
    assert (shown.allocation, shown.equity, shown.pnl, shown.stop_percent) == (
        "$2,500.50",
        "$2,500.50",
        "$0.00",
        "20 %",
    )
    assert shown.notice == ""
    assert _cash(fay) == "$97,499.50"


def test_a_leader_without_a_record_cannot_be_copied_and_nothing_is_saved():
    newbie = person("New Trader")
    handle = newbie.user_id
    fay = person("Fay Follower")
    with pytest.raises(PermissionDenied) as refused:
        start(fay, handle)
    assert "a record of at least 30 days (theirs: 0)" in refused.value.message
    assert "at least 10 decided signals (theirs: 0)" in refused.value.message
    assert _cash(fay) == "$100,000.00"
    with session_scope() as db:
        assert db.query(TradingCopy).count() == 0


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        ({"allocation": "100000.01"}, ValidationFailed, "between $100.00 and $50,000.00"),
        ({"allocation": "99"}, ValidationFailed, "between $100.00 and $50,000.00"),
        ({"allocation": ["1"]}, ValidationFailed, "Allocation must be a number"),
        ({"stop": "4.99"}, ValidationFailed, "between 5 % and 95 %"),
        ({"stop": "96"}, ValidationFailed, "between 5 % and 95 %"),
        ({"mode": "all"}, ValidationFailed, "open trades too, or only new ones"),
        ({"handle": 2**40}, NotFound, "No such trader"),
        ({"handle": "1"}, NotFound, "No such trader"),
        ({"handle": True}, NotFound, "No such trader"),
    ],
)
def test_bad_copy_forms_get_clear_messages(change, error, message):
    _leader, handle = seasoned_leader()
    fay = person("Fay")
    with pytest.raises(error, match=re.escape(message)):
        start(fay, change.pop("handle", handle), **change)
    assert _cash(fay) == "$100,000.00"


def test_copying_yourself_or_above_your_free_cash_is_refused():
    leader, handle = seasoned_leader()
    with pytest.raises(ValidationFailed, match="You cannot copy yourself"):
        start(leader, handle)
    fay = person("Fay")
    start(fay, seasoned_leader("Other Leader")[1], allocation="50000")
    # A limit buy holds cash too: 40,000 + fee of the remaining 50,000 is not free.
    with session_scope() as db:
        portfolio.do_place_order(
            db,
            fay,
            {
                "instrument": "BTC/USD",
                "side": "buy",
                "type": "limit",
                "quantity": "1",
                "limit_price": "40000",
            },
            feed=feed_at({"BTC/USD": 60000}),
            now=NOW,
        )
    with pytest.raises(ValidationFailed, match=r"You have \$9,960.00 of free virtual cash"):
        start(fay, handle, allocation="10000")


def test_one_copy_per_leader_and_a_cap_on_copiers(monkeypatch):
    _leader, handle = seasoned_leader()
    fay, gus = person("Fay"), person("Gus")
    start(fay, handle, allocation="100")
    with pytest.raises(Conflict, match="You already copy this trader"):
        start(fay, handle, allocation="100")
    monkeypatch.setattr(copying, "MAX_COPIERS", 1)
    with pytest.raises(Conflict, match="already has 1 copiers, the most allowed"):
        start(gus, handle, allocation="100")
    assert _cash(gus) == "$100,000.00"


def test_a_leader_who_stops_being_eligible_keeps_copies_with_a_notice(monkeypatch):
    _leader, handle = seasoned_leader()
    fay, gus = person("Fay"), person("Gus")
    start(fay, handle)
    monkeypatch.setattr(copying, "MIN_DECIDED", 13)
    with pytest.raises(PermissionDenied, match=r"at least 13 decided signals \(theirs: 12\)"):
        start(gus, handle)
    with session_scope() as db:
        [mine] = copying.list_my_copies(db, fay, feed=feed_at({}), now=NOW)
    assert mine.status == "active"
    assert "no longer meets the rules for leaders" in mine.notice
    assert "your copy goes on; new copies are refused" in mine.notice


def test_a_risky_leader_is_refused(monkeypatch):
    _leader, handle = seasoned_leader()
    monkeypatch.setattr(copying, "MAX_RISK", 0)
    with pytest.raises(PermissionDenied, match=r"a risk score of at most 0 \(theirs: \d+\)"):
        start(person("Fay"), handle)


def test_the_risk_score_reads_volatility_and_drawdown():
    assert metrics.risk_score([]) == 1
    assert metrics.risk_score([0.001, -0.001] * 50) == 1
    # A calm series with one 30 % fall: the drawdown part rules (0.3 / 0.5 x 9 = 5.4).
    assert metrics.risk_score([0.0] * 99 + [-0.30]) == 6
    assert metrics.risk_score([0.2, -0.2] * 50) == 10
    daily = [0.01, -0.01] * 50
    vol = metrics.annual_volatility(daily)
    assert vol == pytest.approx(0.01005 * 252**0.5, rel=1e-3)


def test_pause_resume_and_stop_belong_to_the_follower_only():
    _leader, handle = seasoned_leader()
    fay, mallory = person("Fay"), person("Mallory")
    copy_id = start(fay, handle).id
    for bad in (copy_id, str(copy_id), True, -1, 2**40, 2**70, None, [copy_id]):
        with session_scope() as db, pytest.raises(NotFound, match="No such copy"):
            copying.do_pause_copy(db, mallory, bad, paused=True)
        with session_scope() as db, pytest.raises(NotFound, match="No such copy"):
            copying.do_stop_copy(db, mallory, bad, feed=feed_at({}), now=NOW)
    for call in (
        lambda db: copying.do_pause_copy(db, None, copy_id, paused=True),
        lambda db: copying.do_stop_copy(db, None, copy_id),
        lambda db: copying.list_my_copies(db, None),
        lambda db: copying.do_start_copy(db, None, {"leader_id": handle}),
    ):
        with session_scope() as db, pytest.raises(NotAuthenticated):
            call(db)
    with session_scope() as db:
        assert copying.do_pause_copy(db, fay, copy_id, paused=True).status == "paused"
        assert copying.do_pause_copy(db, fay, copy_id, paused=False).status == "active"
        stopped = copying.do_stop_copy(db, fay, copy_id, feed=feed_at({}), now=NOW)
    assert (stopped.status, stopped.equity) == ("stopped", "$10,000.00")
    assert _cash(fay) == "$100,000.00"
    with session_scope() as db, pytest.raises(Conflict, match="This copy has stopped"):
        copying.do_pause_copy(db, fay, copy_id, paused=False)
    # Stopped, the follower may copy the same leader again.
    assert start(fay, handle, allocation="100").status == "active"
