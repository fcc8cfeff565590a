"""moderation: one inbox for reports on anything, decisions, holds, appeals, timed suspensions

Review reports move into ``moderation_report`` (kind "review"; the old "offensive" reason
becomes "harassment"); ``review_report`` stays, unwritten, while the previous release may run
on this schema (migrations only expand). Reviews hidden before get a hold, so the inbox can
restore them.

Revision ID: 8b3e6f2d4c10
Revises: 5a1c0e9d7b21
Create Date: 2026-12-07 04:56:13.819845
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import aixplore.core.columns


revision: str = "8b3e6f2d4c10"
down_revision: str | None = "5a1c0e9d7b21"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


REASON = sa.Enum(
    "spam",
    "harassment",
    "hate",
    "illegal",
    "sexual",
    "misinformation",
    "impersonation",
    "off_topic",
    "conflict_of_interest",
    "other",
    name="moderation_reason",
    native_enum=False,
    length=32,
)


def upgrade() -> None:
    op.create_table(
        "moderation_hold",
        sa.Column("target_kind", sa.String(length=32), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("previous", sa.String(length=32), nullable=False),
        sa.Column("created_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("target_kind", "target_id"),
    )
    op.create_table(
        "moderation_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_kind", sa.String(length=32), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column(
            "action",
            sa.Enum(
                "hide",
                "restore",
                "delete",
                "dismiss",
                "warn",
                "strike",
                "suspend",
                "ban_from_group",
                name="moderation_action_kind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "reason",
            REASON,
            nullable=False,
        ),
        sa.Column("public_note", sa.String(length=500), nullable=False),
        sa.Column("public_subject", sa.String(length=200), nullable=False),
        sa.Column("subject_user_id", sa.Integer(), nullable=True),
        sa.Column("moderator_id", sa.Integer(), nullable=True),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("ends_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["moderator_id"], ["user.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["subject_user_id"], ["user.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("moderation_action", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_moderation_action_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_moderation_action_subject_user_id"), ["subject_user_id"], unique=False
        )
        batch_op.create_index(
            "ix_moderation_action_target", ["target_kind", "target_id"], unique=False
        )

    op.create_table(
        "moderation_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_kind", sa.String(length=32), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=True),
        sa.Column(
            "reason",
            REASON,
            nullable=False,
        ),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("trusted", sa.Boolean(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "dismissed",
                "actioned",
                name="moderation_report_status",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("resolved_by", sa.Integer(), nullable=True),
        sa.Column("resolved_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["reporter_id"], ["user.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["resolved_by"], ["user.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("target_kind", "target_id", "reporter_id", name="uq_moderation_report"),
    )
    with op.batch_alter_table("moderation_report", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_moderation_report_status"), ["status"], unique=False)
        batch_op.create_index(
            "ix_moderation_report_target", ["target_kind", "target_id", "status"], unique=False
        )

    op.create_table(
        "moderation_appeal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("appellant_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.String(length=2000), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "upheld",
                "overturned",
                name="moderation_appeal_status",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decision_note", sa.String(length=500), nullable=False),
        sa.Column("decided_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["action_id"], ["moderation_action.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["appellant_id"], ["user.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["decided_by"], ["user.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("action_id"),
    )
    with op.batch_alter_table("moderation_appeal", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_moderation_appeal_appellant_id"), ["appellant_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_moderation_appeal_status"), ["status"], unique=False)

    op.execute(
        "INSERT INTO moderation_report (target_kind, target_id, reporter_id, reason, note,"
        " trusted, status, resolved_by, resolved_at, created_at)"
        " SELECT 'review', review_id, reporter_id,"
        " CASE reason WHEN 'offensive' THEN 'harassment' ELSE reason END,"
        " note, false, status, resolved_by, resolved_at, created_at FROM review_report"
    )
    op.execute(
        "INSERT INTO moderation_hold (target_kind, target_id, deleted, previous, created_at)"
        " SELECT 'review', id, false, 'visible', updated_at FROM review WHERE status = 'hidden'"
    )
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "suspended_until", aixplore.core.columns.UTCDateTime(timezone=True), nullable=True
            )
        )


def downgrade() -> None:
    # A plain DROP COLUMN (SQLite 3.35+): batch mode would copy "user", which the search
    # triggers name, and SQLite refuses the rename back.
    op.execute('ALTER TABLE "user" DROP COLUMN suspended_until')

    with op.batch_alter_table("moderation_appeal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_moderation_appeal_status"))
        batch_op.drop_index(batch_op.f("ix_moderation_appeal_appellant_id"))

    op.drop_table("moderation_appeal")
    with op.batch_alter_table("moderation_report", schema=None) as batch_op:
        batch_op.drop_index("ix_moderation_report_target")
        batch_op.drop_index(batch_op.f("ix_moderation_report_status"))

    op.drop_table("moderation_report")
    with op.batch_alter_table("moderation_action", schema=None) as batch_op:
        batch_op.drop_index("ix_moderation_action_target")
        batch_op.drop_index(batch_op.f("ix_moderation_action_subject_user_id"))
        batch_op.drop_index(batch_op.f("ix_moderation_action_created_at"))

    op.drop_table("moderation_action")
    op.drop_table("moderation_hold")
