"""``GET /api/v1/me/export?token=...``: the personal data ZIP behind a mailed link (24 h)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import FileResponse

from aixplore.api.auth import rate_limit
from aixplore.api.writes import problem_responses
from aixplore.core.db import read_scope
from aixplore.domain.gdpr.services import get_export_file

router = APIRouter(prefix="/api/v1", tags=["privacy"])


@router.get(
    "/me/export",
    summary="Download a personal data export",
    response_class=FileResponse,
    dependencies=[Depends(rate_limit("read"))],
    responses={
        200: {"description": "A ZIP of JSON files.", "content": {"application/zip": {}}},
        **problem_responses(404, 422, 429),
    },
)
def download_export(
    token: Annotated[str, Query(max_length=128, description="From the mailed link.")],
) -> FileResponse:
    """The link in the mail works for 24 hours."""
    with read_scope() as db:
        path = get_export_file(db, token)
    return FileResponse(
        path,
        media_type="application/zip",
        filename="aixplore-data.zip",
        headers={"Cache-Control": "private, no-store"},
    )
