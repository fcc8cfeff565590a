"""Operations endpoints: /api/health and /metrics."""

from __future__ import annotations

import asyncio
import hmac
import os

from fastapi import APIRouter, Header, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest, multiprocess
from sqlalchemy import text

from aixplore.api.operations_gauges import OperationsCollector
from aixplore.core.db import get_engine
from aixplore.core.redis import redis_ping
from aixplore.core.settings import get_settings
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


def _metrics_refusal(authorization: str | None) -> Response | None:
    """Why this scrape may not read /metrics, as the answer to give; None when it may."""
    settings = get_settings()
    token = settings.metrics_token
    if token is None:
        if settings.env != "production":
            return None
        return JSONResponse(
            {"detail": "Metrics are off: set AIXPLORE_METRICS_TOKEN to scrape them."}, 404
        )
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode()):
        return None
    return JSONResponse(
        {"detail": "Send the metrics token as 'Authorization: Bearer <token>'."},
        401,
        headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
    )


@router.get("/metrics", include_in_schema=False)
def metrics(authorization: str | None = Header(default=None)) -> Response:
    """Prometheus metrics: this app's as a whole, whichever worker answers.

    With ``PROMETHEUS_MULTIPROC_DIR`` set (several workers) every worker writes its counts
    to files there and this sums them, so one scrape covers all of the instance's workers.
    The app-wide gauges (queue, orders, outbox, certificates, backups, health) are read now,
    by the worker that answers (``api/operations_gauges.py``). With ``metrics_token`` set the
    scrape must bring it; in production without one the endpoint is off.
    """
    refusal = _metrics_refusal(authorization)
    if refusal is not None:
        return refusal
    app_wide = CollectorRegistry()
    app_wide.register(OperationsCollector())
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        workers = CollectorRegistry()
        multiprocess.MultiProcessCollector(workers)
        data = generate_latest(workers)
    else:
        data = generate_latest()
    return Response(data + generate_latest(app_wide), media_type=CONTENT_TYPE_LATEST)
