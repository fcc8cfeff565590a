"""API v1 audit log for platform admins: filtered pages, exports and chain verification."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from aixplore.api.auth import client_ip, rate_limit, require_scope
from aixplore.api.write_schemas import AuditEntryOut, AuditPage, ChainOut
from aixplore.api.writes import decode_cursor, encode_cursor, problem_responses
from aixplore.core.db import read_scope, session_scope
from aixplore.domain.apikeys.models import KeyPrincipal
from aixplore.domain.audit import reading

router = APIRouter(
    prefix="/api/v1/audit", tags=["audit"], dependencies=[Depends(rate_limit("read"))]
)

AuditReader = Annotated[KeyPrincipal, Depends(require_scope("audit", "read"))]


def _filters(
    action: str, actor_id: int | None, since: datetime | None, until: datetime | None
) -> dict[str, object]:
    found: dict[str, object] = {"action": action, "since": since, "until": until}
    if actor_id is not None:
        found["actor_id"] = actor_id
    return found


Action = Annotated[str, Query(max_length=64, description="Action prefix, e.g. `auth.`.")]
ActorId = Annotated[int | None, Query(ge=1, le=2**31 - 1, description="Who acted.")]
Since = Annotated[datetime | None, Query(description="Entries at or after (ISO 8601).")]
Until = Annotated[datetime | None, Query(description="Entries before (ISO 8601).")]


@router.get(
    "",
    response_model=AuditPage,
    summary="Audit entries, newest first",
    responses=problem_responses(400, 401, 403, 422, 429),
)
def list_audit(
    who: AuditReader,
    action: Action = "",
    actor_id: ActorId = None,
    since: Since = None,
    until: Until = None,
    cursor: Annotated[str, Query(description="From the previous page.")] = "",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> AuditPage:
    """Platform admins only (the domain re-checks the key's owner)."""
    filters = _filters(action, actor_id, since, until)
    position = decode_cursor(cursor, {"before": int})
    if position is not None:
        filters["before_seq"] = position["before"]
    with read_scope() as db:
        rows, nxt = reading.list_entries(db, who.actor, filters, limit=limit)
        items = [AuditEntryOut(**reading.entry_dict(r)) for r in rows]
    return AuditPage(
        items=items, next_cursor=None if nxt is None else encode_cursor({"before": nxt})
    )


@router.get(
    "/export",
    summary="Export audit entries (CSV or JSON)",
    response_class=Response,
    responses={
        200: {
            "description": "Oldest first.",
            "content": {"text/csv": {"schema": {"type": "string"}}, "application/json": {}},
        },
        **problem_responses(401, 403, 422, 429),
    },
)
def export_audit(
    request: Request,
    who: AuditReader,
    format: Annotated[Literal["csv", "json"], Query()] = "csv",
    action: Action = "",
    actor_id: ActorId = None,
    since: Since = None,
    until: Until = None,
) -> Response:
    """Every matching entry (up to 100,000); the export is itself recorded."""
    with session_scope() as db:
        text, media = reading.export_entries(
            db,
            who.actor,
            _filters(action, actor_id, since, until),
            format,
            ip=client_ip(request),
            user_agent=request.headers.get("user-agent", ""),
        )
    return Response(
        text,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="audit-log.{format}"'},
    )


@router.post(
    "/verify",
    response_model=ChainOut,
    summary="Verify the audit chain",
    responses=problem_responses(401, 403, 429),
)
async def verify_audit(request: Request, who: AuditReader) -> ChainOut:
    """Walk the whole chain and report the first broken link."""

    def work() -> ChainOut:
        with read_scope() as db:
            report = reading.verify_for(db, who.actor)
        with session_scope() as db:
            reading.do_record_verification(db, who.actor, report, ip=client_ip(request))
        return ChainOut(
            ok=report.ok, checked=report.checked, broken_seq=report.broken_seq, reason=report.reason
        )

    return await run_in_threadpool(work)
