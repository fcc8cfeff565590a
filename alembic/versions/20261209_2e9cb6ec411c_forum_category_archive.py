"""Forum categories can be archived (off the list, no new posts, threads still readable).

Revision ID: 2e9cb6ec411c
Revises: e7c2a9d4f1b8
Create Date: 2026-12-07 08:03:40.980833
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import aixplore.core.columns

revision: str = "2e9cb6ec411c"
down_revision: str | None = "e7c2a9d4f1b8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add forum_category.archived_at (nullable: every existing category stays open)."""
    with op.batch_alter_table("forum_category", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "archived_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=True
            )
        )


def downgrade() -> None:
    """Drop forum_category.archived_at."""
    with op.batch_alter_table("forum_category", schema=None) as batch_op:
        batch_op.drop_column("archived_at")
