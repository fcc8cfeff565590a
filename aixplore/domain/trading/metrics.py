"""Performance metrics of a trader's verified record (the leaderboard's figures).

All of them read one series of daily simple returns (0.01 is +1 %), built from the signals'
outcomes as the feed decided them, never from anything the trader reports:

- total return: the compounded product, (1 + r1)(1 + r2)... - 1;
- Sharpe ratio: mean daily return over its sample standard deviation (ddof 1), times
  sqrt(252); no risk-free rate (paper cash earns nothing);
- Sortino ratio: the mean daily return times 252, over the downside deviation (the root mean
  square of the returns below zero, zeros counted for the others) times sqrt(252);
- max drawdown: the deepest fall of the compounded wealth from its running peak, the
  starting wealth included as the first peak (so a loss on day one is a drawdown);
- win rate: the share of decided signals that made money;
- risk score, 1 (calm) to 10 (wild): the larger of two parts, each scaled to 0-1 and capped
  there: the annualised volatility (sample standard deviation of the daily returns times
  sqrt(252)) over ``RISK_VOLATILITY`` (80 %), and the max drawdown over ``RISK_DRAWDOWN``
  (50 %); score = 1 + round(9 x part). The larger part rules so that a calm record with one
  deep fall still reads risky. (Not an empyrical figure; its parts are.)

These are the definitions of empyrical (Quantopian's library, maintained as
empyrical-reloaded); the tests check each against it on the same returns.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from aixplore.domain.trading.models import Direction, SignalStatus, TradingSignal

TRADING_DAYS = 252
RISK_VOLATILITY = 0.80
RISK_DRAWDOWN = 0.50


@dataclass(frozen=True)
class Metrics:
    """A record's figures (None where the sample is too small to say)."""

    total_return: float
    sharpe: float | None
    sortino: float | None
    max_drawdown: float
    win_rate: float | None
    decided: int


def total_return(returns: Sequence[float]) -> float:
    """Compounded return of the series."""
    wealth = 1.0
    for r in returns:
        wealth *= 1 + r
    return wealth - 1


def sharpe_ratio(returns: Sequence[float]) -> float | None:
    """Annualised Sharpe ratio (None under two returns or without any dispersion)."""
    n = len(returns)
    if n < 2:
        return None
    mean = sum(returns) / n
    std = math.sqrt(sum((r - mean) ** 2 for r in returns) / (n - 1))
    return None if std == 0 else mean / std * math.sqrt(TRADING_DAYS)


def sortino_ratio(returns: Sequence[float]) -> float | None:
    """Annualised Sortino ratio (None without returns or without any loss)."""
    n = len(returns)
    if n == 0:
        return None
    downside = math.sqrt(sum(min(r, 0.0) ** 2 for r in returns) / n) * math.sqrt(TRADING_DAYS)
    return None if downside == 0 else sum(returns) / n * TRADING_DAYS / downside


def max_drawdown(returns: Sequence[float]) -> float:
    """The deepest fall from a running peak (0.0 or negative: -0.25 is a 25 % fall)."""
    wealth = peak = 1.0
    worst = 0.0
    for r in returns:
        wealth *= 1 + r
        peak = max(peak, wealth)
        worst = min(worst, wealth / peak - 1)
    return worst


def signal_return(signal: TradingSignal) -> float | None:
    """What a decided signal made for the portfolio: its move times its size (None if open)."""
    if signal.status == SignalStatus.OPEN or signal.outcome_price is None:
        return None
    move = signal.outcome_price / signal.entry - 1
    if signal.direction == Direction.SHORT:
        move = -move
    return move * signal.size_bp / 10_000


def daily_returns(signals: Sequence[TradingSignal], days: Sequence[date]) -> list[float]:
    """One return a day over ``days``: the day's decided signals compounded, 0.0 on quiet days."""
    by_day: dict[date, float] = {}
    for s in signals:
        made = signal_return(s)
        if made is not None and s.outcome_at is not None:
            day = s.outcome_at.date()
            by_day[day] = (1 + by_day.get(day, 0.0)) * (1 + made) - 1
    return [by_day.get(d, 0.0) for d in days]


def record_metrics(signals: Sequence[TradingSignal], days: Sequence[date]) -> Metrics:
    """The figures of a trader's decided signals over ``days``."""
    returns = daily_returns(signals, days)
    made = [m for s in signals if (m := signal_return(s)) is not None]
    return Metrics(
        total_return=total_return(returns),
        sharpe=sharpe_ratio(returns),
        sortino=sortino_ratio(returns),
        max_drawdown=max_drawdown(returns),
        win_rate=sum(1 for m in made if m > 0) / len(made) if made else None,
        decided=len(made),
    )


def annual_volatility(returns: Sequence[float]) -> float:
    """Annualised standard deviation (ddof 1) of the daily returns (0.0 under two)."""
    n = len(returns)
    if n < 2:
        return 0.0
    mean = sum(returns) / n
    return math.sqrt(sum((r - mean) ** 2 for r in returns) / (n - 1)) * math.sqrt(TRADING_DAYS)


def risk_score(returns: Sequence[float]) -> int:
    """The record's risk score, 1 to 10, from its volatility and max drawdown (see above)."""
    volatility = min(annual_volatility(returns) / RISK_VOLATILITY, 1.0)
    drawdown = min(-max_drawdown(returns) / RISK_DRAWDOWN, 1.0)
    return 1 + round(9 * max(volatility, drawdown))
