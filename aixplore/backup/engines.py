"""Dump, verify and restore the database: SQLite's online backup API, PostgreSQL's pg_dump."""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy.engine import URL, make_url

from aixplore.backup.archive import BackupError

# Tables whose row counts the verification compares: accounts, catalog, money, audit trail.
KEY_TABLES = ("user", "solution", "review", "app_order", "wallet_entry", "audit_entry")
DUMP_NAMES = {"sqlite": "database/aixplore.sqlite3", "postgresql": "database/aixplore.pgdump"}


def engine_of(url: str) -> str:
    """``sqlite`` or ``postgresql`` for a database URL."""
    name = make_url(url).get_backend_name()
    if name not in DUMP_NAMES:
        raise BackupError(f"backups support SQLite and PostgreSQL, not {name}")
    return name


def _snapshot(execute: Callable[[str], Any]) -> tuple[dict[str, int], str | None]:
    """Row counts of the key tables and the alembic revision, read through ``execute``."""
    counts = {t: int(execute(f'SELECT count(*) FROM "{t}"')[0]) for t in KEY_TABLES}  # noqa: S608
    row = execute("SELECT version_num FROM alembic_version")
    return counts, (str(row[0]) if row else None)


# ---- SQLite ----


def sqlite_path(url: str) -> Path:
    """The database file of a SQLite URL."""
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(database)


def sqlite_dump(url: str, target: Path) -> tuple[dict[str, int], str | None]:
    """Copy the live database to ``target`` through the online backup API.

    The counts are read in the same read transaction the copy runs in, so they describe
    exactly the copied snapshot even while the app writes.
    """
    path = sqlite_path(url)
    if not path.is_file():
        raise BackupError(f"no SQLite database at {path}")
    try:
        source = sqlite3.connect(path, isolation_level=None, timeout=30)
        copy = sqlite3.connect(target)
        try:
            source.execute("BEGIN")
            snapshot = _snapshot(lambda sql: source.execute(sql).fetchone())
            source.backup(copy)
            source.execute("COMMIT")
        finally:
            copy.close()
            source.close()
    except sqlite3.Error as exc:
        raise BackupError(f"cannot back up the SQLite database {path}: {exc}") from None
    return snapshot


def sqlite_read(dump: Path) -> tuple[dict[str, int], str | None]:
    """Check a copied SQLite file opens and is intact; return its counts and revision."""
    try:
        conn = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
        try:
            check = conn.execute("PRAGMA quick_check").fetchone()
            if not check or check[0] != "ok":
                raise BackupError(f"the SQLite dump is damaged: {check}")
            return _snapshot(lambda sql: conn.execute(sql).fetchone())
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise BackupError(f"the SQLite dump does not open: {exc}") from None


def sqlite_restore(dump: Path, url: str) -> None:
    """Overwrite the live database with ``dump`` through the backup API (WAL and locks kept)."""
    path = sqlite_path(url)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        source = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
        target = sqlite3.connect(path, timeout=30)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
    except sqlite3.Error as exc:
        raise BackupError(f"cannot restore into {path}: {exc}") from None


def sqlite_has_data(url: str) -> bool:
    """Whether the live SQLite database holds members or solutions."""
    path = sqlite_path(url)
    if not path.is_file():
        return False
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        for table in ("user", "solution"):
            sql = f'SELECT 1 FROM "{table}" LIMIT 1'  # noqa: S608 - a constant table name
            if conn.execute(sql).fetchone():
                return True
        return False
    except sqlite3.Error:
        return False
    finally:
        conn.close()


# ---- PostgreSQL ----


def pg_tool(name: str) -> str:
    """The newest Debian PostgreSQL client tool ``name`` (pg_dump, pg_restore)."""
    found = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    path = found[-1] if found else shutil.which(name)
    if not path:
        raise BackupError(
            f"{name} is not installed: install Debian's postgresql-client (apt-get install "
            "postgresql-client) matching or newer than the server"
        )
    return path


def _pg_url(url: str, database: str | None = None) -> URL:
    parsed = make_url(url)
    return parsed.set(database=database) if database else parsed


def pg_environ(url: str, database: str | None = None) -> dict[str, str]:
    """The libpq environment for ``url``: the password never goes on a command line."""
    parsed = _pg_url(url, database)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    values = {
        "PGHOST": parsed.host or str(parsed.query.get("host") or ""),
        "PGPORT": str(parsed.port or ""),
        "PGUSER": parsed.username or "",
        "PGPASSWORD": parsed.password or "",
        "PGDATABASE": parsed.database or "",
        "PGSSLMODE": str(parsed.query.get("sslmode") or ""),
        "PGCONNECT_TIMEOUT": "5",
    }
    env.update({k: v for k, v in values.items() if v})
    return env


def _connect(url: str, database: str | None = None, **kwargs: Any) -> psycopg.Connection:
    parsed = _pg_url(url, database)
    try:
        return psycopg.connect(
            host=parsed.host or str(parsed.query.get("host") or "") or None,
            port=parsed.port,
            user=parsed.username,
            password=parsed.password,
            dbname=parsed.database,
            connect_timeout=5,
            **kwargs,
        )
    except psycopg.OperationalError as exc:
        where = f"{parsed.host or 'local socket'}:{parsed.port or 5432}/{parsed.database}"
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise BackupError(f"cannot reach the database at {where}: {first}") from None


@contextmanager
def _pg_errors(what: str) -> Iterator[None]:
    """Turn a database error (no privilege, a missing table) into a message for the operator."""
    try:
        yield
    except psycopg.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise BackupError(f"{what} failed: {first}") from None


def _run(args: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise BackupError(f"{what} failed: {' / '.join(detail[:3]) or done.returncode}")


def pg_dump(url: str, target: Path) -> tuple[dict[str, int], str | None]:
    """Dump the database in pg_dump's custom format from one exported snapshot.

    The counts are read in the transaction whose snapshot pg_dump dumps, so they match the
    dump exactly while the app writes.
    """
    tool = pg_tool("pg_dump")
    with _connect(url) as conn, _pg_errors("reading the database"):
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        row = conn.execute("SELECT pg_export_snapshot()").fetchone()
        snapshot = _snapshot(lambda sql: conn.execute(sql).fetchone())  # type: ignore[arg-type]
        args = [tool, "--format=custom", f"--snapshot={row[0] if row else ''}", f"--file={target}"]
        _run(args, pg_environ(url), "pg_dump")
        conn.rollback()
    return snapshot


def pg_verify(url: str, dump: Path) -> tuple[dict[str, int], str | None]:
    """Restore ``dump`` into a scratch database, read its counts, and drop it."""
    tool = pg_tool("pg_restore")
    scratch = f"aixplore_verify_{secrets.token_hex(6)}"
    with _connect(url, autocommit=True) as admin, _pg_errors("the scratch restore"):
        admin.execute(f'CREATE DATABASE "{scratch}"')  # type: ignore[arg-type]
        try:
            args = [tool, "--no-owner", "--exit-on-error", f"--dbname={scratch}", str(dump)]
            _run(args, pg_environ(url, scratch), "pg_restore into the scratch database")
            with _connect(url, scratch) as conn:
                return _snapshot(lambda sql: conn.execute(sql).fetchone())  # type: ignore[arg-type]
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')  # type: ignore[arg-type]


def pg_restore(dump: Path, url: str) -> None:
    """Restore ``dump`` over the configured database, in one transaction."""
    tool = pg_tool("pg_restore")
    _connect(url).close()  # a clear message when it is unreachable
    args = [tool, "--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error"]
    _run([*args, f"--dbname={make_url(url).database}", str(dump)], pg_environ(url), "pg_restore")


def pg_has_data(url: str) -> bool:
    """Whether the configured PostgreSQL database holds members or solutions."""
    with _connect(url, autocommit=True) as conn, _pg_errors("reading the database"):
        for table in ("user", "solution"):
            if conn.execute("SELECT to_regclass(%s)", (f'public."{table}"',)).fetchone() == (None,):
                continue
            sql = f'SELECT 1 FROM "{table}" LIMIT 1'  # noqa: S608 - a constant table name
            if conn.execute(sql).fetchone():  # type: ignore[arg-type]
                return True
    return False
