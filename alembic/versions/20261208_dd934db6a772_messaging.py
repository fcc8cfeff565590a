"""messaging: conversations, their members, messages with sequence numbers, settings

New tables only. A message's ``seq`` is unique in its conversation; catch-up reads walk
``(conversation_id, changed_seq)``. ``group_id`` is left without a foreign key until the
groups feature has its table.

Revision ID: dd934db6a772
Revises: d5e1a7c3b9f2
Create Date: 2026-12-07 04:45:03.297584
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

import aixplore.core.columns
from alembic import op

revision: str = "dd934db6a772"
down_revision: str | None = "d5e1a7c3b9f2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "conversation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("direct_key", sqlmodel.sql.sqltypes.AutoString(length=41), nullable=True),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column(
            "last_message_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=True
        ),
        sa.ForeignKeyConstraint(["created_by"], ["user.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("direct_key"),
    )
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_conversation_group_id"), ["group_id"], unique=False)

    op.create_table(
        "messagingsettings",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("read_receipts", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.create_table(
        "conversationmember",
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("muted", sa.Boolean(), nullable=False),
        sa.Column("last_read_seq", sa.Integer(), nullable=False),
        sa.Column("joined_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["conversation_id"], ["conversation.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("conversation_id", "user_id"),
    )
    with op.batch_alter_table("conversationmember", schema=None) as batch_op:
        batch_op.create_index(
            "ix_conversation_member_user", ["user_id", "conversation_id"], unique=False
        )

    op.create_table(
        "message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("changed_seq", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.Integer(), nullable=False),
        sa.Column("body", sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
        sa.Column("reply_to_seq", sa.Integer(), nullable=True),
        sa.Column("created_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("edited_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=True),
        sa.Column("deleted_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["conversation_id"], ["conversation.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["sender_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("conversation_id", "seq", name="uq_message_conversation_seq"),
    )
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.create_index(
            "ix_message_conversation_changed", ["conversation_id", "changed_seq"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.drop_index("ix_message_conversation_changed")

    op.drop_table("message")
    with op.batch_alter_table("conversationmember", schema=None) as batch_op:
        batch_op.drop_index("ix_conversation_member_user")

    op.drop_table("conversationmember")
    op.drop_table("messagingsettings")
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conversation_group_id"))

    op.drop_table("conversation")
