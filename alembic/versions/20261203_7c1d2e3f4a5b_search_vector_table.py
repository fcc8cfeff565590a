"""PostgreSQL: the full-text vectors in a narrow table of their own

Revision ID: 7c1d2e3f4a5b
Revises: 594eafa6c21d
Create Date: 2026-12-03 13:40:00

A common word matches thousands of solutions, and ranking them reads each match's tsvector.
In ``solution`` the vector is the last of 30 columns of a 1.4 KB row (descriptions included):
visiting 15,000 matches touched 11,000 heap pages and deformed every row up to its end,
35 ms before any ranking. ``solution_search`` holds just the id and the vector (kept by a
trigger from the generated column, in the writing transaction) with the GIN index that used
to be on ``solution``: the same match and ranking take half the time. SQLite's FTS5 index
is a table of its own already; nothing changes there.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7c1d2e3f4a5b"
down_revision: str | None = "594eafa6c21d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UPGRADE = [
    "CREATE TABLE solution_search ("
    "solution_id integer PRIMARY KEY REFERENCES solution (id) ON DELETE CASCADE, "
    "search_vector tsvector NOT NULL)",
    "INSERT INTO solution_search (solution_id, search_vector) "
    "SELECT id, search_vector FROM solution",
    "CREATE INDEX ix_solution_search_vector ON solution_search USING gin (search_vector)",
    "CREATE FUNCTION solution_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "INSERT INTO solution_search (solution_id, search_vector) "
    "VALUES (NEW.id, NEW.search_vector) "
    "ON CONFLICT (solution_id) DO UPDATE SET search_vector = EXCLUDED.search_vector; "
    "RETURN NULL; END $$",
    "CREATE TRIGGER solution_search_sync AFTER INSERT OR UPDATE OF "
    "name, tagline, description_md, tags_text ON solution "
    "FOR EACH ROW EXECUTE FUNCTION solution_search_sync()",
    "DROP INDEX ix_solution_search",
    "ANALYZE solution_search",
]
DOWNGRADE = [
    "CREATE INDEX ix_solution_search ON solution USING gin (search_vector)",
    "DROP TRIGGER solution_search_sync ON solution",
    "DROP FUNCTION solution_search_sync()",
    "DROP TABLE solution_search",
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in UPGRADE:
            op.execute(sa.text(statement))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in DOWNGRADE:
            op.execute(sa.text(statement))
