"""Paper portfolios, their orders, positions and equity, and signals chained per trader.

Money and prices are integer micro-units, quantities integer ``QTY_SCALE`` parts (see
``instruments.py``). Later parts plug in here: a copy position is a paper order whose
``signal_id`` names the signal it copies (one per portfolio and signal, so a fan-out that
runs twice opens nothing twice); a trading group's signal carries its ``group_id``.
"""

from __future__ import annotations

import enum
from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import BigInteger, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from aixplore.core.columns import enum_column, utc_column
from aixplore.core.time import utcnow

RATIONALE_MAX = 5000


class OrderSide(enum.StrEnum):
    """Buy or sell."""

    BUY = "buy"
    SELL = "sell"


class OrderType(enum.StrEnum):
    """Market (fill now at the last price) or limit (fill when the price reaches the limit)."""

    MARKET = "market"
    LIMIT = "limit"


class OrderStatus(enum.StrEnum):
    """Where an order stands."""

    OPEN = "open"
    FILLED = "filled"
    CANCELLED = "cancelled"
    REJECTED = "rejected"


class Direction(enum.StrEnum):
    """Which way a signal bets."""

    LONG = "long"
    SHORT = "short"


class SignalStatus(enum.StrEnum):
    """A signal's outcome, decided by the price feed (never by the trader)."""

    OPEN = "open"
    HIT_STOP = "hit_stop"
    HIT_TARGET = "hit_target"
    CLOSED = "closed"


def _money() -> Column:
    return Column(BigInteger, nullable=False, default=0)


def _money_or_null() -> Column:
    return Column(BigInteger, nullable=True)


class PaperPortfolio(SQLModel, table=True):
    """A member's virtual cash and what it holds (not ECE tokens; no real money)."""

    __tablename__ = "paper_portfolio"  # type: ignore[assignment]

    id: int | None = Field(default=None, primary_key=True)
    owner_id: int = Field(foreign_key="user.id", ondelete="CASCADE", unique=True)
    cash: int = Field(sa_column=_money())
    starting_cash: int = Field(sa_column=_money())
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))


class PaperPosition(SQLModel, table=True):
    """What a portfolio holds of one instrument (long only), its cost and realized P&L."""

    __tablename__ = "paper_position"  # type: ignore[assignment]
    __table_args__ = (UniqueConstraint("portfolio_id", "instrument", name="uq_paper_position"),)

    id: int | None = Field(default=None, primary_key=True)
    portfolio_id: int = Field(foreign_key="paper_portfolio.id", ondelete="CASCADE")
    instrument: str = Field(max_length=16)
    quantity: int = Field(sa_column=_money())
    # Cost of what is held, fees included; the average price is cost / quantity.
    cost: int = Field(sa_column=_money())
    realized: int = Field(sa_column=_money())


class PaperOrder(SQLModel, table=True):
    """One order of a paper portfolio, filled against the price feed."""

    __tablename__ = "paper_order"  # type: ignore[assignment]
    __table_args__ = (
        Index("ix_paper_order_portfolio_id", "portfolio_id", "id"),
        # A copy fan-out opens at most one order per portfolio and signal.
        UniqueConstraint("portfolio_id", "signal_id", name="uq_paper_order_signal"),
    )

    id: int | None = Field(default=None, primary_key=True)
    portfolio_id: int = Field(foreign_key="paper_portfolio.id", ondelete="CASCADE")
    instrument: str = Field(max_length=16)
    side: OrderSide = Field(sa_column=enum_column(OrderSide, "paper_order_side"))
    type: OrderType = Field(sa_column=enum_column(OrderType, "paper_order_type"))
    status: OrderStatus = Field(
        sa_column=enum_column(OrderStatus, "paper_order_status", index=True)
    )
    quantity: int = Field(sa_column=_money())
    limit_price: int | None = Field(default=None, sa_column=_money_or_null())
    fill_price: int | None = Field(default=None, sa_column=_money_or_null())
    fee: int = Field(default=0, sa_column=_money())
    signal_id: int | None = Field(
        default=None, foreign_key="trading_signal.id", ondelete="SET NULL"
    )
    note: str = Field(default="", max_length=300)
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    filled_at: datetime | None = Field(default=None, sa_column=utc_column())


class EquityPoint(SQLModel, table=True):
    """A portfolio's equity (cash plus holdings at the last price) at one moment."""

    __tablename__ = "paper_equity_point"  # type: ignore[assignment]
    __table_args__ = (Index("ix_paper_equity_point_portfolio", "portfolio_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    portfolio_id: int = Field(foreign_key="paper_portfolio.id", ondelete="CASCADE")
    at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    equity: int = Field(sa_column=_money())


class TradingSignal(SQLModel, table=True):
    """A trader's call, hashed and chained when published; its outcome comes from the feed."""

    __tablename__ = "trading_signal"  # type: ignore[assignment]
    __table_args__ = (
        UniqueConstraint("trader_id", "seq", name="uq_trading_signal_seq"),
        Index("ix_trading_signal_open", "status", "id"),
        # A trader's signals by time: the simulation's span, each trader's first signal.
        Index("ix_trading_signal_trader_committed", "trader_id", "committed_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    trader_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    seq: int
    # A trading group's signal (groups come later; no foreign key yet).
    group_id: int | None = Field(default=None, index=True)
    instrument: str = Field(max_length=16)
    direction: Direction = Field(sa_column=enum_column(Direction, "signal_direction"))
    entry: int = Field(sa_column=_money())
    stop_loss: int = Field(sa_column=_money())
    take_profit: int = Field(sa_column=_money())
    size_bp: int  # share of the portfolio in hundredths of a percent (10000 = 100 %)
    rationale: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    # The server's time of the content as hashed (an edit in the grace period moves it).
    committed_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)
    status: SignalStatus = Field(sa_column=enum_column(SignalStatus, "signal_status"))
    outcome_at: datetime | None = Field(default=None, sa_column=utc_column())
    outcome_price: int | None = Field(default=None, sa_column=_money_or_null())
    notified_at: datetime | None = Field(default=None, sa_column=utc_column(index=True))
    # How far the outcome job has read the feed past the commitment (it resumes there).
    checked_until: datetime | None = Field(default=None, sa_column=utc_column())
    # When copiers' positions were opened (or skipped); None while the fan-out waits.
    copied_at: datetime | None = Field(default=None, sa_column=utc_column(index=True))


class SignalChainHead(SQLModel, table=True):
    """Each trader's chain length and newest hash: a signal removed from the end shows."""

    __tablename__ = "signal_chain_head"  # type: ignore[assignment]

    trader_id: int = Field(foreign_key="user.id", ondelete="CASCADE", primary_key=True)
    length: int
    head_hash: str = Field(max_length=64)


class PositionPublic(BaseModel):
    """A holding as its owner sees it."""

    instrument: str
    quantity: str
    average_price: str
    last_price: str
    value: str
    unrealized: str
    realized: str
    unrealized_micros: int


class OrderPublic(BaseModel):
    """An order as its owner sees it."""

    id: int
    instrument: str
    side: str
    type: str
    status: str
    quantity: str
    limit_price: str
    fill_price: str
    fee: str
    note: str
    created_at: datetime


class PortfolioPublic(BaseModel):
    """A paper portfolio's figures, all in virtual dollars."""

    id: int
    cash: str
    equity: str
    starting_cash: str
    realized: str
    unrealized: str
    return_percent: str
    equity_micros: int
    positions: list[PositionPublic]
    orders: list[OrderPublic]
    curve: list[tuple[datetime, int]]
    feed_label: str
    feed_problems: list[str]


class SignalPublic(BaseModel):
    """A signal as anyone sees it."""

    id: int
    trader_id: int
    seq: int
    instrument: str
    direction: str
    entry: str
    stop_loss: str
    take_profit: str
    size_percent: str
    # Entry, stop-loss and take-profit in micro-units (a chart draws them).
    levels: list[int]
    rationale_html: str
    rationale: str
    committed_at: datetime
    editable_until: datetime
    editable: bool
    hash: str
    status: str
    outcome_at: datetime | None
    outcome_price: str


class ChainEntry(BaseModel):
    """One link of a trader's chain as the public page shows it."""

    seq: int
    signal_id: int
    canonical: str
    stored_hash: str
    computed_hash: str
    prev_hash: str
    committed_at: datetime
    problems: list[str]


class ChainReport(BaseModel):
    """A trader's whole chain re-computed: intact, or what is wrong and where."""

    trader_id: int
    intact: bool
    entries: list[ChainEntry]
    problems: list[str]
