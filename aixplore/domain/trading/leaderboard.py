"""The leaderboard, recomputed by a job: every trader's verified figures per period, ranked.

What it computes, per trader and period (1 m = 30 days, 3 m = 91, 1 y = 365, all), from the
signals' feed-decided outcomes only, with the definitions of ``metrics.py`` (checked against
empyrical-reloaded): total return, Sharpe, Sortino, max drawdown, win rate, average holding
time, risk score 1-10, record length. A period's days run from the later of its start and
the trader's first signal to today, quiet days counting as 0.0 returns.

Ranking rules (documented in the README):

- a trader is ranked in a period only with a record of at least ``MIN_RECORD_DAYS`` days and
  at least ``MIN_RANK_DECIDED`` decided signals in the period (the minimum sample);
- beside the Sharpe ratio the board shows a 90 % bootstrap band (``RESAMPLES`` Poisson
  resamples of the daily returns, 5th to 95th percentile); the rank reads the band's low
  end, so a short lucky run, whose band is wide, does not top the board;
- the score penalises drawdown: score = Sharpe's low band - ``DRAWDOWN_PENALTY`` x |max
  drawdown| (a 25 % drawdown costs half a Sharpe point).

Efficiency: one SQL aggregate per (trader, day) (the day's compounded return as a sum of
logs, its decided and winning signals, their holding time) does the per-signal work in the
database; numpy does the rest for all traders at once (one matrix product per period for
the bootstrap, with one seeded weight matrix shared by every trader: each trader's band is
a proper bootstrap, and a recompute on the same data gives the same board).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from sqlalchemy import delete, insert, text
from sqlmodel import Session

from aixplore.core.time import utcnow
from aixplore.domain.trading.board_models import LeaderboardRow
from aixplore.domain.trading.copying import MAX_RISK, MIN_DECIDED, MIN_RECORD_DAYS
from aixplore.domain.trading.metrics import RISK_DRAWDOWN, RISK_VOLATILITY, TRADING_DAYS

PERIODS: dict[str, int | None] = {"1m": 30, "3m": 91, "1y": 365, "all": None}
PERIOD_NAMES = {"1m": "1 month", "3m": "3 months", "1y": "1 year", "all": "All time"}
MIN_RANK_DECIDED = 10
RESAMPLES = 200
BAND = (5.0, 95.0)
DRAWDOWN_PENALTY = 2.0
SEED = 20261209
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

_SQL = {
    "sqlite": (
        "CAST(julianday(outcome_at) - 2440587.5 AS INTEGER)",
        "(julianday(outcome_at) - julianday(committed_at)) * 86400.0",
        "REAL",
    ),
    "postgresql": (
        "CAST(floor(extract(epoch FROM outcome_at) / 86400) AS INTEGER)",
        "CAST(extract(epoch FROM outcome_at - committed_at) AS DOUBLE PRECISION)",
        "DOUBLE PRECISION",
    ),
}


def _day_rows(session: Session) -> np.ndarray:
    """(trader, day, decided, wins, sum of log(1 + r), holding seconds) per trader and day."""
    day, hold, real = _SQL[session.get_bind().dialect.name]
    made = (
        f"((CAST(outcome_price AS {real}) / entry - 1) "
        "* (CASE direction WHEN 'short' THEN -1 ELSE 1 END) * size_bp / 10000.0)"
    )
    # 1 + r <= 0 (a short sized 100 % whose price doubled) is floored: log needs a wealth left.
    growth = f"(CASE WHEN 1 + {made} > 1e-9 THEN 1 + {made} ELSE 1e-9 END)"
    sql = text(
        f"SELECT trader_id, {day} AS day, count(*), "  # noqa: S608 - fixed SQL, no input
        f"sum(CASE WHEN {made} > 0 THEN 1 ELSE 0 END), sum(ln({growth})), sum({hold}) "
        "FROM trading_signal WHERE status != 'open' AND outcome_price IS NOT NULL "
        "AND outcome_at IS NOT NULL GROUP BY trader_id, day ORDER BY trader_id, day"
    )
    # The driver's own cursor: plain tuples, no result rows built per (trader, day).
    cursor = session.connection().connection.cursor()
    try:
        cursor.execute(str(sql))
        rows = cursor.fetchall()
    finally:
        cursor.close()
    return np.array(rows, dtype=np.float64) if rows else np.zeros((0, 6))


def _first_days(session: Session) -> dict[int, int]:
    """Each trader's first signal, as a day number since 1970."""
    day = _SQL[session.get_bind().dialect.name][0].replace("outcome_at", "first")
    sql = text(
        f"SELECT trader_id, {day} FROM "  # noqa: S608 - fixed SQL, no input
        "(SELECT trader_id, min(committed_at) AS first FROM trading_signal GROUP BY trader_id) f"
    )
    return {int(t): int(d) for t, d in session.connection().execute(sql).all()}


@dataclass
class _Period:
    """One period's figures for every trader (arrays indexed like ``traders``)."""

    total_return: np.ndarray
    sharpe: np.ndarray
    band_low: np.ndarray
    band_high: np.ndarray
    sortino: np.ndarray
    max_drawdown: np.ndarray
    win_rate: np.ndarray
    hold_hours: np.ndarray
    risk: np.ndarray
    decided: np.ndarray


def _group_max_drawdown(who: np.ndarray, logs: np.ndarray, count: int) -> np.ndarray:
    """Each trader's max drawdown from their days' log growth (rows sorted by trader, day)."""
    worst = np.zeros(count)
    if not len(who):
        return worst
    total = np.cumsum(logs)
    starts = np.flatnonzero(np.r_[True, who[1:] != who[:-1]])
    before = np.repeat(total[starts] - logs[starts], np.diff(np.r_[starts, len(who)]))
    wealth = total - before  # each trader's log wealth, from 0 at their start
    # A running peak that restarts per trader: lift each trader above every earlier one.
    lift = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(who)])) * (
        2 * float(np.abs(wealth).max()) + 1.0
    )
    peak = np.maximum(np.maximum.accumulate(wealth + lift) - lift, 0.0)
    fall = np.minimum.reduceat(wealth - peak, starts)
    worst[who[starts]] = np.expm1(fall)
    return worst


def _bootstrap(
    who: np.ndarray, r: np.ndarray, n: np.ndarray, count: int
) -> tuple[np.ndarray, np.ndarray]:
    """A 90 % Poisson-bootstrap band of each trader's Sharpe ratio (NaN where none)."""
    low, high = np.full(count, np.nan), np.full(count, np.nan)
    if not len(who):
        return low, high
    starts = np.flatnonzero(np.r_[True, who[1:] != who[:-1]])
    sizes = np.diff(np.r_[starts, len(who)])
    slot = np.arange(len(who)) - np.repeat(starts, sizes)
    traders = who[starts]
    row_of = np.repeat(np.arange(len(starts)), sizes)
    width = int(sizes.max())
    returns = np.zeros((len(starts), width), dtype=np.float32)
    returns[row_of, slot] = r
    rng = np.random.default_rng(SEED)
    weights = rng.poisson(1.0, size=(RESAMPLES, width)).astype(np.float32)
    s1 = (returns @ weights.T).astype(np.float64)
    s2 = ((returns * returns) @ weights.T).astype(np.float64)
    drawn = np.cumsum(weights, axis=1, dtype=np.float64).T[sizes - 1]
    quiet = np.maximum(n[traders] - sizes, 0).astype(np.float64)
    days = drawn + rng.poisson(quiet[:, None], size=(len(starts), RESAMPLES))
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = s1 / days
        var = (s2 - days * mean * mean) / (days - 1)
        sharpe = np.where((days >= 2) & (var > 1e-18), mean / np.sqrt(var), np.nan)
    sharpe *= np.sqrt(TRADING_DAYS)
    finite = np.isfinite(sharpe).sum(axis=1)
    # np.percentile is vectorised; nanpercentile goes row by row, so only where it must.
    for rows, pick in (
        (finite == RESAMPLES, np.percentile),
        ((finite >= RESAMPLES // 2) & (finite < RESAMPLES), np.nanpercentile),
    ):
        if rows.any():
            bands = pick(sharpe[rows], BAND, axis=1)
            low[traders[rows]], high[traders[rows]] = bands[0], bands[1]
    return low, high


def _period(rows: np.ndarray, first: np.ndarray, today: int, length: int | None) -> _Period:
    """Every trader's figures over the ``length`` days to ``today`` (all their record: None)."""
    count = len(first)
    start = first if length is None else np.maximum(first, today - length + 1)
    n = (today - start + 1).astype(np.float64)
    who_all = rows[:, 0].astype(np.int64)
    keep = (rows[:, 1] >= start[who_all]) & (rows[:, 1] <= today)
    who, part = who_all[keep], rows[keep]
    logs = part[:, 4]
    r = np.expm1(logs)
    s1 = np.bincount(who, r, count)
    s2 = np.bincount(who, r * r, count)
    down = np.bincount(who, np.minimum(r, 0.0) ** 2, count)
    decided = np.bincount(who, part[:, 2], count)
    wins = np.bincount(who, part[:, 3], count)
    held = np.bincount(who, part[:, 5], count)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = s1 / n
        var = np.where(n >= 2, (s2 - n * mean * mean) / (n - 1), 0.0)
        std = np.sqrt(np.maximum(var, 0.0))
        sharpe = np.where((n >= 2) & (std > 1e-15), mean / std * np.sqrt(TRADING_DAYS), np.nan)
        downside = np.sqrt(down / n) * np.sqrt(TRADING_DAYS)
        sortino = np.where(downside > 0, mean * TRADING_DAYS / downside, np.nan)
        win_rate = np.where(decided > 0, wins / decided, np.nan)
        hold_hours = np.where(decided > 0, held / decided / 3600, np.nan)
    drawdown = _group_max_drawdown(who, logs, count)
    volatility = std * np.sqrt(TRADING_DAYS)
    part_risk = np.maximum(
        np.minimum(volatility / RISK_VOLATILITY, 1.0), np.minimum(-drawdown / RISK_DRAWDOWN, 1.0)
    )
    low, high = _bootstrap(who, r, n, count)
    return _Period(
        total_return=np.expm1(np.bincount(who, logs, count)),
        sharpe=sharpe,
        band_low=low,
        band_high=high,
        sortino=sortino,
        max_drawdown=drawdown,
        win_rate=win_rate,
        hold_hours=hold_hours,
        risk=1 + np.round(9 * part_risk).astype(np.int64),
        decided=decided.astype(np.int64),
    )


def _num(value: float) -> float | None:
    return None if not np.isfinite(value) else float(value)


def recompute_leaderboard(session: Session, *, now: datetime | None = None) -> int:
    """Rewrite every trader's leaderboard rows for every period; returns the rows written."""
    now = now or utcnow()
    today = (now - _EPOCH).days
    firsts = _first_days(session)
    trader_ids = sorted(firsts)
    rows = _day_rows(session)
    rows[:, 0] = np.searchsorted(np.array(trader_ids, dtype=np.float64), rows[:, 0])
    first = np.array([firsts[t] for t in trader_ids], dtype=np.int64)
    record_days = np.maximum(today - first, 0)
    figures = {name: _period(rows, first, today, length) for name, length in PERIODS.items()}
    whole = figures["all"]
    copyable = (
        (record_days >= MIN_RECORD_DAYS) & (whole.decided >= MIN_DECIDED) & (whole.risk <= MAX_RISK)
    )
    out: list[dict[str, object]] = []
    for name, f in figures.items():
        ranked = (
            (record_days >= MIN_RECORD_DAYS)
            & (f.decided >= MIN_RANK_DECIDED)
            & np.isfinite(f.band_low)
        )
        score = np.where(ranked, f.band_low - DRAWDOWN_PENALTY * np.abs(f.max_drawdown), np.nan)
        order = sorted(np.flatnonzero(ranked), key=lambda i: (-score[i], trader_ids[i]))
        rank = {int(i): place for place, i in enumerate(order, start=1)}
        for i, trader_id in enumerate(trader_ids):
            out.append(
                {
                    "period": name,
                    "trader_id": trader_id,
                    "rank": rank.get(i),
                    "score": _num(score[i]),
                    "total_return": float(f.total_return[i]),
                    "sharpe": _num(f.sharpe[i]),
                    "sharpe_low": _num(f.band_low[i]),
                    "sharpe_high": _num(f.band_high[i]),
                    "sortino": _num(f.sortino[i]),
                    "max_drawdown": float(f.max_drawdown[i]),
                    "win_rate": _num(f.win_rate[i]),
                    "avg_hold_hours": _num(f.hold_hours[i]),
                    "risk": int(f.risk[i]),
                    "record_days": int(record_days[i]),
                    "decided": int(f.decided[i]),
                    "copyable": bool(copyable[i]),
                    "computed_at": now,
                }
            )
    session.execute(delete(LeaderboardRow))
    if out:
        session.execute(insert(LeaderboardRow), out)
    session.flush()
    return len(out)
