"""Request metrics as plain ASGI middleware (BaseHTTPMiddleware adds a task per request)."""

from __future__ import annotations

import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from aixplore.core.metrics import HTTP_LATENCY, HTTP_REQUESTS


class MetricsMiddleware:
    """Count and time every /api request by method, route template and status."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api"):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            route: Any = scope.get("route")
            name = getattr(route, "path", "unmatched")
            HTTP_REQUESTS.labels(scope["method"], name, str(status)).inc()
            HTTP_LATENCY.labels(scope["method"], name).observe(time.perf_counter() - started)
