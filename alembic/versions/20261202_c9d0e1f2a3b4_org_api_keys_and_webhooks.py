"""organization-owned API keys and webhooks, org key policy

Revision ID: c9d0e1f2a3b4
Revises: b8c9d0e1f2a3
Create Date: 2026-12-02 10:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "c9d0e1f2a3b4"
down_revision: str | None = "b8c9d0e1f2a3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Named, so SQLite's batch mode (which rebuilds the table) can add and drop them too.
_KEY_FK = "fk_api_key_org_id_organization"
_ENDPOINT_FK = "fk_webhook_endpoint_org_id_organization"


def upgrade() -> None:
    with op.batch_alter_table("organization", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("api_key_max_days", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column(
                "api_key_allowed_scopes",
                sqlmodel.sql.sqltypes.AutoString(length=600),
                nullable=False,
                server_default="",
            )
        )
    # Rows that name an organization that is gone could not take the foreign key.
    for table in ("api_key", "webhook_endpoint"):
        op.execute(
            f"DELETE FROM {table} WHERE org_id IS NOT NULL "
            "AND org_id NOT IN (SELECT id FROM organization)"
        )
    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.create_foreign_key(
            _KEY_FK, "organization", ["org_id"], ["id"], ondelete="CASCADE"
        )
    with op.batch_alter_table("webhook_endpoint", schema=None) as batch_op:
        batch_op.create_foreign_key(
            _ENDPOINT_FK, "organization", ["org_id"], ["id"], ondelete="CASCADE"
        )


def downgrade() -> None:
    with op.batch_alter_table("webhook_endpoint", schema=None) as batch_op:
        batch_op.drop_constraint(_ENDPOINT_FK, type_="foreignkey")
    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.drop_constraint(_KEY_FK, type_="foreignkey")
    with op.batch_alter_table("organization", schema=None) as batch_op:
        batch_op.drop_column("api_key_allowed_scopes")
        batch_op.drop_column("api_key_max_days")
