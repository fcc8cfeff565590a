"""SQLite: the catalog version also counts changes to what a search result card shows

Revision ID: b7e2c4a9d1f3
Revises: 0d1867432c26
Create Date: 2026-12-06 22:30:00

Each worker now keeps the cards of search results (``domain/solutions/search_cards.py``)
labelled with the catalog version of migration 8d2e3f4a5b6c, so that version must also move
when a card changes: a solution's slug, name, tagline or logo, its publisher's display name,
or a category (added, renamed, removed). The solution and publisher triggers are recreated
with those columns; three category triggers are added. PostgreSQL keeps using the shared
generation (``catalog_changes`` bumps it for the same changes).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b7e2c4a9d1f3"
down_revision: str | None = "0d1867432c26"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BUMP = "BEGIN UPDATE search_catalog_version SET n = n + 1; END"
# Frozen copies of migration 8d2e3f4a5b6c's columns, and the card's own.
_COUNTED = (
    "status, category_id, pricing, rating_avg, rating_score, rating_count, published_at, owner_id"
)
_CARD = "slug, name, tagline, logo_path"

BEFORE = {
    "search_version_solution_update": f"AFTER UPDATE OF {_COUNTED} ON solution",
    "search_version_user_update": 'AFTER UPDATE OF verified_publisher_at ON "user"',
}
AFTER = {
    "search_version_solution_update": f"AFTER UPDATE OF {_COUNTED}, {_CARD} ON solution",
    "search_version_user_update": ('AFTER UPDATE OF verified_publisher_at, display_name ON "user"'),
}
CATEGORY = {
    "search_version_category_insert": "AFTER INSERT ON category",
    "search_version_category_update": "AFTER UPDATE ON category",
    "search_version_category_delete": "AFTER DELETE ON category",
}


def _recreate(triggers: dict[str, str]) -> None:
    for name, when in triggers.items():
        op.execute(sa.text(f"DROP TRIGGER {name}"))
        op.execute(sa.text(f"CREATE TRIGGER {name} {when} {_BUMP}"))


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    _recreate(AFTER)
    for name, when in CATEGORY.items():
        op.execute(sa.text(f"CREATE TRIGGER {name} {when} {_BUMP}"))


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in CATEGORY:
        op.execute(sa.text(f"DROP TRIGGER {name}"))
    _recreate(BEFORE)
