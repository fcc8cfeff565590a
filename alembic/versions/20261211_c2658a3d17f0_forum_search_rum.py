"""forum search rum: on PostgreSQL with the rum extension, a RUM index over the posts' search vector

Revision ID: c2658a3d17f0
Revises: c25a1d7e3f90
Create Date: 2026-12-11 18:10:00

A GIN index yields a word's matches in table order, so ranking them reads every matching post's
``search_vector`` from the table (163,000 rows for a common word over 1,000,000 posts). A RUM
index keeps each word's positions in the index and returns the matches ordered by rank
(``search_vector <=> tsquery``), so ``aixplore.domain.forums.search`` takes the best few from
the index alone. Created only where the server offers the extension (``pg_available_extensions``)
and this role may create it (tried in a savepoint); elsewhere, and on SQLite, nothing changes
and search keeps the GIN index. The GIN index stays: it serves the fallback path and the
``@@`` filters other statements may use.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from alembic import op

revision: str = "c2658a3d17f0"
down_revision: str | None = "c25a1d7e3f90"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_forum_post_search_rum"  # a SEARCH_OBJECTS prefix: left out of autogenerate


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    offered = bind.execute(
        sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'rum'")
    ).first()
    if offered is None:
        return
    try:
        with bind.begin_nested():
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS rum"))
    except DBAPIError:
        return  # offered but not ours to create (a managed server's role): keep the GIN path
    op.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON forum_post USING rum (search_vector rum_tsvector_ops)"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {INDEX}")
        # The extension stays: other objects may use it, and dropping it needs its owner.
