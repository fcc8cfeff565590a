"""search facet cells: counts of published solutions per facet value, kept by triggers

Revision ID: b4c5d6e7f8a9
Revises: a3b4c5d6e7f8
Create Date: 2026-12-02 14:30:00

A search without words counts its facets over every published solution the filters leave:
up to 100,000 rows, five times. These two tables hold how many published solutions share a
category, pricing, star floor (``floor(rating_avg)``) and verified-publisher flag, and the
same per tag, so those counts sum a few hundred rows instead. Triggers on ``solution``,
``solution_tag`` and ``user`` keep them in the writing transaction, on both engines:

- a solution's row counts while it is published, in the cell of its current values;
- a tag counts in its tag cell while its solution is published;
- a solution delete takes its tags out before the cascade removes them (the cascade's own
  tag triggers then no longer see a published parent and do nothing);
- a publisher's verification moving, or the publisher being deleted, moves their solutions
  between the verified and unverified cells.
"""

# The SQL below is assembled from this file's own constants (no input reaches it).
# ruff: noqa: S608

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "b4c5d6e7f8a9"
down_revision: str | None = "a3b4c5d6e7f8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CELL = "search_facet_cell"
TAG_CELL = "search_facet_tag_cell"
_COLUMNS = "category_id, pricing, stars, verified"
_TAG_COLUMNS = "tag, " + _COLUMNS


def _apply(table: str, columns: str, selects: list[str]) -> str:
    """One statement adding the ``(columns..., d)`` rows ``selects`` give to ``table``.

    The rows are summed per cell (a change that leaves a solution in its cell nets zero) and
    written in key order, so concurrent writers take the cells' row locks in one order and
    cannot deadlock each other within a change.
    """
    union = " UNION ALL ".join(selects)
    return (
        f"INSERT INTO {table} ({columns}, n) SELECT {columns}, sum(d) FROM ({union}) AS delta "
        f"WHERE true GROUP BY {columns} ORDER BY {columns} "
        f"ON CONFLICT ({columns}) DO UPDATE SET n = {table}.n + excluded.n"
    )


def _stars(dialect: str, row: str) -> str:
    """The star floor of ``row``'s average (the search filter is "at least N stars")."""
    if dialect == "sqlite":
        return f"CAST({row}.rating_avg AS INTEGER)"
    return f"CAST(floor({row}.rating_avg) AS INTEGER)"


def _verified(owner_id: str) -> str:
    """1 when the publisher ``owner_id`` is verified (0 when the user is gone)."""
    return (
        "COALESCE((SELECT CASE WHEN u.verified_publisher_at IS NOT NULL THEN 1 ELSE 0 END "
        f'FROM "user" u WHERE u.id = {owner_id}), 0)'
    )


def _values(dialect: str, row: str) -> str:
    return (
        f"{row}.category_id AS category_id, {row}.pricing AS pricing, "
        f"{_stars(dialect, row)} AS stars, {_verified(row + '.owner_id')} AS verified"
    )


def _solution_rows(dialect: str, row: str, sign: str) -> tuple[str, str]:
    """The cell row and the tag cell rows of solution ``row``, if published, signed."""
    values = _values(dialect, row)
    return (
        f"SELECT {values}, {sign}1 AS d WHERE {row}.status = 'published'",
        f"SELECT st.tag AS tag, {values}, {sign}1 AS d FROM solution_tag st "
        f"WHERE st.solution_id = {row}.id AND {row}.status = 'published'",
    )


def _solution_delta(dialect: str, changes: list[tuple[str, str]]) -> list[str]:
    """Apply solution rows ``(row, sign)``: the cells first, then the tag cells."""
    rows = [_solution_rows(dialect, row, sign) for row, sign in changes]
    return [
        _apply(CELL, _COLUMNS, [cell for cell, _tags in rows]),
        _apply(TAG_CELL, _TAG_COLUMNS, [tags for _cell, tags in rows]),
    ]


def _tag_delta(dialect: str, changes: list[tuple[str, str]]) -> list[str]:
    """Apply tag rows ``(row, sign)`` while their solution is published (and still there)."""
    return [
        _apply(
            TAG_CELL,
            _TAG_COLUMNS,
            [
                f"SELECT {row}.tag AS tag, {_values(dialect, 's')}, {sign}1 AS d FROM solution s "
                f"WHERE s.id = {row}.solution_id AND s.status = 'published'"
                for row, sign in changes
            ],
        )
    ]


def _publisher_move(dialect: str, user: str, old: str, new: str) -> list[str]:
    """Move ``user``'s published solutions (and tags) from the ``old`` to the ``new`` flag."""
    stars = _stars(dialect, "s")
    cells, tags = [], []
    for flag, sign in ((old, "-"), (new, "")):
        cells.append(
            f"SELECT s.category_id AS category_id, s.pricing AS pricing, {stars} AS stars, "
            f"{flag} AS verified, {sign}count(*) AS d FROM solution s "
            f"WHERE s.owner_id = {user}.id AND s.status = 'published' "
            f"GROUP BY s.category_id, s.pricing, {stars}"
        )
        tags.append(
            f"SELECT st.tag AS tag, s.category_id AS category_id, s.pricing AS pricing, "
            f"{stars} AS stars, {flag} AS verified, {sign}count(*) AS d FROM solution s "
            "JOIN solution_tag st ON st.solution_id = s.id "
            f"WHERE s.owner_id = {user}.id AND s.status = 'published' "
            f"GROUP BY st.tag, s.category_id, s.pricing, {stars}"
        )
    return [_apply(CELL, _COLUMNS, cells), _apply(TAG_CELL, _TAG_COLUMNS, tags)]


def _triggers(dialect: str) -> list[tuple[str, str, str, str, list[str]]]:
    """(name, timing and event, table, condition, statements) of every trigger."""
    distinct = "IS NOT" if dialect == "sqlite" else "IS DISTINCT FROM"
    key_moved = " OR ".join(
        [
            f"OLD.status {distinct} NEW.status",
            f"OLD.category_id {distinct} NEW.category_id",
            f"OLD.pricing {distinct} NEW.pricing",
            f"OLD.owner_id {distinct} NEW.owner_id",
            f"{_stars(dialect, 'OLD')} {distinct} {_stars(dialect, 'NEW')}",
        ]
    )
    was_verified = "CASE WHEN OLD.verified_publisher_at IS NOT NULL THEN 1 ELSE 0 END"
    is_verified = "CASE WHEN NEW.verified_publisher_at IS NOT NULL THEN 1 ELSE 0 END"
    return [
        (
            "search_facet_solution_ins",
            "AFTER INSERT",
            "solution",
            "NEW.status = 'published'",
            _solution_delta(dialect, [("NEW", "")]),
        ),
        (
            "search_facet_solution_upd",
            "AFTER UPDATE",
            "solution",
            f"(OLD.status = 'published' OR NEW.status = 'published') AND ({key_moved})",
            _solution_delta(dialect, [("OLD", "-"), ("NEW", "")]),
        ),
        (
            "search_facet_solution_del",
            "BEFORE DELETE",
            "solution",
            "OLD.status = 'published'",
            _solution_delta(dialect, [("OLD", "-")]),
        ),
        (
            "search_facet_tag_ins",
            "AFTER INSERT",
            "solution_tag",
            "",
            _tag_delta(dialect, [("NEW", "")]),
        ),
        (
            "search_facet_tag_del",
            "AFTER DELETE",
            "solution_tag",
            "",
            _tag_delta(dialect, [("OLD", "-")]),
        ),
        (
            "search_facet_tag_upd",
            "AFTER UPDATE",
            "solution_tag",
            f"OLD.tag {distinct} NEW.tag OR OLD.solution_id {distinct} NEW.solution_id",
            _tag_delta(dialect, [("OLD", "-"), ("NEW", "")]),
        ),
        (
            "search_facet_user_upd",
            "AFTER UPDATE",
            "user",
            f"({was_verified}) <> ({is_verified})",
            _publisher_move(dialect, "NEW", was_verified, is_verified),
        ),
        (
            "search_facet_user_del",
            "BEFORE DELETE",
            "user",
            "OLD.verified_publisher_at IS NOT NULL",
            _publisher_move(dialect, "OLD", "1", "0"),
        ),
    ]


def upgrade() -> None:
    dialect = op.get_bind().dialect.name

    def key_columns() -> list[sa.Column]:
        return [
            sa.Column("category_id", sa.Integer, nullable=False),
            sa.Column("pricing", sa.String(32), nullable=False),
            sa.Column("stars", sa.Integer, nullable=False),
            sa.Column("verified", sa.Integer, nullable=False),
            sa.Column("n", sa.Integer, nullable=False, server_default="0"),
        ]

    op.create_table(
        CELL,
        *key_columns(),
        sa.PrimaryKeyConstraint("category_id", "pricing", "stars", "verified"),
    )
    op.create_table(
        TAG_CELL,
        sa.Column("tag", sa.String(40), nullable=False),
        *key_columns(),
        sa.PrimaryKeyConstraint("tag", "category_id", "pricing", "stars", "verified"),
    )
    stars = _stars(dialect, "s")
    verified = "CASE WHEN u.verified_publisher_at IS NOT NULL THEN 1 ELSE 0 END"
    op.execute(
        sa.text(
            f"INSERT INTO {CELL} ({_COLUMNS}, n) SELECT s.category_id, s.pricing, {stars}, {verified}, "
            'count(*) FROM solution s LEFT JOIN "user" u ON u.id = s.owner_id '
            f"WHERE s.status = 'published' GROUP BY s.category_id, s.pricing, {stars}, {verified}"
        )
    )
    op.execute(
        sa.text(
            f"INSERT INTO {TAG_CELL} (tag, {_COLUMNS}, n) SELECT st.tag, s.category_id, s.pricing, "
            f"{stars}, {verified}, count(*) FROM solution_tag st "
            "JOIN solution s ON s.id = st.solution_id "
            'LEFT JOIN "user" u ON u.id = s.owner_id '
            "WHERE s.status = 'published' "
            f"GROUP BY st.tag, s.category_id, s.pricing, {stars}, {verified}"
        )
    )
    for name, when, table, condition, statements in _triggers(dialect):
        quoted = f'"{table}"'
        if dialect == "sqlite":
            guard = f" WHEN {condition}" if condition else ""
            body = "; ".join(statements)
            op.execute(
                sa.text(
                    f"CREATE TRIGGER {name} {when} ON {quoted} FOR EACH ROW{guard} BEGIN {body}; END"
                )
            )
        else:
            returned = "OLD" if when.startswith("BEFORE") else "NULL"
            body = "; ".join(statements)
            op.execute(
                sa.text(
                    f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                    f"BEGIN {body}; RETURN {returned}; END $$"
                )
            )
            guard = f" WHEN ({condition})" if condition else ""
            op.execute(
                sa.text(
                    f"CREATE TRIGGER {name} {when} ON {quoted} FOR EACH ROW{guard} "
                    f"EXECUTE FUNCTION {name}()"
                )
            )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for name, _when, table, _condition, _statements in _triggers(dialect):
        op.execute(
            sa.text(
                f"DROP TRIGGER IF EXISTS {name}" + ("" if dialect == "sqlite" else f' ON "{table}"')
            )
        )
        if dialect != "sqlite":
            op.execute(sa.text(f"DROP FUNCTION IF EXISTS {name}()"))
    op.drop_table(TAG_CELL)
    op.drop_table(CELL)
