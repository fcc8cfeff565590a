"""live streams: streams, stream keys, chat lines, chat moderators, time-outs, viewers

Revision ID: a3f5c7e9b1d4
Revises: b3f1c8d2e6a4
Create Date: 2026-12-09 08:00:00

New tables only. ``stream_chat_line`` is unique per stream and sequence number (catch-up reads
by ``changed_seq``); ``stream_key`` keeps only SHA-256 hashes of the secrets.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import aixplore.core.columns


revision: str = "a3f5c7e9b1d4"
down_revision: str | None = "b3f1c8d2e6a4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "stream_key",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("ingest_name", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("secret_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("previous_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id"),
        sa.UniqueConstraint("ingest_name"),
    )
    op.create_table(
        "stream",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("streamer_id", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("starts_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("hls_url", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("keep_recording", sa.Boolean(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("ingest_name", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("went_live_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ended_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=True),
        sa.Column("recording", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("slow_mode_seconds", sa.Integer(), nullable=False),
        sa.Column("followers_only", sa.Boolean(), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("created_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["event.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["group_id"], ["community_group.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["streamer_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("stream", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stream_event_id"), ["event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_stream_group_id"), ["group_id"], unique=False)
        batch_op.create_index("ix_stream_status_starts", ["status", "starts_at"], unique=False)
        batch_op.create_index("ix_stream_streamer", ["streamer_id", "status"], unique=False)

    op.create_table(
        "stream_chat_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stream_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("changed_seq", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("body", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("created_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["author_id"], ["user.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["stream_id"], ["stream.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("stream_id", "seq", name="uq_stream_chat_line_stream_seq"),
    )
    with op.batch_alter_table("stream_chat_line", schema=None) as batch_op:
        batch_op.create_index(
            "ix_stream_chat_line_author", ["stream_id", "author_id", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_stream_chat_line_changed", ["stream_id", "changed_seq"], unique=False
        )

    op.create_table(
        "stream_moderator",
        sa.Column("stream_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["stream_id"], ["stream.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("stream_id", "user_id"),
    )
    op.create_table(
        "stream_timeout",
        sa.Column("stream_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("until", aixplore.core.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["by_id"], ["user.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["stream_id"], ["stream.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("stream_id", "user_id"),
    )
    op.create_table(
        "stream_viewer",
        sa.Column("stream_id", sa.Integer(), nullable=False),
        sa.Column("tab", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("seen_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["stream_id"], ["stream.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("stream_id", "tab"),
    )
    with op.batch_alter_table("stream_viewer", schema=None) as batch_op:
        batch_op.create_index("ix_stream_viewer_seen", ["stream_id", "seen_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("stream_viewer", schema=None) as batch_op:
        batch_op.drop_index("ix_stream_viewer_seen")

    op.drop_table("stream_viewer")
    op.drop_table("stream_timeout")
    op.drop_table("stream_moderator")
    with op.batch_alter_table("stream_chat_line", schema=None) as batch_op:
        batch_op.drop_index("ix_stream_chat_line_changed")
        batch_op.drop_index("ix_stream_chat_line_author")

    op.drop_table("stream_chat_line")
    with op.batch_alter_table("stream", schema=None) as batch_op:
        batch_op.drop_index("ix_stream_streamer")
        batch_op.drop_index("ix_stream_status_starts")
        batch_op.drop_index(batch_op.f("ix_stream_group_id"))
        batch_op.drop_index(batch_op.f("ix_stream_event_id"))

    op.drop_table("stream")
    op.drop_table("stream_key")
