"""``GET /api/docs``: the API reference, rendered in the browser from ``/api/openapi.json``.

One self-contained page (no CDN, no external script): FastAPI's default Swagger UI loads
its code from a CDN, which an offline or locked-down deployment cannot reach.
"""

from __future__ import annotations

from importlib import resources

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)


@router.get("/api/docs")
def api_docs() -> HTMLResponse:
    """The reference page."""
    page = resources.files("aixplore.api.static").joinpath("docs.html").read_text("utf-8")
    return HTMLResponse(page, headers={"Cache-Control": "public, max-age=300"})
