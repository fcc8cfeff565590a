"""Recording, verifying and pruning the audit log.

Every feature records into the log, accounts and organizations included, so it depends on
no feature; reading it (``aixplore.domain.audit.reading``) needs theirs to authorize.

``record`` appends in the caller's unit of work, so an entry exists exactly when the action
it describes was committed. Each entry stores the previous entry's hash and its own
``entry_hash``: an HMAC-SHA256 (keyed from ``AIXPLORE_SECRET_KEY``) over its fields and that
previous hash. Editing, deleting or inserting a row therefore breaks the chain at that row,
and someone with database access but without the secret key cannot forge a consistent chain.

Appends are serialized on the single ``audit_head`` row: ``SELECT ... FOR UPDATE`` on
PostgreSQL (held until the writer commits), and SQLite's write lock, which every unit of work
takes at ``BEGIN IMMEDIATE``. Two concurrent writers therefore can never link to the same
predecessor.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from aixplore.core.settings import get_settings
from aixplore.core.time import utcnow
from aixplore.domain.audit_log.models import GENESIS_HASH, AuditEntry, AuditHead

MAX_DETAIL_CHARS = 4000


def _chain_key() -> bytes:
    secret = get_settings().secret_key.encode()
    return hmac.new(secret, b"aixplore-audit-chain-v1", hashlib.sha256).digest()


def _canonical_detail(detail: dict[str, Any] | None) -> str:
    text = json.dumps(detail or {}, sort_keys=True, separators=(",", ":"), default=str)
    if len(text) > MAX_DETAIL_CHARS:
        text = json.dumps({"truncated": text[: MAX_DETAIL_CHARS - 40]}, separators=(",", ":"))
    return text


def compute_hash(entry: AuditEntry) -> str:
    """The HMAC of an entry's fields and its predecessor's hash."""
    fields = [
        entry.seq,
        entry.created_at.isoformat(),
        entry.actor_id,
        entry.org_id,
        entry.action,
        entry.target,
        entry.ip,
        entry.user_agent,
        entry.detail,
        entry.prev_hash,
    ]
    message = json.dumps(fields, separators=(",", ":"), ensure_ascii=False).encode()
    return hmac.new(_chain_key(), message, hashlib.sha256).hexdigest()


def _lock_head(session: Session) -> AuditHead:
    """The chain head, created if missing and locked until the caller's commit."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    session.execute(
        insert(AuditHead)
        .values(id=1, last_seq=0, last_hash=GENESIS_HASH, pruned_seq=0, pruned_hash=GENESIS_HASH)
        .on_conflict_do_nothing(index_elements=["id"])
    )
    stmt = (
        select(AuditHead)
        .where(AuditHead.id == 1)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return session.exec(stmt).one()


def record(
    session: Session,
    actor_id: int | None,
    action: str,
    target: str = "",
    org_id: int | None = None,
    ip: str = "",
    user_agent: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry in the caller's unit of work (it commits or rolls back with it)."""
    head = _lock_head(session)
    entry = AuditEntry(
        seq=head.last_seq + 1,
        created_at=utcnow(),
        actor_id=actor_id,
        org_id=org_id,
        action=action[:64],
        target=(target or "")[:200],
        ip=(ip or "")[:64],
        user_agent=(user_agent or "")[:300],
        detail=_canonical_detail(detail),
        prev_hash=head.last_hash,
        entry_hash="",
    )
    entry.entry_hash = compute_hash(entry)
    head.last_seq, head.last_hash = entry.seq, entry.entry_hash
    session.add(entry)
    session.add(head)
    session.flush()
    return entry


# ---- Verification ----


@dataclass(frozen=True)
class ChainReport:
    """The outcome of a verification: ``broken_seq`` is the first bad link, if any."""

    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str = ""

    def summary(self) -> str:
        """One line for people."""
        if self.ok:
            noun = "entry" if self.checked == 1 else "entries"
            return f"Audit chain intact: {self.checked} {noun} verified."
        return f"Audit chain broken at entry {self.broken_seq}: {self.reason}"


def _entries_in_order(session: Session, batch: int) -> Iterator[AuditEntry]:
    after = -1
    while True:
        rows = session.exec(
            select(AuditEntry)
            .where(AuditEntry.seq > after)
            .order_by(col(AuditEntry.seq))
            .limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        after = rows[-1].seq
        session.expunge_all()


def verify_chain(session: Session, *, batch: int = 5000) -> ChainReport:
    """Walk the whole chain; report the first entry that was edited, removed or inserted."""
    head = session.get(AuditHead, 1) or AuditHead()
    expected_seq, expected_prev = head.pruned_seq + 1, head.pruned_hash
    head_seq, head_hash = head.last_seq, head.last_hash
    checked = 0
    for entry in _entries_in_order(session, batch):
        if entry.seq != expected_seq:
            reason = (
                f"entry {expected_seq} is missing (deleted)"
                if entry.seq > expected_seq
                else "an entry precedes the start of the chain (inserted)"
            )
            return ChainReport(False, checked, expected_seq, reason)
        if entry.prev_hash != expected_prev:
            return ChainReport(
                False, checked, entry.seq, "it does not link to the previous entry (inserted?)"
            )
        if not hmac.compare_digest(entry.entry_hash, compute_hash(entry)):
            return ChainReport(False, checked, entry.seq, "its content was changed (edited)")
        checked += 1
        expected_seq, expected_prev = entry.seq + 1, entry.entry_hash
    if expected_seq - 1 != head_seq or expected_prev != head_hash:
        return ChainReport(
            False,
            checked,
            expected_seq,
            f"the chain should end at entry {head_seq}: entries were removed from the end",
        )
    return ChainReport(True, checked)


# ---- Retention ----


def prune(session: Session, *, now: datetime | None = None) -> int:
    """Remove entries older than ``AIXPLORE_AUDIT_RETENTION_DAYS`` (0 keeps everything).

    The head remembers the last removed link, so verification starts from there.
    """
    days = get_settings().audit_retention_days
    if days <= 0:
        return 0
    cutoff = (now or utcnow()) - timedelta(days=days)
    head = _lock_head(session)
    rows = session.exec(
        select(AuditEntry.seq, AuditEntry.entry_hash)
        .where(col(AuditEntry.created_at) < cutoff)
        .order_by(col(AuditEntry.seq).desc())
        .limit(1)
    ).all()
    if not rows:
        return 0
    last_seq, last_hash = rows[0]
    removed = session.execute(delete(AuditEntry).where(col(AuditEntry.seq) <= last_seq))
    head.pruned_seq, head.pruned_hash = last_seq, last_hash
    session.add(head)
    return int(getattr(removed, "rowcount", 0) or 0)
