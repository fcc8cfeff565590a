"""Column helpers shared by the table definitions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, DateTime, Enum, TypeDecorator

from aixplore.core.time import as_utc


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every engine (SQLite stores it naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            msg = "naive datetimes are not accepted; use aixplore.core.time.utcnow()"
            raise ValueError(msg)
        value = as_utc(value)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else as_utc(value)


def utc_column(*, nullable: bool = True, index: bool = False) -> Any:
    """Return a fresh UTC datetime column for a SQLModel field's ``sa_column``."""
    return Column(UTCDateTime(), nullable=nullable, index=index)


def enum_column(enum_cls: type, name: str, *, index: bool = False) -> Any:
    """Return a portable (VARCHAR + CHECK) column storing an enum's values, not its names."""
    return Column(
        Enum(
            enum_cls,
            name=name,
            native_enum=False,
            length=32,
            values_callable=lambda e: [m.value for m in e],
            validate_strings=True,
        ),
        nullable=False,
        index=index,
    )
