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

Efficiency: the per-signal work is done when outcomes are decided: ``trading_trader_day``
holds one row per trader and day (the day's compounded return as a sum of logs, its decided
and winning signals, their holding time; see ``trader_days.py``). A recompute reads those
rows (one packed integer and two floats each) and each trader's first signal (an index seek
per trader); numpy does the rest for all traders at once (one matrix product per period for
the bootstrap, with one seeded weight matrix shared by every trader: each trader's band is
a proper bootstrap, and a recompute on the same data gives the same board).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from sqlalchemy import delete
from sqlmodel import Session

from aixplore.core.time import utcnow
from aixplore.domain.trading import trader_days
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
    # Column by column (``rows`` is column-major): copying whole rows costs twice as much.
    who, logs = who_all[keep], rows[:, 4][keep]
    r = np.expm1(logs)
    s1 = np.bincount(who, r, count)
    s2 = np.bincount(who, r * r, count)
    down = np.bincount(who, np.minimum(r, 0.0) ** 2, count)
    decided = np.bincount(who, rows[:, 2][keep], count)
    wins = np.bincount(who, rows[:, 3][keep], count)
    held = np.bincount(who, rows[:, 5][keep], count)
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


_COLUMNS = (
    "period, trader_id, rank, score, total_return, sharpe, sharpe_low, sharpe_high, sortino, "
    "max_drawdown, win_rate, avg_hold_hours, risk, record_days, decided, copyable, computed_at"
)


def _write(session: Session, rows: list[tuple[object, ...]]) -> None:
    """The board's rows through the driver: COPY on PostgreSQL, one executemany on SQLite."""
    if session.get_bind().dialect.name == "postgresql":
        cursor = session.connection().connection.cursor()
        try:
            sql = f"COPY trading_leaderboard_row ({_COLUMNS}) FROM STDIN"
            with cursor.copy(sql) as copy:  # type: ignore[attr-defined]
                for row in rows:
                    copy.write_row(row)
        finally:
            cursor.close()
        return
    marks = ", ".join(["?"] * len(rows[0]))
    session.connection().exec_driver_sql(
        f"INSERT INTO trading_leaderboard_row ({_COLUMNS}) VALUES ({marks})",  # noqa: S608
        rows,
    )


def _nums(values: np.ndarray) -> list[float | None]:
    """A column as Python floats, None where it is not finite."""
    return [v if math.isfinite(v) else None for v in values.tolist()]


def recompute_leaderboard(
    session: Session, *, now: datetime | None = None, from_signals: bool = False
) -> int:
    """Rewrite every trader's leaderboard rows for every period; returns the rows written.

    It reads the day table (``trader_days.py``); ``from_signals`` groups every signal
    instead, the path before the table, kept to compare against: both give the same board.
    """
    now = now or utcnow()
    today = (now - _EPOCH).days
    if from_signals:
        firsts = trader_days.signal_first_days(session)
        rows = trader_days.signal_day_rows(session)
    else:
        firsts = trader_days.first_days(session)
        rows = trader_days.table_day_rows(session)
    trader_ids = sorted(firsts)
    ids = np.array(trader_ids, dtype=np.float64)
    # Day rows of a trader without signals now (deleted outright) count for nobody.
    at = np.minimum(np.searchsorted(ids, rows[:, 0]), max(len(ids) - 1, 0))
    known = ids[at] == rows[:, 0] if len(ids) else np.zeros(len(rows), dtype=bool)
    rows = np.asfortranarray(rows if known.all() else rows[known])
    rows[:, 0] = np.searchsorted(ids, rows[:, 0])
    first = np.array([firsts[t] for t in trader_ids], dtype=np.int64)
    record_days = np.maximum(today - first, 0)
    figures = {name: _period(rows, first, today, length) for name, length in PERIODS.items()}
    whole = figures["all"]
    copyable = (
        (record_days >= MIN_RECORD_DAYS) & (whole.decided >= MIN_DECIDED) & (whole.risk <= MAX_RISK)
    )
    out: list[tuple[object, ...]] = []
    stamp = LeaderboardRow.__table__.c.computed_at.type.bind_processor(  # type: ignore[attr-defined]
        session.get_bind().dialect
    )
    computed_at = stamp(now) if stamp else now
    counts = record_days.tolist()
    for name, f in figures.items():
        ranked = (
            (record_days >= MIN_RECORD_DAYS)
            & (f.decided >= MIN_RANK_DECIDED)
            & np.isfinite(f.band_low)
        )
        score = np.where(ranked, f.band_low - DRAWDOWN_PENALTY * np.abs(f.max_drawdown), np.nan)
        order = sorted(np.flatnonzero(ranked), key=lambda i: (-score[i], trader_ids[i]))
        rank: list[int | None] = [None] * len(trader_ids)
        for place, i in enumerate(order, start=1):
            rank[i] = place
        # Whole columns to Python at once (a numpy scalar per cell costs more than the math).
        out += zip(
            [name] * len(trader_ids),
            trader_ids,
            rank,
            _nums(score),
            f.total_return.tolist(),
            _nums(f.sharpe),
            _nums(f.band_low),
            _nums(f.band_high),
            _nums(f.sortino),
            f.max_drawdown.tolist(),
            _nums(f.win_rate),
            _nums(f.hold_hours),
            f.risk.tolist(),
            counts,
            f.decided.tolist(),
            copyable.tolist(),
            [computed_at] * len(trader_ids),
            strict=True,
        )
    session.execute(delete(LeaderboardRow))
    if out:
        _write(session, out)
    session.flush()
    return len(out)
