"""copy trading: copies of a leader (allocation, cash, copy stop) and their copied positions

Revision ID: e7c2a9d4f1b8
Revises: d5e9f3a1b7c2
Create Date: 2026-12-08 05:49:24

New tables and one column. ``copy_position`` is unique per copy and signal (a fan-out run
twice opens nothing twice). ``trading_signal.copied_at`` marks a signal whose copiers were
served; signals published before copy trading existed had no copiers, so they are marked
served at their publishing time.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import aixplore.core.columns


revision: str = 'e7c2a9d4f1b8'
down_revision: str | None = 'd5e9f3a1b7c2'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('trading_copy',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('follower_id', sa.Integer(), nullable=False),
    sa.Column('leader_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('active', 'paused', 'stopped', name='trading_copy_status', native_enum=False, length=32), nullable=False),
    sa.Column('allocation', sa.BigInteger(), nullable=False),
    sa.Column('cash', sa.BigInteger(), nullable=False),
    sa.Column('stop_bp', sa.Integer(), nullable=False),
    sa.Column('copy_open', sa.Boolean(), nullable=False),
    sa.Column('created_at', aixplore.core.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('stopped_at', aixplore.core.columns.UTCDateTime(timezone=True), nullable=True),
    sa.Column('final_equity', sa.BigInteger(), nullable=True),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.ForeignKeyConstraint(['follower_id'], ['user.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['leader_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('trading_copy', schema=None) as batch_op:
        batch_op.create_index('ix_trading_copy_follower', ['follower_id', 'status'], unique=False)
        batch_op.create_index('ix_trading_copy_leader', ['leader_id', 'status'], unique=False)

    op.create_table('copy_position',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('copy_id', sa.Integer(), nullable=False),
    sa.Column('signal_id', sa.Integer(), nullable=False),
    sa.Column('instrument', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('direction', sa.Enum('long', 'short', name='copy_position_direction', native_enum=False, length=32), nullable=False),
    sa.Column('status', sa.Enum('open', 'closed', 'skipped', name='copy_position_status', native_enum=False, length=32), nullable=False),
    sa.Column('quantity', sa.BigInteger(), nullable=False),
    sa.Column('cost', sa.BigInteger(), nullable=False),
    sa.Column('entry_price', sa.BigInteger(), nullable=False),
    sa.Column('fee', sa.BigInteger(), nullable=False),
    sa.Column('exit_price', sa.BigInteger(), nullable=True),
    sa.Column('pnl', sa.BigInteger(), nullable=False),
    sa.Column('opened_at', aixplore.core.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', aixplore.core.columns.UTCDateTime(timezone=True), nullable=True),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.ForeignKeyConstraint(['copy_id'], ['trading_copy.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['signal_id'], ['trading_signal.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('copy_id', 'signal_id', name='uq_copy_position_signal')
    )
    with op.batch_alter_table('copy_position', schema=None) as batch_op:
        batch_op.create_index('ix_copy_position_open', ['status', 'signal_id'], unique=False)

    with op.batch_alter_table('trading_signal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('copied_at', aixplore.core.columns.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_trading_signal_copied_at'), ['copied_at'], unique=False)
    op.execute("UPDATE trading_signal SET copied_at = created_at")


def downgrade() -> None:
    with op.batch_alter_table('trading_signal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_trading_signal_copied_at'))
        batch_op.drop_column('copied_at')

    with op.batch_alter_table('copy_position', schema=None) as batch_op:
        batch_op.drop_index('ix_copy_position_open')

    op.drop_table('copy_position')
    with op.batch_alter_table('trading_copy', schema=None) as batch_op:
        batch_op.drop_index('ix_trading_copy_leader')
        batch_op.drop_index('ix_trading_copy_follower')

    op.drop_table('trading_copy')
