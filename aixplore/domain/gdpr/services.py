"""GDPR: "download all my data" as a ZIP of JSON files, one per table holding the user's data.

Which rows are the user's is found from the schema itself: every column with a foreign key to
``user.id`` (plus the audit log's plain ``actor_id``). A new table that references users is
therefore exported without changes here; ``REDACTED_COLUMNS`` keeps secrets (password and
token hashes, encrypted secrets) out, and a test fails if a table references users in a way
this module does not see.

The job builds the file under ``<data_dir>/exports``, makes the download token and mails the
link, valid 24 hours; only the token's digest is stored (the queue never sees the token).
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Table, or_, select
from sqlmodel import Session, SQLModel, col
from sqlmodel import select as sm_select

from aixplore.core.errors import NotFound, Throttled
from aixplore.core.events import publish_after_commit
from aixplore.core.security import new_token, token_digest
from aixplore.core.settings import get_settings
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import Actor, User
from aixplore.domain.accounts.services import require_actor
from aixplore.domain.audit.services import record as audit
from aixplore.domain.gdpr.models import DataExport, ExportStatus
from aixplore.domain.mail.services import do_queue_mail

EXPORT_REQUESTED = "gdpr.export_requested"
LINK_TTL = timedelta(hours=24)
REDACTED_COLUMNS = {
    "password_hash",
    "token_hash",
    "key_hash",
    "secret_enc",
    "previous_secret_enc",
    "response_body",
    "prev_hash",
    "entry_hash",
    "token_encrypted",
    "state_hash",
    "browser_hash",
    "verifier_enc",
    # Who moderated: kept from the person a decision concerns (moderators act for the platform).
    "moderator_id",
    "resolved_by",
    "decided_by",
    "secret_hash",
    "previous_hash",  # a stream key rotated away
    "code_hash",
    "code_challenge",
}
# Columns holding a user id without a foreign key (they must outlive the user).
PLAIN_USER_COLUMNS = {("audit_entry", "actor_id")}


def user_columns() -> dict[str, list[str]]:
    """Table name -> the columns that hold a user's id."""
    found: dict[str, list[str]] = {}
    for table in SQLModel.metadata.sorted_tables:
        for column in table.columns:
            refers = any(fk.target_fullname == "user.id" for fk in column.foreign_keys)
            if refers or (table.name, column.name) in PLAIN_USER_COLUMNS:
                found.setdefault(table.name, []).append(column.name)
    found["user"] = ["id"]
    return found


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "value"):
        return value.value
    return value


def collect(session: Session, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table that refers to ``user_id``, secrets left out."""
    tables: dict[str, Table] = {t.name: t for t in SQLModel.metadata.sorted_tables}
    data: dict[str, list[dict[str, Any]]] = {}
    for name, columns in sorted(user_columns().items()):
        table = tables[name]
        stmt = select(table).where(or_(*[table.c[c] == user_id for c in columns]))
        rows = session.execute(stmt).mappings().all()
        data[name] = [
            {k: _jsonable(v) for k, v in row.items() if k not in REDACTED_COLUMNS} for row in rows
        ]
    return data


def build_zip(data: dict[str, list[dict[str, Any]]]) -> bytes:
    """One JSON file per table, plus a README."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "README.txt",
            "Your AiXplore data: one JSON file per table that holds rows about you. Secrets "
            "(password and token hashes, encrypted keys) are left out.\n",
        )
        for name, rows in data.items():
            archive.writestr(f"{name}.json", json.dumps(rows, indent=1, default=str))
    return buffer.getvalue()


def export_dir() -> Path:
    """Where built exports are kept until they expire."""
    path = get_settings().data_dir / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def do_request_export(session: Session, actor: Actor | None, *, ip: str = "") -> int:
    """Queue an export of the actor's data (at most one an hour); returns its id."""
    actor = require_actor(actor)
    recent = session.exec(
        sm_select(DataExport).where(
            DataExport.user_id == actor.user_id,
            col(DataExport.created_at) > utcnow() - timedelta(hours=1),
        )
    ).first()
    if recent is not None:
        raise Throttled("You asked for an export less than an hour ago.", retry_after=3600)
    export = DataExport(user_id=actor.user_id, expires_at=utcnow() + LINK_TTL)
    session.add(export)
    session.flush()
    assert export.id is not None
    audit(session, actor.user_id, "gdpr.export_requested", target=f"user:{actor.user_id}", ip=ip)
    publish_after_commit(session, EXPORT_REQUESTED, export.id)
    return export.id


def do_build_export(session: Session, export_id: int) -> bool:
    """Build the ZIP and mail its link (the job's body); False when there is nothing to do."""
    export = session.get(DataExport, export_id, with_for_update=True)
    if export is None or export.status != ExportStatus.QUEUED:
        return False
    user = session.get(User, export.user_id)
    if user is None:
        return False
    raw_token = new_token()
    export.token_hash = token_digest(raw_token)
    file_name = f"{new_token(24)}.zip"
    (export_dir() / file_name).write_bytes(build_zip(collect(session, export.user_id)))
    export.status, export.file_name, export.ready_at = ExportStatus.READY, file_name, utcnow()
    export.expires_at = utcnow() + LINK_TTL
    session.add(export)
    link = f"{get_settings().base_url.rstrip('/')}/api/v1/me/export?token={raw_token}"
    do_queue_mail(
        session,
        to=user.email,
        subject="Your AiXplore data export is ready",
        body=(f"Hello {user.display_name},\n\nDownload your data here (valid 24 hours):\n{link}\n"),
        kind="data_export",
        user_id=user.id,
    )
    return True


def get_export_file(session: Session, raw_token: Any) -> Path:
    """The ZIP behind a download link, while it is valid."""
    if not isinstance(raw_token, str) or not 16 <= len(raw_token) <= 128:
        raise NotFound("This download link is invalid or has expired.")
    export = session.exec(
        sm_select(DataExport).where(DataExport.token_hash == token_digest(raw_token))
    ).first()
    if export is None or export.status != ExportStatus.READY or export.expires_at <= utcnow():
        raise NotFound("This download link is invalid or has expired.")
    path = export_dir() / export.file_name
    if not path.is_file():
        raise NotFound("This download link is invalid or has expired.")
    return path


def purge_expired(session: Session) -> int:
    """Delete expired export files and their requests."""
    rows = session.exec(sm_select(DataExport).where(col(DataExport.expires_at) <= utcnow())).all()
    for export in rows:
        if export.file_name:
            (export_dir() / export.file_name).unlink(missing_ok=True)
        session.delete(export)
    return len(rows)
