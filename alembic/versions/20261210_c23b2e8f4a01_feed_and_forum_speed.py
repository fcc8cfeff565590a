"""feed and forum speed: profiles found by follower count (the home feed's fan-in authors)

Revision ID: c23b2e8f4a01
Revises: 9d2e4b6a8c15
Create Date: 2026-12-10 11:50:00

``ix_profile_follower_count`` lets the home feed find the few fan-in authors (more followers
than the threshold) a reader follows without joining all of the reader's follows to profiles.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "c23b2e8f4a01"
down_revision: str | None = "9d2e4b6a8c15"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("profile", schema=None) as batch_op:
        batch_op.create_index("ix_profile_follower_count", ["follower_count"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("profile", schema=None) as batch_op:
        batch_op.drop_index("ix_profile_follower_count")
