"""The per-trader, per-day table the leaderboard reads, kept by the code that decides outcomes.

A row of ``trading_trader_day`` sums one trader's signals decided on one UTC day: how many,
how many made money, their compounded growth as a sum of log(1 + r) and their holding time.
Each row is the same SQL aggregate the recompute used to run over every signal
(``signal_day_rows``), so the board read from the table is the board read from the signals.

Upkeep: ``refresh_days`` recomputes the named (trader, day) rows from the signals, in the
transaction that gives those signals their outcome (``outcomes.decide_outcomes``). A row is
a function of the signals alone, so running it twice changes nothing, and a crashed job rolls
back the outcome and the row together. Two jobs refreshing one trader's days take the
trader's chain head lock first (the lock publishing takes), so neither reads the signals
before the other has written. ``rebuild_days`` fills the whole table again (the migration's
backfill does the same).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, cast

import numpy as np
from sqlalchemy import bindparam, text
from sqlmodel import Session, col, select

from aixplore.domain.trading.models import SignalChainHead, SignalStatus, TradingSignal

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# Per engine: a timestamp's day number since 1970 (UTC), a span's seconds, the float type.
_SQL = {
    "sqlite": (
        "CAST(julianday({at}) - 2440587.5 AS INTEGER)",
        "(julianday(outcome_at) - julianday(committed_at)) * 86400.0",
        "REAL",
    ),
    "postgresql": (
        "CAST(floor(extract(epoch FROM {at}) / 86400) AS INTEGER)",
        "CAST(extract(epoch FROM outcome_at - committed_at) AS DOUBLE PRECISION)",
        "DOUBLE PRECISION",
    ),
}
COLUMNS = "trader_id, day, decided, wins, log_growth, hold_seconds"


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def day_of(dialect: str, column: str) -> str:
    """SQL for the UTC day number (days since 1970-01-01) of a timestamp column."""
    return _SQL[dialect][0].format(at=column)


def aggregate_sql(dialect: str, where: str = "") -> str:
    """SELECT of the table's columns from ``trading_signal``, one row per trader and day."""
    _, hold, real = _SQL[dialect]
    day = day_of(dialect, "outcome_at")
    made = (
        f"((CAST(outcome_price AS {real}) / entry - 1) "
        "* (CASE direction WHEN 'short' THEN -1 ELSE 1 END) * size_bp / 10000.0)"
    )
    # 1 + r <= 0 (a short sized 100 % whose price doubled) is floored: log needs a wealth left.
    growth = f"(CASE WHEN 1 + {made} > 1e-9 THEN 1 + {made} ELSE 1e-9 END)"
    return (
        f"SELECT trader_id, {day} AS day, count(*) AS decided, "  # noqa: S608 - fixed SQL
        f"sum(CASE WHEN {made} > 0 THEN 1 ELSE 0 END) AS wins, "
        f"sum(ln({growth})) AS log_growth, sum({hold}) AS hold_seconds "
        "FROM trading_signal WHERE status != 'open' AND outcome_price IS NOT NULL "
        f"AND outcome_at IS NOT NULL {where} GROUP BY trader_id, {day}"
    )


def signal_day_rows(session: Session) -> np.ndarray:
    """(trader, day, decided, wins, log growth, holding seconds) grouped from every signal:
    the table's rows computed afresh (the path before the table; tests compare the two)."""
    sql = aggregate_sql(_dialect(session)) + " ORDER BY trader_id, day"
    return _fetch_wide(session, sql, 6)


# A row's day, decided signals and wins packed in one integer: one value crosses over, not
# three (each value a driver hands to Python costs more than the database's whole scan).
# PostgreSQL sends every value as bytes instead (a COPY sends a message per row).
_PACK = 2**21
_ROWS = (
    f"SELECT (CAST(day AS BIGINT) * {_PACK} + decided) * {_PACK} + wins, "  # noqa: S608
    "log_growth, hold_seconds "
    "FROM trading_trader_day ORDER BY trader_id, day"
)
_ROW = np.dtype([("packed", "i8"), ("log_growth", "f8"), ("hold_seconds", "f8")])


def _packed_bytes(session: Session) -> tuple[np.ndarray, np.ndarray]:
    """PostgreSQL: every row's trader and values as four byte strings from one statement
    (one snapshot, one result row; no index walk, no sort on the server), put in trader,
    then day order here."""
    columns = [
        ("int8send", "CAST(trader_id AS BIGINT)", ">i8"),
        ("int8send", f"(CAST(day AS BIGINT) * {_PACK} + decided) * {_PACK} + wins", ">i8"),
        ("float8send", "log_growth", ">f8"),
        ("float8send", "hold_seconds", ">f8"),
    ]
    aggregates = ", ".join(f"string_agg({send}({c}), ''::bytea)" for send, c, _ in columns)
    cursor = session.connection().connection.cursor()
    try:
        cursor.execute(f"SELECT {aggregates} FROM trading_trader_day")  # noqa: S608 - fixed SQL
        row = cursor.fetchone()
    finally:
        cursor.close()
    values = [
        np.frombuffer(bytes(raw or b""), dtype=kind)
        for raw, (_, _, kind) in zip(row or (None,) * 4, columns, strict=True)
    ]
    traders = values[0].astype(np.int64)
    packed = np.empty(len(traders), dtype=_ROW)
    for name, value in zip(_ROW.names or (), values[1:], strict=True):
        packed[name] = value
    # Trader and day in one key (trader ids < 2**31, day numbers < 2**16 until 2149).
    key = traders * 2**16 + packed["packed"] // (_PACK * _PACK)
    if len(key) > 1 and not bool(np.all(key[1:] > key[:-1])):
        order = np.argsort(key, kind="stable")
        traders, packed = traders[order], packed[order]
    ids, sizes = np.unique(traders, return_counts=True)
    return np.column_stack([ids, sizes]).astype(np.float64), packed


def table_day_rows(session: Session) -> np.ndarray:
    """The rows of ``signal_day_rows``, read from ``trading_trader_day`` in one snapshot
    (SQLite: the transaction's; PostgreSQL: a single statement's)."""
    if _dialect(session) == "postgresql":
        counts, packed = _packed_bytes(session)
    else:
        counts = _fetch_wide(
            session,
            "SELECT trader_id, count(*) FROM trading_trader_day "
            "GROUP BY trader_id ORDER BY trader_id",
            2,
        )
        cursor = session.connection().connection.cursor()
        try:
            cursor.execute(_ROWS)
            packed = np.fromiter(cast(Iterable[Any], cursor), dtype=_ROW)
        finally:
            cursor.close()
    sizes = counts[:, 1].astype(np.int64)
    if len(packed) != int(sizes.sum()):
        raise RuntimeError("The day table changed between two reads of one transaction.")
    rows = np.empty((len(packed), 6), order="F")
    rows[:, 0] = np.repeat(counts[:, 0], sizes)
    key = packed["packed"]
    rows[:, 1] = key // (_PACK * _PACK)
    rows[:, 2] = key // _PACK % _PACK
    rows[:, 3] = key % _PACK
    rows[:, 4] = packed["log_growth"]
    rows[:, 5] = packed["hold_seconds"]
    return rows


def _fetch_wide(session: Session, sql: str, width: int) -> np.ndarray:
    cursor = session.connection().connection.cursor()
    try:
        cursor.execute(sql)
        rows = cursor.fetchall()
    finally:
        cursor.close()
    return np.array(rows, dtype=np.float64) if rows else np.zeros((0, width))


def signal_first_days(session: Session) -> dict[int, int]:
    """Each trader's first signal as a day number, grouped from every signal (the old path)."""
    sql = text(
        f"SELECT trader_id, {day_of(_dialect(session), 'first')} FROM "  # noqa: S608
        "(SELECT trader_id, min(committed_at) AS first FROM trading_signal GROUP BY trader_id) f"
    )
    return {int(t): int(d) for t, d in session.connection().execute(sql).all()}


def first_days(session: Session) -> dict[int, int]:
    """Each trader's first signal as a day number, one index seek per trader (no scan)."""
    dialect = _dialect(session)
    # A loose index scan: the next trader after each one, then that trader's first signal.
    sql = text(
        "WITH RECURSIVE t(id) AS (SELECT min(trader_id) FROM trading_signal UNION ALL "  # noqa: S608
        "SELECT (SELECT min(s.trader_id) FROM trading_signal s WHERE s.trader_id > t.id) "
        "FROM t WHERE t.id IS NOT NULL) "
        f"SELECT id, {day_of(dialect, 'first')} FROM (SELECT id, "
        "(SELECT min(s.committed_at) FROM trading_signal s WHERE s.trader_id = t.id) AS first "
        "FROM t WHERE t.id IS NOT NULL) f"
    )
    return {int(t): int(d) for t, d in session.connection().execute(sql).all()}


def day_keys(signals: Iterable[TradingSignal]) -> set[tuple[int, int]]:
    """The (trader, day) rows that decided signals count in."""
    return {
        (s.trader_id, (s.outcome_at - EPOCH).days)
        for s in signals
        if s.status != SignalStatus.OPEN and s.outcome_at is not None
    }


def refresh_days(session: Session, keys: Iterable[tuple[int, int]]) -> int:
    """Recompute the (trader, day) rows named from the signals; returns the rows written."""
    by_trader: dict[int, set[int]] = {}
    for trader_id, day in keys:
        by_trader.setdefault(int(trader_id), set()).add(int(day))
    if not by_trader:
        return 0
    session.flush()  # the outcomes just set must be in what the aggregate reads
    dialect = _dialect(session)
    # Chain heads locked in one order (no deadlock between two jobs); see the module's note.
    session.exec(
        select(SignalChainHead.trader_id)
        .where(col(SignalChainHead.trader_id).in_(sorted(by_trader)))
        .order_by(col(SignalChainHead.trader_id))
        .with_for_update()
    ).all()
    drop = text(
        "DELETE FROM trading_trader_day WHERE trader_id = :trader AND day IN :days"
    ).bindparams(bindparam("days", expanding=True))
    fill = text(
        f"INSERT INTO trading_trader_day ({COLUMNS}) "
        + aggregate_sql(
            dialect, f"AND trader_id = :trader AND {day_of(dialect, 'outcome_at')} IN :days"
        )
    ).bindparams(bindparam("days", expanding=True))
    written = 0
    for trader_id in sorted(by_trader):
        days = sorted(by_trader[trader_id])
        session.execute(drop, {"trader": trader_id, "days": days})
        written += _count(session.execute(fill, {"trader": trader_id, "days": days}))
    return written


def _count(result: Any) -> int:
    """Rows an INSERT wrote (a cursor result's count)."""
    return int(getattr(result, "rowcount", 0) or 0)


def rebuild_days(session: Session) -> int:
    """Fill the whole table again from the signals (a repair; the migration backfills so)."""
    dialect = _dialect(session)
    session.execute(text("DELETE FROM trading_trader_day"))
    result = session.execute(
        text(f"INSERT INTO trading_trader_day ({COLUMNS}) " + aggregate_sql(dialect))
    )
    return _count(result)
