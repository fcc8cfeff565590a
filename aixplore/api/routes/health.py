"""Operations endpoints: /api/health and /metrics."""

from __future__ import annotations

import asyncio
import os

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest, multiprocess
from sqlalchemy import text

from aixplore.core.db import get_engine
from aixplore.core.redis import redis_ping
from aixplore.jobs.queue import queue_health

router = APIRouter()


def _database() -> dict[str, object]:
    try:
        with get_engine().connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # any driver error means the database is down
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "engine": get_engine().dialect.name}


def _redis() -> dict[str, object]:
    state = redis_ping()
    if state is None:
        return {"ok": True, "configured": False}
    return {"ok": state, "configured": True}


def health_report() -> dict[str, object]:
    """Check every backing service; blocking, so run it off the event loop."""
    checks = {"database": _database(), "redis": _redis(), "jobs": queue_health()}
    ok = all(bool(c["ok"]) for c in checks.values())
    return {"status": "ok" if ok else "degraded", "checks": checks}


@router.get("/api/health", tags=["operations"])
async def health() -> JSONResponse:
    """Report database, Redis and job queue status (503 when any is down)."""
    try:
        report = await asyncio.wait_for(asyncio.to_thread(health_report), timeout=5)
    except TimeoutError:
        report = {"status": "degraded", "checks": {"timeout": {"ok": False}}}
    return JSONResponse(report, status_code=200 if report["status"] == "ok" else 503)


@router.get("/metrics", include_in_schema=False)
def metrics() -> Response:
    """Prometheus metrics (merged across worker processes when multiprocess mode is on)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        data = generate_latest(registry)
    else:
        data = generate_latest()
    return Response(data, media_type=CONTENT_TYPE_LATEST)
