"""token packs bought by card: one row per purchase, credited once when Stripe says paid

Revision ID: 0d1867432c26
Revises: 14de00b2979e
Create Date: 2026-12-06 17:52:26

The pack's tokens and price are copied into the row when the checkout starts. The ledger's
transaction kind gains "purchase"; the kind column is a plain VARCHAR(32) without a CHECK
constraint (``native_enum=False``), so that needs no change here.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import aixplore.core.columns

revision: str = "0d1867432c26"
down_revision: str | None = "14de00b2979e"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "token_purchase",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("pack", sa.String(length=16), nullable=False),
        sa.Column("tokens", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column(
            "status",
            sa.Enum("pending", "paid", name="token_purchase_status", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("checkout_id", sa.String(length=120), nullable=True),
        sa.Column("payment_reference", sa.String(length=120), nullable=True),
        sa.Column("created_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("paid_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("tokens > 0 AND amount_cents > 0", name="ck_token_purchase_amounts"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("checkout_id"),
    )
    with op.batch_alter_table("token_purchase", schema=None) as batch_op:
        batch_op.create_index("ix_token_purchase_user", ["user_id", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("token_purchase", schema=None) as batch_op:
        batch_op.drop_index("ix_token_purchase_user")
    op.drop_table("token_purchase")
