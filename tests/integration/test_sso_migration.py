"""The SSO-links migration gives SSO sessions opened before it the connection behind them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import inspect, text

from aixplore.cli import alembic_config
from aixplore.core.db import get_engine
from alembic import command
from tests.integration.test_migrations import empty_database_url

__all__ = ["empty_database_url"]
REVISION = "3a5c7e9b1d2f"


def _insert(conn: sa.Connection, table: str, values: dict[str, Any]) -> None:
    """Insert a row, filling every other required column with a plain value of its type."""
    row = dict(values)
    for column in inspect(conn).get_columns(table):
        name = column["name"]
        if name in row or column["nullable"] or column.get("default") is not None:
            continue
        kind = column["type"]
        if isinstance(kind, sa.Boolean):
            row[name] = False
        elif isinstance(kind, sa.Integer):
            row[name] = 0
        elif isinstance(kind, sa.DateTime):
            row[name] = datetime(2026, 1, 1, tzinfo=UTC).replace(tzinfo=None)
        else:
            row[name] = "x"
    names = ", ".join(f'"{n}"' for n in row)
    marks = ", ".join(f":{n}" for n in row)
    conn.execute(text(f'INSERT INTO "{table}" ({names}) VALUES ({marks})'), row)


def test_existing_sso_sessions_get_their_connection(empty_database_url: str) -> None:
    cfg = alembic_config(empty_database_url)
    command.upgrade(cfg, f"{REVISION}-1")
    engine = get_engine(empty_database_url)
    with engine.begin() as conn:
        _insert(conn, "user", {"id": 1, "email": "a@acme.com", "role": "member"})
        for org_id, slug in ((1, "acme"), (2, "beta")):
            _insert(conn, "organization", {"id": org_id, "name": slug, "slug": slug})
        _insert(conn, "sso_connection", {"id": 7, "org_id": 1, "protocol": "saml"})
        _insert(conn, "sso_connection", {"id": 8, "org_id": 1, "protocol": "oidc"})
        _insert(conn, "sso_connection", {"id": 9, "org_id": 2, "protocol": "saml"})
        for sid, provider in (
            (1, "saml:acme"),
            (2, "oidc:acme"),
            (3, "saml:beta"),
            (4, "password"),
        ):
            _insert(
                conn,
                "user_session",
                {"id": sid, "user_id": 1, "token_hash": f"h{sid}", "provider": provider},
            )
    command.upgrade(cfg, REVISION)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, sso_connection_id FROM user_session ORDER BY id"))
        assert [tuple(r) for r in rows] == [(1, 7), (2, 8), (3, 9), (4, None)]
