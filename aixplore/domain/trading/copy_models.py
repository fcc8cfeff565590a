"""Copy trading: a follower's allocation to a leader, and the positions it copies.

A copy holds its own virtual cash (the allocation, taken from the follower's paper cash when
it starts and given back, at its equity, when it stops). Its positions live here, not in the
follower's own portfolio: a copy may go short when its leader does (paper portfolios are long
only) and its equity must be read apart from the follower's own trades. ``copy_position`` is
unique per copy and signal, so a fan-out that runs twice (a retried or crashed worker) opens
nothing twice.
"""

from __future__ import annotations

import enum
from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from aixplore.core.columns import enum_column, utc_column
from aixplore.core.time import utcnow
from aixplore.domain.trading.models import Direction, _money, _money_or_null


class CopyStatus(enum.StrEnum):
    """Where a copy stands: copying, paused (no new positions), or stopped for good."""

    ACTIVE = "active"
    PAUSED = "paused"
    STOPPED = "stopped"


class CopyPositionStatus(enum.StrEnum):
    """A copied position: open, closed, or skipped (never opened, with a note saying why)."""

    OPEN = "open"
    CLOSED = "closed"
    SKIPPED = "skipped"


class TradingCopy(SQLModel, table=True):
    """A follower copying a leader with an allocation of virtual cash."""

    __tablename__ = "trading_copy"  # type: ignore[assignment]
    __table_args__ = (
        Index("ix_trading_copy_leader", "leader_id", "status"),
        Index("ix_trading_copy_follower", "follower_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    follower_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    leader_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    status: CopyStatus = Field(sa_column=enum_column(CopyStatus, "trading_copy_status"))
    allocation: int = Field(sa_column=_money())
    cash: int = Field(sa_column=_money())  # the allocation's cash not in open positions
    stop_bp: int  # the copy stop: a drawdown of the allocation in hundredths of a percent
    copy_open: bool = False  # the leader's open signals were copied at the start too
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    stopped_at: datetime | None = Field(default=None, sa_column=utc_column())
    final_equity: int | None = Field(default=None, sa_column=_money_or_null())
    note: str = Field(default="", max_length=300)


class CopyPosition(SQLModel, table=True):
    """One signal copied into one copy, sized on the copy's equity when it opened."""

    __tablename__ = "copy_position"  # type: ignore[assignment]
    __table_args__ = (
        UniqueConstraint("copy_id", "signal_id", name="uq_copy_position_signal"),
        Index("ix_copy_position_open", "status", "signal_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    copy_id: int = Field(foreign_key="trading_copy.id", ondelete="CASCADE")
    signal_id: int = Field(foreign_key="trading_signal.id", ondelete="CASCADE")
    instrument: str = Field(max_length=16)
    direction: Direction = Field(sa_column=enum_column(Direction, "copy_position_direction"))
    status: CopyPositionStatus = Field(
        sa_column=enum_column(CopyPositionStatus, "copy_position_status")
    )
    quantity: int = Field(sa_column=_money())
    cost: int = Field(sa_column=_money())  # the entry value, fees apart
    entry_price: int = Field(sa_column=_money())
    fee: int = Field(sa_column=_money())  # open and close fees together
    exit_price: int | None = Field(default=None, sa_column=_money_or_null())
    pnl: int = Field(sa_column=_money())  # realized, net of fees (0 while open)
    opened_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    closed_at: datetime | None = Field(default=None, sa_column=utc_column())
    note: str = Field(default="", max_length=300)


class CopyPublic(BaseModel):
    """A copy as its follower sees it (virtual dollars)."""

    id: int
    leader_id: int
    status: str
    allocation: str
    equity: str
    pnl: str
    pnl_percent: str
    stop_percent: str
    open_positions: int
    notice: str
    equity_micros: int
