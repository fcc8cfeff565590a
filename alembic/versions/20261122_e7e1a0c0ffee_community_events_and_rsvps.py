"""community events and RSVPs (waitlist order, reminders)

Read and checked by hand: both tables are new, so batch mode only wraps the index
creation on SQLite; the CHECK constraints mirror EventInput's rules and the unique
(event_id, position) keeps the waitlist order total.

Revision ID: e7e1a0c0ffee
Revises: d795c7ce523a
Create Date: 2026-11-22 02:04:03.433776
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import aixplore.core.columns

revision: str = 'e7e1a0c0ffee'
down_revision: str | None = 'd795c7ce523a'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organizer_id', sa.Integer(), nullable=False),
    sa.Column('solution_id', sa.Integer(), nullable=True),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('description_md', sa.Text(), nullable=False),
    sa.Column('description_html', sa.Text(), nullable=False),
    sa.Column('starts_at', aixplore.core.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', aixplore.core.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('timezone', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('online_url', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('location', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('scheduled', 'cancelled', name='event_status', native_enum=False, length=32), nullable=False),
    sa.Column('created_at', aixplore.core.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', aixplore.core.columns.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('capacity BETWEEN 1 AND 10000', name='ck_event_capacity'),
    sa.CheckConstraint('ends_at > starts_at', name='ck_event_ends_after_start'),
    sa.ForeignKeyConstraint(['organizer_id'], ['user.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['solution_id'], ['solution.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_organizer_id'), ['organizer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_solution_id'), ['solution_id'], unique=False)
        batch_op.create_index('ix_event_status_ends', ['status', 'ends_at'], unique=False)
        batch_op.create_index('ix_event_status_starts', ['status', 'starts_at'], unique=False)

    op.create_table('event_rsvp',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('going', 'waitlisted', 'cancelled', name='rsvp_status', native_enum=False, length=32), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('reminder_sent_at', aixplore.core.columns.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', aixplore.core.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', aixplore.core.columns.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('event_id', 'position', name='uq_event_rsvp_event_position'),
    sa.UniqueConstraint('event_id', 'user_id', name='uq_event_rsvp_event_user')
    )
    with op.batch_alter_table('event_rsvp', schema=None) as batch_op:
        batch_op.create_index('ix_event_rsvp_event_status', ['event_id', 'status', 'position'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_rsvp_user_id'), ['user_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('event_rsvp', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_rsvp_user_id'))
        batch_op.drop_index('ix_event_rsvp_event_status')

    op.drop_table('event_rsvp')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_index('ix_event_status_starts')
        batch_op.drop_index('ix_event_status_ends')
        batch_op.drop_index(batch_op.f('ix_event_solution_id'))
        batch_op.drop_index(batch_op.f('ix_event_organizer_id'))

    op.drop_table('event')
