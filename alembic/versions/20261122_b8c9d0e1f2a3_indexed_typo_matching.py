"""indexed typo matching on PostgreSQL

Revision ID: b8c9d0e1f2a3
Revises: a7b8c9d0e1f2
Create Date: 2026-11-22 09:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "b8c9d0e1f2a3"
down_revision: str | None = "a7b8c9d0e1f2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The same text as aixplore.domain.solutions.search.FUZZY_HAYSTACK.
HAYSTACK = "(name || ' ' || tags_text || ' ' || tagline)"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE INDEX ix_solution_fuzzy_trgm ON solution USING gin ({HAYSTACK} gin_trgm_ops)"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_solution_fuzzy_trgm")
