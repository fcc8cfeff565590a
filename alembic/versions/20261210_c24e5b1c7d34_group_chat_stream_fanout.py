"""one chat per social group (``conversation.group_id`` unique), and when a stream start's
"going live" notifications were sent (``stream.live_notified_at``)

Revision ID: c24e5b1c7d34
Revises: c23b2e8f4a01
Create Date: 2026-12-10 11:40:00

No conversation has a ``group_id`` yet (nothing set it before group chats), so the unique
index replaces the plain one without a clean-up. ``live_notified_at`` is empty on the streams
written before: their going-live notifications were sent inline, and none waits for a job.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import aixplore.core.columns


revision: str = 'c24e5b1c7d34'
down_revision: str | None = 'c23b2e8f4a01'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conversation_group_id'))
        batch_op.create_index(batch_op.f('ix_conversation_group_id'), ['group_id'], unique=True)
    with op.batch_alter_table('stream', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('live_notified_at', aixplore.core.columns.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table('stream', schema=None) as batch_op:
        batch_op.drop_column('live_notified_at')
    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conversation_group_id'))
        batch_op.create_index(batch_op.f('ix_conversation_group_id'), ['group_id'], unique=False)
