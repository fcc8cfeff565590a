"""Members' social sign-in ("Continue with Google/GitHub")

Revision ID: 9f125656b6db
Revises: b7e2c4a9d1f3
Create Date: 2026-12-07 01:35:59

- ``social_identity``: a provider account (provider + subject) linked to an AiXplore
  account, one per provider and account.
- ``social_login``: a started round trip to a provider (state, nonce, PKCE verifier), bound
  to one browser and used once.
- ``social_pending_link``: a provider identity with a verified address of an existing
  password account, waiting for that account's password.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import aixplore.core.columns

revision: str = "9f125656b6db"
down_revision: str | None = "b7e2c4a9d1f3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "social_identity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("provider", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("created_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("provider", "subject", name="uq_social_identity_subject"),
        sa.UniqueConstraint("user_id", "provider", name="uq_social_identity_user_provider"),
    )
    with op.batch_alter_table("social_identity", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_social_identity_user_id"), ["user_id"], unique=False)

    op.create_table(
        "social_login",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("state_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("browser_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("provider", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("purpose", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("nonce", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("verifier_enc", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("return_to", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("created_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("social_login", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_social_login_expires_at"), ["expires_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_social_login_state_hash"), ["state_hash"], unique=True)

    op.create_table(
        "social_pending_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("provider", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("return_to", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("expires_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("social_pending_link", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_social_pending_link_token_hash"), ["token_hash"], unique=True
        )
        batch_op.create_index(
            batch_op.f("ix_social_pending_link_user_id"), ["user_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("social_pending_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_social_pending_link_user_id"))
        batch_op.drop_index(batch_op.f("ix_social_pending_link_token_hash"))

    op.drop_table("social_pending_link")
    with op.batch_alter_table("social_login", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_social_login_state_hash"))
        batch_op.drop_index(batch_op.f("ix_social_login_expires_at"))

    op.drop_table("social_login")
    with op.batch_alter_table("social_identity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_social_identity_user_id"))

    op.drop_table("social_identity")
