"""notification preferences (a channel per kind, time zone, quiet hours, digest), grouping,
messages hidden by the moderators, and images attached to messages

Revision ID: 9d2e4b6a8c15
Revises: b3f8c1d2e4a6
Create Date: 2026-12-09 07:57:17

A new table, one row per user who changed a default, and two columns on ``notification``:
``group_key`` (empty for the rows written before: none of them is grouped) and ``actors``;
``message.hidden_at`` for a reported message the moderators hid; ``message.image_*`` for an
attached image (none on the messages written before).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import aixplore.core.columns


revision: str = '9d2e4b6a8c15'
down_revision: str | None = 'b3f8c1d2e4a6'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('notification_settings',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('channels', sa.JSON(), nullable=True),
    sa.Column('timezone', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('quiet_start', sa.Integer(), nullable=True),
    sa.Column('quiet_end', sa.Integer(), nullable=True),
    sa.Column('digest', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('digest_period', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('digest_since', aixplore.core.columns.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id')
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('group_key', sqlmodel.sql.sqltypes.AutoString(length=720), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('actors', sa.JSON(), nullable=True))
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hidden_at', aixplore.core.columns.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('image_path', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('image_width', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('image_height', sa.Integer(), nullable=False, server_default='0'))



def downgrade() -> None:
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_column('image_height')
        batch_op.drop_column('image_width')
        batch_op.drop_column('image_path')
        batch_op.drop_column('hidden_at')
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_column('actors')
        batch_op.drop_column('group_key')

    op.drop_table('notification_settings')
