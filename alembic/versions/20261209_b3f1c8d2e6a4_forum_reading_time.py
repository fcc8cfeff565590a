"""Reading time toward forum trust levels: forum_standing.reading_seconds and last_read_at.

Revision ID: b3f1c8d2e6a4
Revises: 7ad9c6c9c3a9
Create Date: 2026-12-07 08:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import aixplore.core.columns

revision: str = "b3f1c8d2e6a4"
down_revision: str | None = "7ad9c6c9c3a9"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the reading time columns (nobody has read anything yet)."""
    with op.batch_alter_table("forum_standing", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reading_seconds", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column(
                "last_read_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=True
            )
        )


def downgrade() -> None:
    """Drop the reading time columns."""
    with op.batch_alter_table("forum_standing", schema=None) as batch_op:
        batch_op.drop_column("last_read_at")
        batch_op.drop_column("reading_seconds")
