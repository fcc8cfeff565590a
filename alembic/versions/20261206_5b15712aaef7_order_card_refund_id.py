"""a card-paid order remembers Stripe's refund id

Revision ID: 5b15712aaef7
Revises: 3a5c7e9b1d2f
Create Date: 2026-12-06 17:20:00

A refund job lost with its worker (or out of retries) left a refunded card order unrefunded
at Stripe with nothing to notice it. The refund job now records Stripe's refund id, and a
sweep runs the job again for refunded card orders without one. Orders refunded before this
migration are marked as recorded: whether Stripe refunded them is not known here, and
Stripe's idempotency keys last only a day, so running their refunds again could only fail.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5b15712aaef7"
down_revision: str | None = "3a5c7e9b1d2f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BEFORE_MIGRATION = "recorded-before-migration"


def upgrade() -> None:
    with op.batch_alter_table("app_order", schema=None) as batch_op:
        batch_op.add_column(sa.Column("card_refund_id", sa.String(length=120), nullable=True))
    op.execute(
        sa.text(
            "UPDATE app_order SET card_refund_id = :marker "
            "WHERE status = 'refunded' AND payment_method = 'stripe'"
        ).bindparams(marker=BEFORE_MIGRATION)
    )


def downgrade() -> None:
    with op.batch_alter_table("app_order", schema=None) as batch_op:
        batch_op.drop_column("card_refund_id")
