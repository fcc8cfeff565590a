"""Audit log: an append-only, hash-chained record of security-relevant actions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from aixplore.core.columns import utc_column
from aixplore.core.time import utcnow

GENESIS_HASH = "0" * 64


class AuditEntry(SQLModel, table=True):
    """One action. ``entry_hash`` covers every field and the previous entry's hash."""

    __tablename__ = "audit_entry"  # type: ignore[assignment]

    id: int | None = SQLField(default=None, primary_key=True)
    seq: int = SQLField(unique=True, index=True)
    created_at: datetime = SQLField(
        default_factory=utcnow, sa_column=utc_column(nullable=False, index=True)
    )
    # Plain ids, no foreign keys: an entry must outlive the user or organization it names.
    actor_id: int | None = SQLField(default=None, index=True)
    org_id: int | None = SQLField(default=None, index=True)
    action: str = SQLField(max_length=64, index=True)
    target: str = SQLField(default="", max_length=200)
    ip: str = SQLField(default="", max_length=64)
    user_agent: str = SQLField(default="", max_length=300)
    detail: str = SQLField(default="{}", sa_column=Column(Text, nullable=False))
    prev_hash: str = SQLField(max_length=64)
    entry_hash: str = SQLField(max_length=64)


class AuditHead(SQLModel, table=True):
    """The single row writers lock to append: the chain's last link (and what was pruned)."""

    __tablename__ = "audit_head"  # type: ignore[assignment]

    id: int = SQLField(default=1, primary_key=True)
    last_seq: int = 0
    last_hash: str = SQLField(default=GENESIS_HASH, max_length=64)
    # Retention removes the oldest entries; verification starts after the last one removed.
    pruned_seq: int = 0
    pruned_hash: str = SQLField(default=GENESIS_HASH, max_length=64)
