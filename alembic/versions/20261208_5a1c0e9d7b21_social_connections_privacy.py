"""social: connections between people, and who may see each section of a profile

Existing profiles keep every section public (as they were shown before).

Revision ID: 5a1c0e9d7b21
Revises: d5e6f7a8b9c0
Create Date: 2026-12-07 04:42:03.062457
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import aixplore.core.columns


revision: str = "5a1c0e9d7b21"
down_revision: str | None = "d5e6f7a8b9c0"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


SECTION_COLUMNS = ("activity_visibility", "network_visibility", "connections_visibility")
SECTION_VISIBILITY = sa.Enum(
    "public",
    "members",
    "followers",
    "connections",
    "only_me",
    name="section_visibility",
    native_enum=False,
    length=32,
)


def upgrade() -> None:
    op.create_table(
        "connection",
        sa.Column("requester_id", sa.Integer(), nullable=False),
        sa.Column("addressee_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("pending", "accepted", name="connection_status", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("created_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["addressee_id"], ["user.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["requester_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("requester_id", "addressee_id"),
    )
    with op.batch_alter_table("connection", schema=None) as batch_op:
        batch_op.create_index("ix_connection_addressee", ["addressee_id", "status"], unique=False)

    with op.batch_alter_table("profile", schema=None) as batch_op:
        for column in SECTION_COLUMNS:
            batch_op.add_column(
                sa.Column(column, SECTION_VISIBILITY, nullable=False, server_default="public")
            )


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+), as the moderation migration drops its user column.
    for column in reversed(SECTION_COLUMNS):
        op.execute(f"ALTER TABLE profile DROP COLUMN {column}")

    with op.batch_alter_table("connection", schema=None) as batch_op:
        batch_op.drop_index("ix_connection_addressee")

    op.drop_table("connection")
