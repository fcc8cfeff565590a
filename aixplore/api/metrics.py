"""Request metrics and trace spans as plain ASGI middleware.

(BaseHTTPMiddleware would add a task per request.)
"""

from __future__ import annotations

import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from aixplore.core import tracing
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
        seen = {"status": 500}

        async def send_and_note(message: Message) -> None:
            if message["type"] == "http.response.start":
                seen["status"] = int(message["status"])
            await send(message)

        try:
            if tracing.enabled():
                await self._traced(scope, receive, send_and_note, seen)
            else:
                await self.app(scope, receive, send_and_note)
        finally:
            route: Any = scope.get("route")
            name = getattr(route, "path", "unmatched")
            HTTP_REQUESTS.labels(scope["method"], name, str(seen["status"])).inc()
            HTTP_LATENCY.labels(scope["method"], name).observe(time.perf_counter() - started)

    async def _traced(
        self, scope: Scope, receive: Receive, send: Send, seen: dict[str, int]
    ) -> None:
        """Run the request inside a server span that continues the caller's ``traceparent``.

        ``send`` notes the response's status in ``seen``.
        """
        from opentelemetry import propagate
        from opentelemetry.trace import SpanKind, Status, StatusCode

        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        method = scope["method"]
        with tracing.tracer().start_as_current_span(
            f"{method} {scope['path']}",
            context=propagate.extract(headers),
            kind=SpanKind.SERVER,
            attributes={"http.request.method": method, "url.path": scope["path"]},
        ) as current:
            try:
                await self.app(scope, receive, send)
            finally:
                route: Any = scope.get("route")
                if route is not None:
                    # Named by the route template: one name per endpoint, not per URL.
                    current.update_name(f"{method} {route.path}")
                    current.set_attribute("http.route", route.path)
                current.set_attribute("http.response.status_code", seen["status"])
                if seen["status"] >= 500:
                    current.set_status(Status(StatusCode.ERROR))
