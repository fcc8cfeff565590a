"""trading: paper portfolios (orders, positions, equity points) and signals chained per trader

Revision ID: d5e1a7c3b9f2
Revises: c4d8e2f1a6b3
Create Date: 2026-12-08 04:44:22

New tables only. Money and prices are BIGINT micro-units, quantities BIGINT parts of 1e-8;
a signal's hash covers columns that never change after its grace period. ``paper_order``'s
``(portfolio_id, signal_id)`` is unique so that a copy fan-out (later) opens one order per
portfolio and signal; ``trading_signal.group_id`` waits for trading groups (no foreign key).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import aixplore.core.columns


revision: str = 'd5e1a7c3b9f2'
down_revision: str | None = 'c4d8e2f1a6b3'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('paper_portfolio',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('cash', sa.BigInteger(), nullable=False),
    sa.Column('starting_cash', sa.BigInteger(), nullable=False),
    sa.Column('created_at', aixplore.core.columns.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('owner_id')
    )
    op.create_table('signal_chain_head',
    sa.Column('trader_id', sa.Integer(), nullable=False),
    sa.Column('length', sa.Integer(), nullable=False),
    sa.Column('head_hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['trader_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('trader_id')
    )
    op.create_table('trading_signal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trader_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('instrument', sa.String(length=16), nullable=False),
    sa.Column('direction', sa.Enum('long', 'short', name='signal_direction', native_enum=False, length=32), nullable=False),
    sa.Column('entry', sa.BigInteger(), nullable=False),
    sa.Column('stop_loss', sa.BigInteger(), nullable=False),
    sa.Column('take_profit', sa.BigInteger(), nullable=False),
    sa.Column('size_bp', sa.Integer(), nullable=False),
    sa.Column('rationale', sa.Text(), nullable=False),
    sa.Column('created_at', aixplore.core.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('committed_at', aixplore.core.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('status', sa.Enum('open', 'hit_stop', 'hit_target', 'closed', name='signal_status', native_enum=False, length=32), nullable=False),
    sa.Column('outcome_at', aixplore.core.columns.UTCDateTime(timezone=True), nullable=True),
    sa.Column('outcome_price', sa.BigInteger(), nullable=True),
    sa.Column('notified_at', aixplore.core.columns.UTCDateTime(timezone=True), nullable=True),
    sa.Column('checked_until', aixplore.core.columns.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['trader_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('trader_id', 'seq', name='uq_trading_signal_seq')
    )
    with op.batch_alter_table('trading_signal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_trading_signal_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_trading_signal_notified_at'), ['notified_at'], unique=False)
        batch_op.create_index('ix_trading_signal_open', ['status', 'id'], unique=False)

    op.create_table('paper_equity_point',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('portfolio_id', sa.Integer(), nullable=False),
    sa.Column('at', aixplore.core.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('equity', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['portfolio_id'], ['paper_portfolio.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('paper_equity_point', schema=None) as batch_op:
        batch_op.create_index('ix_paper_equity_point_portfolio', ['portfolio_id', 'at'], unique=False)

    op.create_table('paper_order',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('portfolio_id', sa.Integer(), nullable=False),
    sa.Column('instrument', sa.String(length=16), nullable=False),
    sa.Column('side', sa.Enum('buy', 'sell', name='paper_order_side', native_enum=False, length=32), nullable=False),
    sa.Column('type', sa.Enum('market', 'limit', name='paper_order_type', native_enum=False, length=32), nullable=False),
    sa.Column('status', sa.Enum('open', 'filled', 'cancelled', 'rejected', name='paper_order_status', native_enum=False, length=32), nullable=False),
    sa.Column('quantity', sa.BigInteger(), nullable=False),
    sa.Column('limit_price', sa.BigInteger(), nullable=True),
    sa.Column('fill_price', sa.BigInteger(), nullable=True),
    sa.Column('fee', sa.BigInteger(), nullable=False),
    sa.Column('signal_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('created_at', aixplore.core.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('filled_at', aixplore.core.columns.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['portfolio_id'], ['paper_portfolio.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['signal_id'], ['trading_signal.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('portfolio_id', 'signal_id', name='uq_paper_order_signal')
    )
    with op.batch_alter_table('paper_order', schema=None) as batch_op:
        batch_op.create_index('ix_paper_order_portfolio_id', ['portfolio_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_paper_order_status'), ['status'], unique=False)

    op.create_table('paper_position',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('portfolio_id', sa.Integer(), nullable=False),
    sa.Column('instrument', sa.String(length=16), nullable=False),
    sa.Column('quantity', sa.BigInteger(), nullable=False),
    sa.Column('cost', sa.BigInteger(), nullable=False),
    sa.Column('realized', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['portfolio_id'], ['paper_portfolio.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('portfolio_id', 'instrument', name='uq_paper_position')
    )


def downgrade() -> None:
    op.drop_table('paper_position')
    with op.batch_alter_table('paper_order', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_paper_order_status'))
        batch_op.drop_index('ix_paper_order_portfolio_id')

    op.drop_table('paper_order')
    with op.batch_alter_table('paper_equity_point', schema=None) as batch_op:
        batch_op.drop_index('ix_paper_equity_point_portfolio')

    op.drop_table('paper_equity_point')
    with op.batch_alter_table('trading_signal', schema=None) as batch_op:
        batch_op.drop_index('ix_trading_signal_open')
        batch_op.drop_index(batch_op.f('ix_trading_signal_notified_at'))
        batch_op.drop_index(batch_op.f('ix_trading_signal_group_id'))

    op.drop_table('trading_signal')
    op.drop_table('signal_chain_head')
    op.drop_table('paper_portfolio')
