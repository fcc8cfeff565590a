"""orders name their repository's provider; local deliveries get a review request

Revision ID: 14de00b2979e
Revises: 9e4f1a2b3c4d
Create Date: 2026-12-06 17:54:07

An order's repository is on GitHub (every order so far: the column's default) or in the
server's folder of local Git repositories. A delivery to a local repository is a branch and
a review request inside AiXplore (one per order), accepted (merged) or rejected there.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import aixplore.core.columns

revision: str = "14de00b2979e"
down_revision: str | None = "9e4f1a2b3c4d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REVIEW_STATUSES = ("open", "accepting", "rejecting", "accepted", "rejected")


def upgrade() -> None:
    with op.batch_alter_table("app_order", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("provider", sa.String(length=16), nullable=False, server_default="github")
        )
    op.create_table(
        "order_review_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("repo", sa.String(length=200), nullable=False),
        sa.Column("branch", sa.String(length=100), nullable=False),
        sa.Column("base_branch", sa.String(length=100), nullable=False),
        sa.Column("head_sha", sa.String(length=64), nullable=False),
        sa.Column(
            "status",
            sa.Enum(*REVIEW_STATUSES, name="review_status", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("claimed_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=True),
        sa.Column("merge_sha", sa.String(length=64), nullable=True),
        sa.Column("merge_kind", sa.String(length=20), nullable=True),
        sa.Column("branch_kept", sa.Boolean(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("created_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["order_id"], ["app_order.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("order_id"),
    )


def downgrade() -> None:
    op.drop_table("order_review_request")
    with op.batch_alter_table("app_order", schema=None) as batch_op:
        batch_op.drop_column("provider")
