"""SSO identity links, the connection behind each session and API key, sudo mode

Revision ID: 3a5c7e9b1d2f
Revises: 0fb60be0a666
Create Date: 2026-12-06 15:04:44

- ``sso_identity_link`` / ``sso_pending_link``: IdP identities people linked to their account
  with their password (an org's IdP no longer signs in members by membership alone).
- ``user_session.sso_connection_id`` and ``api_key.sso_connection_id``: the connection that
  opened a session, or the session a key was created in (enforce SSO admits only its own).
  Existing SSO sessions get theirs from their ``provider`` ("oidc:<slug>", "saml:<slug>").
  Existing keys keep none: under enforce SSO they count as created in a password session.
- ``user_session.reauthenticated_at``: a password confirmed again (changing SSO settings).
- ``sso_login_state``: the SAML browser binding and the identity parked by the ACS.
- ``sso_connection.allow_unverified_email``: off for every connection.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import aixplore.core.columns

revision: str = "3a5c7e9b1d2f"
down_revision: str | None = "0fb60be0a666"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sso_identity_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("connection_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("subject_key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("issuer", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("anchor", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["connection_id"], ["sso_connection.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("connection_id", "subject_key", name="uq_sso_identity_link"),
    )
    with op.batch_alter_table("sso_identity_link", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sso_identity_link_connection_id"), ["connection_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_sso_identity_link_user_id"), ["user_id"], unique=False)

    op.create_table(
        "sso_pending_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("connection_id", sa.Integer(), nullable=False),
        sa.Column("anchor", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("issuer", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("groups", sa.Text(), nullable=False),
        sa.Column("return_to", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("created_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["connection_id"], ["sso_connection.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("sso_pending_link", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sso_pending_link_connection_id"), ["connection_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_sso_pending_link_expires_at"), ["expires_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_sso_pending_link_token_hash"), ["token_hash"], unique=True
        )

    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sso_connection_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_api_key_sso_connection_id"), ["sso_connection_id"], unique=False
        )
        batch_op.create_foreign_key(
            "fk_api_key_sso_connection_id",
            "sso_connection",
            ["sso_connection_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("sso_connection", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "allow_unverified_email", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )

    with op.batch_alter_table("sso_login_state", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "browser_hash",
                sqlmodel.sql.sqltypes.AutoString(length=64),
                nullable=False,
                server_default="",
            )
        )
        batch_op.add_column(sa.Column("claims_enc", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column("finish_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
        batch_op.add_column(
            sa.Column(
                "finished_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=True
            )
        )
        batch_op.create_unique_constraint("uq_sso_login_state_finish_hash", ["finish_hash"])

    with op.batch_alter_table("user_session", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sso_connection_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "reauthenticated_at",
                aixplore.core.columns.UTCDateTime(timezone=True),
                nullable=True,
            )
        )
        batch_op.create_index(
            batch_op.f("ix_user_session_sso_connection_id"), ["sso_connection_id"], unique=False
        )
        batch_op.create_foreign_key(
            "fk_user_session_sso_connection_id",
            "sso_connection",
            ["sso_connection_id"],
            ["id"],
            ondelete="SET NULL",
        )

    # Sessions opened through an organization's IdP before this revision: their provider
    # names the protocol and the org's slug (cut to 32 characters).
    op.execute(
        """
        UPDATE user_session SET sso_connection_id = (
            SELECT c.id FROM sso_connection c JOIN organization o ON o.id = c.org_id
            WHERE substr(CAST(c.protocol AS VARCHAR(8)) || ':' || o.slug, 1, 32)
                = user_session.provider
        )
        WHERE provider <> 'password'
        """
    )


def downgrade() -> None:
    with op.batch_alter_table("user_session", schema=None) as batch_op:
        batch_op.drop_constraint("fk_user_session_sso_connection_id", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_user_session_sso_connection_id"))
        batch_op.drop_column("reauthenticated_at")
        batch_op.drop_column("sso_connection_id")

    with op.batch_alter_table("sso_login_state", schema=None) as batch_op:
        batch_op.drop_constraint("uq_sso_login_state_finish_hash", type_="unique")
        batch_op.drop_column("finished_at")
        batch_op.drop_column("finish_hash")
        batch_op.drop_column("claims_enc")
        batch_op.drop_column("browser_hash")

    with op.batch_alter_table("sso_connection", schema=None) as batch_op:
        batch_op.drop_column("allow_unverified_email")

    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.drop_constraint("fk_api_key_sso_connection_id", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_api_key_sso_connection_id"))
        batch_op.drop_column("sso_connection_id")

    with op.batch_alter_table("sso_pending_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sso_pending_link_token_hash"))
        batch_op.drop_index(batch_op.f("ix_sso_pending_link_expires_at"))
        batch_op.drop_index(batch_op.f("ix_sso_pending_link_connection_id"))

    op.drop_table("sso_pending_link")
    with op.batch_alter_table("sso_identity_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sso_identity_link_user_id"))
        batch_op.drop_index(batch_op.f("ix_sso_identity_link_connection_id"))

    op.drop_table("sso_identity_link")
