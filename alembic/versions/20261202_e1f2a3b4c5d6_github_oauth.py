"""GitHub OAuth sign-in states

Revision ID: e1f2a3b4c5d6
Revises: d0e1f2a3b4c5
Create Date: 2026-12-02 10:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import aixplore.core.columns

revision: str = "e1f2a3b4c5d6"
down_revision: str | None = "d0e1f2a3b4c5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "github_login_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("state_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("browser_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("verifier_enc", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("created_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["order_id"], ["app_order.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("state_hash"),
    )
    with op.batch_alter_table("github_login_state", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_github_login_state_expires_at"), ["expires_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_github_login_state_user_id"), ["user_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("github_login_state", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_github_login_state_user_id"))
        batch_op.drop_index(batch_op.f("ix_github_login_state_expires_at"))
    op.drop_table("github_login_state")
