"""The leaderboard job: figures equal to the record metrics (and empyrical), the minimum
sample, bootstrap bands, a drawdown penalty, periods and filters, and trader cards."""

from __future__ import annotations

from datetime import timedelta

import empyrical
import numpy as np
import pytest
from sqlalchemy import delete
from sqlmodel import col, select

from aixplore.core.db import session_scope
from aixplore.core.errors import NotFound, ValidationFailed
from aixplore.domain.trading import board, leaderboard, metrics
from aixplore.domain.trading.board_models import LeaderboardRow
from aixplore.domain.trading.models import TradingSignal
from aixplore.jobs import trading as jobs
from tests.unit.domain.trading.board_support import record, trader
from tests.unit.domain.trading.copy_support import seasoned_leader
from tests.unit.domain.trading.support import NOW

START = NOW - timedelta(days=200)


def _rows(period: str) -> dict[int, LeaderboardRow]:
    with session_scope() as db:
        leaderboard.recompute_leaderboard(db, now=NOW)
    with session_scope() as db:
        rows = db.exec(select(LeaderboardRow).where(LeaderboardRow.period == period)).all()
        for r in rows:
            db.expunge(r)
    return {r.trader_id: r for r in rows}


def _steady(seed: int, count: int = 60, mean: float = 0.01, spread: float = 0.03):
    rng = np.random.default_rng(seed)
    return [(d * 3 + 0.25, float(m)) for d, m in enumerate(rng.normal(mean, spread, count))]


def test_figures_match_the_record_metrics_and_empyrical_for_every_period():
    ada = trader("Ada Steady")
    signals = record(ada, START, _steady(1))
    # Two signals decided the same day compound, as in metrics.daily_returns.
    signals += record(ada, START, [(10.5, 0.02), (10.6, -0.01)], first_seq=100)
    for period, length in leaderboard.PERIODS.items():
        row = _rows(period)[ada]
        first = START.date()
        begin = first if length is None else max(first, NOW.date() - timedelta(days=length - 1))
        days = [begin + timedelta(days=i) for i in range((NOW.date() - begin).days + 1)]
        inside = [s for s in signals if s.outcome_at and s.outcome_at.date() >= begin]
        expected = metrics.record_metrics(inside, days)
        returns = np.array(metrics.daily_returns(inside, days))
        assert row.total_return == pytest.approx(expected.total_return)
        assert row.total_return == pytest.approx(empyrical.cum_returns_final(returns))
        assert row.sharpe == pytest.approx(empyrical.sharpe_ratio(returns))
        assert row.sortino == pytest.approx(empyrical.sortino_ratio(returns))
        assert row.max_drawdown == pytest.approx(expected.max_drawdown)
        assert row.win_rate == pytest.approx(expected.win_rate)
        assert row.decided == expected.decided
        assert row.risk == metrics.risk_score(list(returns))
        assert row.avg_hold_hours == pytest.approx(6.0)
        assert row.record_days == 200
        low, sharpe, high = row.sharpe_low, row.sharpe, row.sharpe_high
        assert low is not None and sharpe is not None and high is not None
        assert low < sharpe < high


def test_a_short_lucky_run_does_not_top_the_board():
    steady = trader("Sam Steady")
    record(steady, START, _steady(2, count=60, mean=0.008, spread=0.02))
    lucky = trader("Lou Lucky")
    # Twelve mixed calls over the last 35 days: a better Sharpe on a small sample, a wide band.
    moves = np.random.default_rng(5).normal(0.02, 0.04, 12)
    record(
        lucky, START + timedelta(days=165), [(3 * i + 0.25, float(m)) for i, m in enumerate(moves)]
    )
    rows = _rows("all")
    assert (rows[lucky].sharpe or 0) > (rows[steady].sharpe or 0)
    assert rows[steady].rank == 1 and rows[lucky].rank == 2
    width = lambda r: r.sharpe_high - r.sharpe_low  # noqa: E731
    assert width(rows[lucky]) > width(rows[steady])


def test_below_the_minimum_sample_a_trader_is_listed_but_not_ranked():
    few = trader("Fay Few")
    record(few, START, [(d, 0.02) for d in range(9)])  # nine decided: one short
    young = trader("Yves Young")
    record(young, NOW - timedelta(days=20), [(d, 0.02) for d in range(15)])
    rows = _rows("all")
    assert rows[few].rank is None and rows[few].decided == 9
    assert rows[young].rank is None and rows[young].record_days == 20
    with session_scope() as db:
        page = board.list_board(db, "all")
    assert page.entries == [] and page.unranked == 2 and page.ranked == 0


def test_drawdown_costs_rank_and_the_filters_work():
    calm = trader("Cal Calm")
    record(calm, START, _steady(3, count=60, mean=0.006, spread=0.01))
    wild = trader("Wil Wild")
    record(wild, START, _steady(3, count=60, mean=0.03, spread=0.09), size_bp=10_000)
    rows = _rows("all")
    assert rows[wild].max_drawdown < -0.3 and rows[wild].risk > rows[calm].risk
    assert rows[calm].rank == 1
    with session_scope() as db:
        everyone = board.list_board(db, "all")
        calm_only = board.list_board(db, "all", max_risk=rows[calm].risk)
        copyable = board.list_board(db, "all", copyable_only=True)
        recent = board.list_board(db, "1m")
    assert [e.trader_id for e in everyone.entries] == [calm, wild]
    assert [e.trader_id for e in calm_only.entries] == [calm]
    assert [e.trader_id for e in copyable.entries] == [t for t in (calm, wild) if rows[t].risk <= 7]
    assert everyone.entries[0].sharpe_band.count(" to ") == 1
    assert recent.ranked + recent.unranked == 2


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"period": "5y"}, "period"),
        ({"period": ["all"]}, "period"),
        ({"max_risk": 0}, "max_risk"),
        ({"max_risk": "7"}, "max_risk"),
        ({"offset": -1}, "offset"),
        ({"offset": True}, "offset"),
    ],
)
def test_bad_filters_get_a_clear_refusal(args, field):
    with session_scope() as db, pytest.raises(ValidationFailed) as refused:
        board.list_board(db, **args)
    assert refused.value.field == field


def test_a_trader_card_is_as_rare_as_the_verified_record():
    best = trader("Bea Best")
    record(best, START, _steady(4, count=60, mean=0.02, spread=0.01))
    others = [trader(f"Other {i}") for i in range(4)]
    for i, other in enumerate(others):
        record(other, START, _steady(10 + i, count=30, mean=0.0, spread=0.03))
    _rows("all")
    nia = trader("Nia New")
    with session_scope() as db:
        card = board.trader_card(db, best)
        plain = board.trader_card(db, others[0])
        newcomer = board.trader_card(db, nia)
        with pytest.raises(NotFound):
            board.trader_card(db, 2**40)
    assert card.rank == 1 and card.foil == "reverse" and card.name == "Bea Best"
    assert plain.foil == "regular"
    assert (newcomer.foil, newcomer.rank, newcomer.sharpe, newcomer.decided) == (
        "regular",
        None,
        "—",
        0,
    )
    assert board.foil_of(1, 100, 1.2) == "secret" and board.foil_of(1, 100, 0.9) == "rainbow"


def test_the_job_rewrites_every_row_each_run():
    kept, gone = trader("Kim Kept"), trader("Gus Gone")
    record(kept, START, _steady(5, count=12))
    record(gone, START, _steady(6, count=12))
    assert jobs.refresh_leaderboard.call_local() == 8  # two traders, four periods
    with session_scope() as db:
        db.execute(delete(TradingSignal).where(col(TradingSignal.trader_id) == gone))
    assert jobs.refresh_leaderboard.call_local() == 4
    with session_scope() as db:
        left = {r.trader_id for r in db.exec(select(LeaderboardRow)).all()}
    assert left == {kept}


def test_a_profile_shows_a_trader_card_only_once_the_person_publishes_signals():
    _leader, leader_id = seasoned_leader("Pat Published")
    reader = trader("Rae Reader")
    _rows("all")
    with session_scope() as db:
        card = board.profile_trader_card(db, leader_id)
        assert board.profile_trader_card(db, reader) is None
    assert card is not None and card.name == "Pat Published" and card.decided == 12


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (-0.00001, "+0.00 %"),
        (0.0, "+0.00 %"),
        (-0.0001, "-0.01 %"),
        (0.0123, "+1.23 %"),
        (None, "—"),
    ],
)
def test_a_loss_too_small_to_show_reads_as_zero_not_minus_zero(value, shown):
    assert board._percent(value) == shown
