"""solutions: stored, indexed Bayesian rating score (the "top rated" key)

Revision ID: c0ffee5ea4c1
Revises: a1b2c3d4d15c
Create Date: 2026-11-22 04:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c0ffee5ea4c1"
down_revision: str | None = "a1b2c3d4d15c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Same prior as aixplore.domain.solutions.models.rating_score (copied: migrations are frozen).
PRIOR_MEAN, PRIOR_WEIGHT = 3.5, 5


def upgrade() -> None:
    with op.batch_alter_table("solution", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("rating_score", sa.Float(), nullable=False, server_default=str(PRIOR_MEAN))
        )
    op.execute(
        "UPDATE solution SET rating_score = ROUND(CAST("
        f"(rating_avg * rating_count + {PRIOR_MEAN} * {PRIOR_WEIGHT}) "
        f"/ (rating_count + {PRIOR_WEIGHT}) AS NUMERIC), 6)"
    )
    with op.batch_alter_table("solution", schema=None) as batch_op:
        batch_op.create_index("ix_solution_status_score", ["status", "rating_score"], unique=False)
        batch_op.create_index("ix_solution_status_reviews", ["status", "rating_count"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("solution", schema=None) as batch_op:
        batch_op.drop_index("ix_solution_status_reviews")
        batch_op.drop_index("ix_solution_status_score")
        batch_op.drop_column("rating_score")
