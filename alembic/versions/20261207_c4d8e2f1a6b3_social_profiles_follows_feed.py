"""social: profiles with handles, follows, blocks, mutes, feed items and home timelines

Revision ID: c4d8e2f1a6b3
Revises: c3d4e5f6a7b8
Create Date: 2026-12-07 01:36:19

Every existing user gets a profile whose handle is derived from their display name, in user id
order: the name in lower case with every run of other characters turned into one underscore
(at most 20 characters); when that is taken (or too short, or reserved), ``<base>_<id>``; when
that is taken too, ``user<id>``. The rule is written out here, not imported, so that this
migration gives the same handles whatever the application code says later. What people did
before (published solutions, visible reviews, events) becomes their feed items, marked as
already fanned out: their profiles show it, and nobody's feed is flooded with the past.
"""

import re

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import aixplore.core.columns


revision: str = "c4d8e2f1a6b3"
down_revision: str | None = "c3d4e5f6a7b8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "block",
        sa.Column("blocker_id", sa.Integer(), nullable=False),
        sa.Column("blocked_id", sa.Integer(), nullable=False),
        sa.Column("created_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["blocked_id"], ["user.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["blocker_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("blocker_id", "blocked_id"),
    )
    with op.batch_alter_table("block", schema=None) as batch_op:
        batch_op.create_index("ix_block_blocked", ["blocked_id"], unique=False)

    op.create_table(
        "feed_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "solution_published",
                "review_written",
                "event_hosted",
                name="feed_kind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("created_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("fanned_out_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["actor_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "subject_id", name="uq_feed_item_subject"),
    )
    with op.batch_alter_table("feed_item", schema=None) as batch_op:
        batch_op.create_index("ix_feed_item_actor_id", ["actor_id", "id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_feed_item_fanned_out_at"), ["fanned_out_at"], unique=False
        )

    op.create_table(
        "follow",
        sa.Column("follower_id", sa.Integer(), nullable=False),
        sa.Column("followee_id", sa.Integer(), nullable=False),
        sa.Column("created_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["followee_id"], ["user.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["follower_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("follower_id", "followee_id"),
    )
    with op.batch_alter_table("follow", schema=None) as batch_op:
        batch_op.create_index("ix_follow_followee", ["followee_id", "follower_id"], unique=False)

    op.create_table(
        "handle_redirect",
        sa.Column("handle_key", sa.String(length=30), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("handle_key"),
    )
    with op.batch_alter_table("handle_redirect", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_handle_redirect_user_id"), ["user_id"], unique=False)

    op.create_table(
        "mute",
        sa.Column("muter_id", sa.Integer(), nullable=False),
        sa.Column("muted_id", sa.Integer(), nullable=False),
        sa.Column("created_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["muted_id"], ["user.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["muter_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("muter_id", "muted_id"),
    )
    op.create_table(
        "profile",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("handle", sa.String(length=30), nullable=False),
        sa.Column("handle_key", sa.String(length=30), nullable=False),
        sa.Column("avatar_path", sa.String(length=200), nullable=False),
        sa.Column("location", sa.String(length=80), nullable=False),
        sa.Column("links", sa.Text(), nullable=False),
        sa.Column(
            "visibility",
            sa.Enum(
                "public",
                "members",
                "followers",
                name="profile_visibility",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("follower_count", sa.Integer(), nullable=False),
        sa.Column("following_count", sa.Integer(), nullable=False),
        sa.Column("updated_at", aixplore.core.columns.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id"),
        sa.UniqueConstraint("handle_key"),
    )
    op.create_table(
        "timeline_entry",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["feed_item.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "item_id"),
    )
    with op.batch_alter_table("timeline_entry", schema=None) as batch_op:
        batch_op.create_index("ix_timeline_entry_item", ["item_id"], unique=False)

    _backfill_profiles()
    _backfill_feed_items()


RESERVED = {
    "admin",
    "administrator",
    "aixplore",
    "api",
    "feed",
    "help",
    "me",
    "moderator",
    "root",
    "settings",
    "staff",
    "support",
    "system",
}


def _base(name: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:20].strip("_")
    if len(base) < 3 or base in RESERVED or re.match(r"^user[0-9]+$", base):
        return "user"
    return base


def _backfill_profiles() -> None:
    conn = op.get_bind()
    taken: set[str] = set()
    rows = []
    for user_id, name in conn.execute(sa.text('SELECT id, display_name FROM "user" ORDER BY id')):
        base = _base(name or "")
        handle = f"user{user_id}"
        for candidate in (base, f"{base}_{user_id}"):
            if base != "user" and candidate not in taken:
                handle = candidate
                break
        taken.add(handle)
        rows.append({"user_id": user_id, "handle": handle, "handle_key": handle})
    if rows:
        conn.execute(
            sa.text(
                "INSERT INTO profile (user_id, handle, handle_key, avatar_path, location, links,"
                " visibility, follower_count, following_count, updated_at)"
                " VALUES (:user_id, :handle, :handle_key, '', '', '', 'public', 0, 0,"
                " CURRENT_TIMESTAMP)"
            ),
            rows,
        )


def _backfill_feed_items() -> None:
    op.execute(
        "INSERT INTO feed_item (actor_id, kind, subject_id, created_at, fanned_out_at)"
        " SELECT actor_id, kind, subject_id, happened_at, happened_at FROM ("
        "  SELECT owner_id AS actor_id, 'solution_published' AS kind, id AS subject_id,"
        "   published_at AS happened_at FROM solution"
        "   WHERE status = 'published' AND published_at IS NOT NULL"
        "  UNION ALL"
        "  SELECT author_id, 'review_written', id, created_at FROM review"
        "   WHERE author_id IS NOT NULL"
        "  UNION ALL"
        "  SELECT organizer_id, 'event_hosted', id, created_at FROM event"
        " ) AS past ORDER BY happened_at, kind, subject_id"
    )


def downgrade() -> None:
    with op.batch_alter_table("timeline_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_timeline_entry_item")

    op.drop_table("timeline_entry")
    op.drop_table("profile")
    op.drop_table("mute")
    with op.batch_alter_table("handle_redirect", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handle_redirect_user_id"))

    op.drop_table("handle_redirect")
    with op.batch_alter_table("follow", schema=None) as batch_op:
        batch_op.drop_index("ix_follow_followee")

    op.drop_table("follow")
    with op.batch_alter_table("feed_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feed_item_fanned_out_at"))
        batch_op.drop_index("ix_feed_item_actor_id")

    op.drop_table("feed_item")
    with op.batch_alter_table("block", schema=None) as batch_op:
        batch_op.drop_index("ix_block_blocked")

    op.drop_table("block")
