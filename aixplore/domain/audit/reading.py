"""Reading the audit log: filters, pages and exports.

Platform admins read everything; an organization's admins read and export that organization's
entries (``org_id`` set in the filter), nothing else.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session, col, select

from aixplore.core.errors import ValidationFailed
from aixplore.domain.accounts.models import Actor, User
from aixplore.domain.accounts.services import parse_input, require_actor, require_platform_admin
from aixplore.domain.audit_log.models import AuditEntry
from aixplore.domain.audit_log.services import ChainReport, record, verify_chain
from aixplore.domain.orgs.models import OrgRole
from aixplore.domain.orgs.services import require_org_role

PAGE_SIZE = 50
EXPORT_MAX = 100_000
EXPORT_FIELDS: tuple[str, ...] = (
    "seq",
    "created_at",
    "actor_id",
    "org_id",
    "action",
    "target",
    "ip",
    "user_agent",
    "detail",
    "prev_hash",
    "entry_hash",
)


class AuditFilter(BaseModel):
    """What to look for; every field optional."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    action: str = Field(default="", max_length=64)
    actor_id: int | None = Field(default=None, ge=1)
    org_id: int | None = Field(default=None, ge=1)
    target: str = Field(default="", max_length=200)
    since: datetime | None = None
    until: datetime | None = None
    before_seq: int | None = Field(default=None, ge=1)  # cursor: entries older than this


def _where(form: AuditFilter) -> list[Any]:
    conds: list[Any] = []
    if form.action:
        conds.append(col(AuditEntry.action).startswith(form.action))
    if form.actor_id is not None:
        conds.append(col(AuditEntry.actor_id) == form.actor_id)
    if form.org_id is not None:
        conds.append(col(AuditEntry.org_id) == form.org_id)
    if form.target:
        conds.append(col(AuditEntry.target).contains(form.target))
    if form.since is not None:
        conds.append(col(AuditEntry.created_at) >= form.since)
    if form.until is not None:
        conds.append(col(AuditEntry.created_at) < form.until)
    if form.before_seq is not None:
        conds.append(col(AuditEntry.seq) < form.before_seq)
    return conds


def entry_dict(entry: AuditEntry) -> dict[str, Any]:
    """An entry as plain JSON-ready values."""
    return {
        "seq": entry.seq,
        "created_at": entry.created_at.isoformat(),
        "actor_id": entry.actor_id,
        "org_id": entry.org_id,
        "action": entry.action,
        "target": entry.target,
        "ip": entry.ip,
        "user_agent": entry.user_agent,
        "detail": entry.detail,
        "prev_hash": entry.prev_hash,
        "entry_hash": entry.entry_hash,
    }


def _authorized_filter(
    session: Session, actor: Actor | None, filters: Any, action: str
) -> tuple[Actor, AuditFilter]:
    """The caller and the filter, if the caller may read what it selects."""
    form: AuditFilter = parse_input(AuditFilter, filters or {})
    who = require_actor(actor)
    if who.is_platform_admin or form.org_id is None:
        return require_platform_admin(who, action), form
    admin, _org, _m = require_org_role(session, who, form.org_id, OrgRole.ADMIN, action)
    return admin, form


def list_entries(
    session: Session, actor: Actor | None, filters: Any, *, limit: int = PAGE_SIZE
) -> tuple[list[AuditEntry], int | None]:
    """Newest first, a page at a time; returns the page and the cursor of the next one."""
    _who, form = _authorized_filter(session, actor, filters, "audit_read")
    limit = min(max(limit, 1), 500)
    rows = session.exec(
        select(AuditEntry)
        .where(*_where(form))
        .order_by(col(AuditEntry.seq).desc())
        .limit(limit + 1)
    ).all()
    more = len(rows) > limit
    rows = rows[:limit]
    return list(rows), (rows[-1].seq if more and rows else None)


SYSTEM_ACTOR = "system"
GONE_ACTOR = "deleted user"


def list_named_entries(
    session: Session, actor: Actor | None, filters: Any, *, limit: int = PAGE_SIZE
) -> tuple[list[tuple[AuditEntry, str]], int | None]:
    """``list_entries``, each entry with who acted by name (for people reading the log).

    An entry without an actor was made by the system (a job, the command line); an actor whose
    account was erased is a deleted user. One query for all the names of the page.
    """
    rows, cursor = list_entries(session, actor, filters, limit=limit)
    ids = {r.actor_id for r in rows if r.actor_id is not None}
    names: dict[int, str] = {}
    if ids:
        found = session.exec(select(User.id, User.display_name).where(col(User.id).in_(ids)))
        names = {uid: name for uid, name in found.all() if uid is not None}
    return [
        (r, SYSTEM_ACTOR if r.actor_id is None else names.get(r.actor_id, GONE_ACTOR)) for r in rows
    ], cursor


def export_entries(
    session: Session,
    actor: Actor | None,
    filters: Any,
    fmt: Any,
    *,
    ip: str = "",
    user_agent: str = "",
) -> tuple[str, str]:
    """Matching entries (oldest first) as CSV or JSON; the export itself is audited.

    Returns the text and its media type. The caller commits (so the export is recorded).
    """
    admin, form = _authorized_filter(session, actor, filters, "audit_export")
    if fmt not in {"csv", "json"}:
        raise ValidationFailed("Export as csv or json.", field="format")
    rows = session.exec(
        select(AuditEntry).where(*_where(form)).order_by(col(AuditEntry.seq)).limit(EXPORT_MAX)
    ).all()
    data = [entry_dict(r) for r in rows]
    record(
        session,
        admin.user_id,
        "audit.exported",
        target=fmt,
        org_id=form.org_id,
        ip=ip,
        user_agent=user_agent,
        detail={"filters": form.model_dump(mode="json", exclude_none=True), "rows": len(data)},
    )
    if fmt == "json":
        return json.dumps(data, indent=1), "application/json"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(EXPORT_FIELDS))
    writer.writeheader()
    for row in data:
        # Neutralize spreadsheet formulas in free-text cells (CSV injection).
        writer.writerow(
            {
                k: ("'" + v if isinstance(v, str) and v[:1] in "=+-@\t\r" else v)
                for k, v in row.items()
            }
        )
    return out.getvalue(), "text/csv"


def verify_for(session: Session, actor: Actor | None) -> ChainReport:
    """Verify the chain for a platform admin (run it in a read-only unit of work)."""
    require_platform_admin(actor, "audit_verify")
    return verify_chain(session)


def do_record_verification(
    session: Session, actor: Actor | None, report: ChainReport, *, ip: str = ""
) -> None:
    """Record that a platform admin verified the chain, and what it showed."""
    admin = require_platform_admin(actor, "audit_verify")
    record(
        session,
        admin.user_id,
        "audit.verified",
        ip=ip,
        detail={"ok": report.ok, "checked": report.checked, "broken_seq": report.broken_seq},
    )
