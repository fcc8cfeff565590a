"""SQLite: the catalog version also counts changes to a solution's searched text

Revision ID: c3d4e5f6a7b8
Revises: 9f125656b6db
Create Date: 2026-12-07 02:00:00

Each worker now keeps every search word's matches and bm25 shares (``domain/solutions/
search_terms.py``) labelled with the catalog version of migration 8d2e3f4a5b6c. A change of
any indexed column of any solution (whatever its status: FTS5 indexes them all) moves the
words' idf or the average row length, so the version must move with ``description_md`` and
``tags_text`` too (name and tagline already count). PostgreSQL keeps matching in SQL.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c3d4e5f6a7b8"
down_revision: str | None = "9f125656b6db"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen: migration b7e2c4a9d1f3's columns (what search counts and what a card shows), then
# with the searched text's own.
_WAS = (
    "status, category_id, pricing, rating_avg, rating_score, rating_count, published_at, "
    "owner_id, slug, name, tagline, logo_path"
)
_NOW = f"{_WAS}, description_md, tags_text"
_NAME = "search_version_solution_update"
_BUMP = "BEGIN UPDATE search_catalog_version SET n = n + 1; END"


def _recreate(columns: str) -> None:
    op.execute(sa.text(f"DROP TRIGGER {_NAME}"))
    op.execute(sa.text(f"CREATE TRIGGER {_NAME} AFTER UPDATE OF {columns} ON solution {_BUMP}"))


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    _recreate(_NOW)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    _recreate(_WAS)
