"""a narrow covering index for counting facets of matched solutions

Revision ID: a3b4c5d6e7f8
Revises: f2a3b4c5d6e7
Create Date: 2026-12-02 14:15:00

Search counts facets over the solutions its words matched, joined by id. Reading those rows
from the table means reading wide rows (descriptions, taglines); this index holds just the
columns the filters and facets use, keyed by id, so the join reads a few narrow index pages
instead (SQLite reads it as a covering index, PostgreSQL with index-only scans). On 100,000
solutions it made SQLite's facet queries for a common word several times faster.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a3b4c5d6e7f8"
down_revision: str | None = "f2a3b4c5d6e7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ["id", "status", "category_id", "pricing", "rating_avg", "owner_id"]


def upgrade() -> None:
    op.create_index("ix_solution_facets", "solution", COLUMNS)
    if op.get_bind().dialect.name == "sqlite":
        op.execute(sa.text("ANALYZE solution"))


def downgrade() -> None:
    op.drop_index("ix_solution_facets", table_name="solution")
