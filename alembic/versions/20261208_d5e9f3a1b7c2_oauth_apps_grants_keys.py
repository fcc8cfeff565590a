"""oauth: third-party apps, codes, grants, refresh tokens, signing keys; org apps policy

Revision ID: d5e9f3a1b7c2
Revises: 8b3e6f2d4c10
Create Date: 2026-12-08 04:44:05

Existing organizations keep allowing third-party apps (the column's server default).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import aixplore.core.columns


revision: str = "d5e9f3a1b7c2"
down_revision: str | None = "8b3e6f2d4c10"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "oauth_signing_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kid", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("private_key", sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
        sa.Column("public_jwk", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("created_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("oauth_signing_key", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_oauth_signing_key_kid"), ["kid"], unique=True)

    op.create_table(
        "oauth_app",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=True),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("logo_url", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("redirect_uris", sqlmodel.sql.sqltypes.AutoString(length=2600), nullable=False),
        sa.Column("confidential", sa.Boolean(), nullable=False),
        sa.Column("secret_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organization.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("oauth_app", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_oauth_app_client_id"), ["client_id"], unique=True)
        batch_op.create_index(batch_op.f("ix_oauth_app_org_id"), ["org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_oauth_app_user_id"), ["user_id"], unique=False)

    op.create_table(
        "oauth_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("app_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("redirect_uri", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("scopes", sqlmodel.sql.sqltypes.AutoString(length=600), nullable=False),
        sa.Column("code_challenge", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("expires_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=True),
        sa.Column("grant_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["app_id"], ["oauth_app.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("oauth_code", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_oauth_code_app_id"), ["app_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_oauth_code_code_hash"), ["code_hash"], unique=True)
        batch_op.create_index(batch_op.f("ix_oauth_code_user_id"), ["user_id"], unique=False)

    op.create_table(
        "oauth_grant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("app_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("scopes", sqlmodel.sql.sqltypes.AutoString(length=600), nullable=False),
        sa.Column("created_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_reason", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.ForeignKeyConstraint(["app_id"], ["oauth_app.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("oauth_grant", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_oauth_grant_app_id"), ["app_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_oauth_grant_user_id"), ["user_id"], unique=False)

    op.create_table(
        "oauth_refresh_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("grant_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["grant_id"], ["oauth_grant.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("oauth_refresh_token", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_oauth_refresh_token_grant_id"), ["grant_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_oauth_refresh_token_token_hash"), ["token_hash"], unique=True
        )

    with op.batch_alter_table("organization", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "third_party_apps_allowed", sa.Boolean(), nullable=False, server_default=sa.true()
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("organization", schema=None) as batch_op:
        batch_op.drop_column("third_party_apps_allowed")

    with op.batch_alter_table("oauth_refresh_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_oauth_refresh_token_token_hash"))
        batch_op.drop_index(batch_op.f("ix_oauth_refresh_token_grant_id"))

    op.drop_table("oauth_refresh_token")
    with op.batch_alter_table("oauth_grant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_oauth_grant_user_id"))
        batch_op.drop_index(batch_op.f("ix_oauth_grant_app_id"))

    op.drop_table("oauth_grant")
    with op.batch_alter_table("oauth_code", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_oauth_code_user_id"))
        batch_op.drop_index(batch_op.f("ix_oauth_code_code_hash"))
        batch_op.drop_index(batch_op.f("ix_oauth_code_app_id"))

    op.drop_table("oauth_code")
    with op.batch_alter_table("oauth_app", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_oauth_app_user_id"))
        batch_op.drop_index(batch_op.f("ix_oauth_app_org_id"))
        batch_op.drop_index(batch_op.f("ix_oauth_app_client_id"))

    op.drop_table("oauth_app")
    with op.batch_alter_table("oauth_signing_key", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_oauth_signing_key_kid"))

    op.drop_table("oauth_signing_key")
