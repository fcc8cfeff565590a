"""SQLite: a trigger-kept catalog version for search's per-worker facet columns

Revision ID: 8d2e3f4a5b6c
Revises: 7c1d2e3f4a5b
Create Date: 2026-12-03 14:50:00

A worker's facet columns (``domain/solutions/facet_columns.py``) may only be used while
nothing they hold has changed. With Redis, every process bumps a shared generation after such
a commit. Without Redis (the default SQLite set-up) a generation lives in one process, and a
write from another one (a command, a test, a job worker) would go unseen. So on SQLite the
database counts such changes itself: triggers add one to ``search_catalog_version`` in the
writing transaction whenever a solution is added or removed, a column the columns hold
changes, a tag changes, or a publisher is verified, unverified or deleted. SQLite has one
writer at a time, so the counter row costs no concurrency. It starts at a random number, so a
database recreated at the same path never repeats a version a process already built.
PostgreSQL keeps using the shared generation (a hot counter row would serialize writers).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8d2e3f4a5b6c"
down_revision: str | None = "7c1d2e3f4a5b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BUMP = "BEGIN UPDATE search_catalog_version SET n = n + 1; END"
# The solution columns the facet columns hold (facet_columns._SOLUTIONS), frozen here.
_COUNTED = "status, category_id, pricing, rating_avg, rating_score, rating_count, published_at, owner_id"
TRIGGERS = {
    "search_version_solution_insert": "AFTER INSERT ON solution",
    "search_version_solution_delete": "AFTER DELETE ON solution",
    "search_version_solution_update": f"AFTER UPDATE OF {_COUNTED} ON solution",
    "search_version_tag_insert": "AFTER INSERT ON solution_tag",
    "search_version_tag_delete": "AFTER DELETE ON solution_tag",
    "search_version_tag_update": "AFTER UPDATE ON solution_tag",
    "search_version_user_update": 'AFTER UPDATE OF verified_publisher_at ON "user"',
    "search_version_user_delete": 'AFTER DELETE ON "user"',
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(
        sa.text(
            "CREATE TABLE search_catalog_version "
            "(id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL)"
        )
    )
    op.execute(
        sa.text(
            "INSERT INTO search_catalog_version (id, n) VALUES (1, abs(random() % 1000000000000))"
        )
    )
    for name, when in TRIGGERS.items():
        op.execute(sa.text(f"CREATE TRIGGER {name} {when} {_BUMP}"))


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in TRIGGERS:
        op.execute(sa.text(f"DROP TRIGGER {name}"))
    op.execute(sa.text("DROP TABLE search_catalog_version"))
