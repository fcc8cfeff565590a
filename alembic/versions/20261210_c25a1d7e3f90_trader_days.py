"""trader days: one row per trader and UTC day of decided signals, backfilled from the signals

Revision ID: c25a1d7e3f90
Revises: c24e5b1c7d34
Create Date: 2026-12-10 11:40:00

``trading_trader_day`` sums a trader's signals decided on one day (the outcome job keeps it
from now on); the backfill runs the same aggregate over every decided signal once. An index
on ``trading_signal (trader_id, committed_at)`` serves each trader's first signal and the
simulation's span.
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = 'c25a1d7e3f90'
down_revision: str | None = 'c24e5b1c7d34'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The aggregate of aixplore/domain/trading/trader_days.py as of this revision (frozen here).
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


def _backfill() -> None:
    day, hold, real = _SQL[op.get_bind().dialect.name]
    made = (
        f"((CAST(outcome_price AS {real}) / entry - 1) "
        "* (CASE direction WHEN 'short' THEN -1 ELSE 1 END) * size_bp / 10000.0)"
    )
    growth = f"(CASE WHEN 1 + {made} > 1e-9 THEN 1 + {made} ELSE 1e-9 END)"
    op.execute(
        "INSERT INTO trading_trader_day "  # noqa: S608 - fixed SQL, no input
        "(trader_id, day, decided, wins, log_growth, hold_seconds) "
        f"SELECT trader_id, {day} AS day, count(*), "
        f"sum(CASE WHEN {made} > 0 THEN 1 ELSE 0 END), sum(ln({growth})), sum({hold}) "
        "FROM trading_signal WHERE status != 'open' AND outcome_price IS NOT NULL "
        f"AND outcome_at IS NOT NULL GROUP BY trader_id, {day}"
    )


def upgrade() -> None:
    op.create_table('trading_trader_day',
    sa.Column('trader_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('decided', sa.Integer(), nullable=False),
    sa.Column('wins', sa.Integer(), nullable=False),
    sa.Column('log_growth', sa.Float(), nullable=False),
    sa.Column('hold_seconds', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['trader_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('trader_id', 'day'),
    sqlite_with_rowid=False,
    )
    op.create_index('ix_trading_signal_trader_committed', 'trading_signal', ['trader_id', 'committed_at'], unique=False)
    _backfill()


def downgrade() -> None:
    op.drop_index('ix_trading_signal_trader_committed', table_name='trading_signal')
    op.drop_table('trading_trader_day')
