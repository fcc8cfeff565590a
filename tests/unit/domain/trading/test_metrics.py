"""Leaderboard metrics against the reference library (empyrical-reloaded) on the same returns."""

from __future__ import annotations

from datetime import timedelta

import empyrical
import numpy as np
import pytest

from aixplore.domain.trading import metrics
from aixplore.domain.trading.models import Direction, SignalStatus, TradingSignal
from tests.unit.domain.trading.support import NOW

SERIES = {
    "noisy": np.random.default_rng(42).normal(0.0005, 0.02, 500),
    "trending": np.random.default_rng(7).normal(0.002, 0.01, 60),
    "loss first": np.array([-0.05, 0.02, 0.03, -0.01, 0.04]),
    "mostly flat": np.array([0.0, 0.0, 0.01, 0.0, -0.002, 0.0]),
}


@pytest.mark.parametrize("name", SERIES)
def test_metrics_match_empyrical(name):
    returns = SERIES[name]
    plain = [float(r) for r in returns]
    assert metrics.total_return(plain) == pytest.approx(empyrical.cum_returns_final(returns))
    assert metrics.sharpe_ratio(plain) == pytest.approx(empyrical.sharpe_ratio(returns))
    assert metrics.sortino_ratio(plain) == pytest.approx(empyrical.sortino_ratio(returns))
    # empyrical's first peak is the first day's wealth; ours is the starting wealth (a loss on
    # day one is a drawdown): the same as empyrical with a flat day in front.
    assert metrics.max_drawdown(plain) == pytest.approx(
        empyrical.max_drawdown(np.concatenate([[0.0], returns]))
    )


def test_small_samples_say_nothing_rather_than_something_wrong():
    assert metrics.sharpe_ratio([0.01]) is None and metrics.sharpe_ratio([0.01, 0.01]) is None
    assert metrics.sortino_ratio([0.01, 0.02]) is None and metrics.sortino_ratio([]) is None
    assert metrics.max_drawdown([]) == 0.0 and metrics.total_return([]) == 0.0


def _decided(direction, entry, outcome, size_bp, day, status=SignalStatus.HIT_TARGET):
    return TradingSignal(
        trader_id=1,
        seq=1,
        instrument="BTC/USD",
        direction=direction,
        entry=entry,
        stop_loss=1,
        take_profit=1,
        size_bp=size_bp,
        prev_hash="",
        hash="",
        status=status,
        outcome_price=outcome,
        outcome_at=NOW + timedelta(days=day),
    )


def test_a_record_is_built_from_decided_signals_only():
    record = [
        _decided(Direction.LONG, 100, 110, 5000, 0),  # +10 % on half: +5 %
        _decided(Direction.SHORT, 100, 104, 2500, 0, SignalStatus.HIT_STOP),  # -4 % on a quarter
        _decided(Direction.LONG, 100, 90, 10_000, 2, SignalStatus.HIT_STOP),  # -10 %
        _decided(Direction.LONG, 100, 100, 10_000, 3, SignalStatus.OPEN),  # not decided
    ]
    days = [(NOW + timedelta(days=d)).date() for d in range(4)]
    returns = metrics.daily_returns(record, days)
    assert returns == pytest.approx([1.05 * 0.99 - 1, 0.0, -0.10, 0.0])
    figures = metrics.record_metrics(record, days)
    assert figures.decided == 3 and figures.win_rate == pytest.approx(1 / 3)
    series = np.array(returns)
    assert figures.total_return == pytest.approx(empyrical.cum_returns_final(series))
    assert figures.sharpe == pytest.approx(empyrical.sharpe_ratio(series))
    assert figures.max_drawdown == pytest.approx(-0.10)
