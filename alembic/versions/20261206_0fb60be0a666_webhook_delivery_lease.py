"""a lease on each webhook attempt in progress, renewed by heartbeat

Revision ID: 0fb60be0a666
Revises: 8d2e3f4a5b6c
Create Date: 2026-12-06 15:03:11

An attempt used to hold its delivery for two minutes by pushing ``next_attempt_at`` ahead, so
a delivery whose worker was killed mid-attempt waited two minutes and the per-minute sweep.
Now the attempt holds a short lease (``lease_token``, ``lease_until``) that its worker renews
by heartbeat while the request is in flight; a recovery thread in every consumer finds
expired leases (the index) within seconds and sends the delivery again, and only the token's
holder may record the attempt's outcome. Existing rows have no attempt in progress.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import aixplore.core.columns

revision: str = "0fb60be0a666"
down_revision: str | None = "8d2e3f4a5b6c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("webhook_delivery", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lease_token", sa.String(length=40), nullable=True))
        batch_op.add_column(
            sa.Column("lease_until", aixplore.core.columns.UTCDateTime(), nullable=True)
        )
        batch_op.create_index("ix_webhook_delivery_lease_until", ["lease_until"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("webhook_delivery", schema=None) as batch_op:
        batch_op.drop_index("ix_webhook_delivery_lease_until")
        batch_op.drop_column("lease_until")
        batch_op.drop_column("lease_token")
