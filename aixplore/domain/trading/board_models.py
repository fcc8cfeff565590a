"""The leaderboard's precomputed rows: one per trader and period, rewritten by a job.

Pages read these rows (an index on period and rank), never the signals: recomputing every
trader's record on each request would scan millions of signals.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from aixplore.core.columns import utc_column
from aixplore.core.time import utcnow


class LeaderboardRow(SQLModel, table=True):
    """A trader's verified figures over one period (None where the sample says nothing)."""

    __tablename__ = "trading_leaderboard_row"  # type: ignore[assignment]
    __table_args__ = (Index("ix_trading_leaderboard_rank", "period", "rank"),)

    period: str = Field(max_length=8, primary_key=True)
    trader_id: int = Field(foreign_key="user.id", ondelete="CASCADE", primary_key=True)
    rank: int | None = None  # None: below the minimum sample, not ranked
    score: float | None = None
    total_return: float
    sharpe: float | None = None
    sharpe_low: float | None = None
    sharpe_high: float | None = None
    sortino: float | None = None
    max_drawdown: float
    win_rate: float | None = None
    avg_hold_hours: float | None = None
    risk: int
    record_days: int
    decided: int
    copyable: bool = False
    computed_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))


class TraderDay(SQLModel, table=True):
    """One trader's decided signals of one UTC day, summed (the leaderboard reads these).

    Kept by the outcome job in the transaction that decides a signal (``trader_days.py``), so
    a recompute reads one row per trader and day instead of grouping every signal again.
    """

    __tablename__ = "trading_trader_day"  # type: ignore[assignment]
    # SQLite stores the rows in key order (no rowid): the recompute reads them in that order.
    __table_args__ = ({"sqlite_with_rowid": False},)

    trader_id: int = Field(foreign_key="user.id", ondelete="CASCADE", primary_key=True)
    day: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    decided: int
    wins: int
    # The day's compounded growth as a sum of log(1 + r), each signal's r floored at -1 + 1e-9.
    log_growth: float
    hold_seconds: float


class BoardEntry(BaseModel):
    """One trader on the leaderboard page, figures as text."""

    trader_id: int
    rank: int | None
    total_return: str
    sharpe: str
    sharpe_band: str
    sortino: str
    max_drawdown: str
    win_rate: str
    avg_hold: str
    risk: int
    record_days: int
    decided: int
    copyable: bool
    rising: bool


class TraderCard(BaseModel):
    """A trader's card: rarity and foil from the verified record (for 2D and 3D renders)."""

    trader_id: int
    name: str
    foil: str
    rarity: str
    rank: int | None
    total_return: str
    sharpe: str
    max_drawdown: str
    win_rate: str
    risk: int
    record_days: int
    decided: int
    computed_at: datetime | None
