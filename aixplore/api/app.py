"""The REST face of AiXplore, mounted in front of Reflex's backend with ``api_transformer``."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from aixplore.api.routes import health
from aixplore.core.metrics import HTTP_LATENCY, HTTP_REQUESTS


def _problem(status: int, title: str, detail: str = "") -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


def build_api() -> FastAPI:
    """Create the API application with its routes and error handling."""
    api = FastAPI(
        title="AiXplore API",
        version="1",
        docs_url="/api/docs",
        openapi_url="/api/openapi.json",
        redoc_url=None,
    )
    api.include_router(health.router)

    @api.middleware("http")
    async def _measure(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        if not request.url.path.startswith("/api"):
            return await call_next(request)
        started = time.perf_counter()
        response = await call_next(request)
        route = request.scope.get("route")
        name = getattr(route, "path", "unmatched")
        HTTP_REQUESTS.labels(request.method, name, str(response.status_code)).inc()
        HTTP_LATENCY.labels(request.method, name).observe(time.perf_counter() - started)
        return response

    @api.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return _problem(exc.status_code, str(exc.detail))

    @api.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        return _problem(422, "Invalid request", str(first.get("msg", "")))

    @api.exception_handler(Exception)
    async def _unexpected(_request: Request, _exc: Exception) -> JSONResponse:
        return _problem(500, "Internal error", "Something went wrong on our side.")

    return api
