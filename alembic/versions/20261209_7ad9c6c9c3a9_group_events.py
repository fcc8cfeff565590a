"""Group events: an event may be hosted by a group; a private or secret group's are members-only.

Revision ID: 7ad9c6c9c3a9
Revises: 2e9cb6ec411c
Create Date: 2026-12-07 08:16:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7ad9c6c9c3a9"
down_revision: str | None = "2e9cb6ec411c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add event.group_id (indexed, cascading with its group) and event.members_only."""
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("group_id", sa.Integer(), nullable=True))
        # Existing events belong to no group: everyone's, as before.
        batch_op.add_column(
            sa.Column("members_only", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.create_index(batch_op.f("ix_event_group_id"), ["group_id"], unique=False)
        batch_op.create_foreign_key(
            "fk_event_group_id", "community_group", ["group_id"], ["id"], ondelete="CASCADE"
        )


def downgrade() -> None:
    """Drop the group columns of event."""
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_constraint("fk_event_group_id", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_event_group_id"))
        batch_op.drop_column("members_only")
        batch_op.drop_column("group_id")
