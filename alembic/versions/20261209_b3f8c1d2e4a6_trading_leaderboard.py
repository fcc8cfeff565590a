"""trading leaderboard: one precomputed row per trader and period

Revision ID: b3f8c1d2e4a6
Revises: f3b8c1d2e4a6
Create Date: 2026-12-09 08:10:00

A new table only; the leaderboard job fills it (every 15 minutes), so nothing to backfill.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import aixplore.core.columns


revision: str = 'b3f8c1d2e4a6'
down_revision: str | None = 'f3b8c1d2e4a6'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('trading_leaderboard_row',
    sa.Column('period', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('trader_id', sa.Integer(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=True),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('total_return', sa.Float(), nullable=False),
    sa.Column('sharpe', sa.Float(), nullable=True),
    sa.Column('sharpe_low', sa.Float(), nullable=True),
    sa.Column('sharpe_high', sa.Float(), nullable=True),
    sa.Column('sortino', sa.Float(), nullable=True),
    sa.Column('max_drawdown', sa.Float(), nullable=False),
    sa.Column('win_rate', sa.Float(), nullable=True),
    sa.Column('avg_hold_hours', sa.Float(), nullable=True),
    sa.Column('risk', sa.Integer(), nullable=False),
    sa.Column('record_days', sa.Integer(), nullable=False),
    sa.Column('decided', sa.Integer(), nullable=False),
    sa.Column('copyable', sa.Boolean(), nullable=False),
    sa.Column('computed_at', aixplore.core.columns.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['trader_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('period', 'trader_id')
    )
    op.create_index('ix_trading_leaderboard_rank', 'trading_leaderboard_row', ['period', 'rank'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_trading_leaderboard_rank', table_name='trading_leaderboard_row')
    op.drop_table('trading_leaderboard_row')
