"""Idempotency keys: the first answer to a write is stored and replayed for 24 hours.

The record is inserted in the same unit of work as the write itself, before the write runs.
Two identical requests racing each other therefore cannot both act: on PostgreSQL the second
insert waits on the unique index until the first commits and then fails (the caller then
replays the stored answer); on SQLite every unit of work holds the write lock from BEGIN,
so the second one finds the record already there. A write that fails rolls its record back
with it, so retrying after an error runs the request again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Session, col, select

from aixplore.core.crypto import decrypt, encrypt
from aixplore.core.errors import Conflict, ValidationFailed
from aixplore.core.time import utcnow
from aixplore.domain.idempotency.models import IdempotencyRecord

TTL = timedelta(hours=24)
MAX_KEY_LENGTH = 255


@dataclass(frozen=True)
class StoredAnswer:
    """A replayable answer."""

    status_code: int
    body: str


def fingerprint(method: str, path: str, body: bytes) -> str:
    """What identifies a request: the same key may only ever carry this one."""
    digest = hashlib.sha256()
    for part in (method.upper().encode(), path.encode(), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def check_key(key: str) -> str:
    """Validate a client's key (1 to 255 printable ASCII characters)."""
    if not 1 <= len(key) <= MAX_KEY_LENGTH or not key.isascii() or not key.isprintable():
        raise ValidationFailed(
            "Idempotency-Key must be 1 to 255 printable ASCII characters.", field="Idempotency-Key"
        )
    return key


def claim(session: Session, user_id: int, key: str, print_: str) -> StoredAnswer | None:
    """The stored answer for ``key``, or None after reserving it for this request.

    Raises Conflict when the key was used for a different request, or while its first
    request is still running elsewhere.
    """
    now = utcnow()
    found = session.exec(
        select(IdempotencyRecord).where(
            IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key
        )
    ).first()
    if found is not None and found.created_at <= now - TTL:
        session.delete(found)
        session.flush()
        found = None
    if found is not None:
        if found.fingerprint != print_:
            raise ValidationFailed(
                "This Idempotency-Key was already used for a different request.",
                field="Idempotency-Key",
            )
        if found.status_code == 0:
            raise Conflict("A request with this Idempotency-Key is still being processed.")
        return StoredAnswer(found.status_code, decrypt(found.response_body))
    session.add(IdempotencyRecord(user_id=user_id, key=key, fingerprint=print_, created_at=now))
    session.flush()
    return None


def complete(session: Session, user_id: int, key: str, status_code: int, body: str) -> None:
    """Store the answer of the request that claimed ``key`` (in its unit of work)."""
    found = session.exec(
        select(IdempotencyRecord).where(
            IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key
        )
    ).one()
    # Encrypted at rest: answers may hold secrets shown once (a new webhook's secret).
    found.status_code, found.response_body = status_code, encrypt(body)
    session.add(found)


def purge(session: Session, *, now: datetime | None = None) -> int:
    """Forget answers older than 24 hours."""
    result = session.execute(
        delete(IdempotencyRecord).where(
            col(IdempotencyRecord.created_at) <= (now or utcnow()) - TTL
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)
