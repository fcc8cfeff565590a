"""OpenTelemetry tracing: spans from a handler or route through services to SQL and the outside.

Off unless ``AIXPLORE_OTLP_ENDPOINT`` names an OTLP/HTTP traces endpoint (a collector, Jaeger,
Tempo): then :func:`configure_tracing` installs a tracer provider that batches spans to it,
traces every SQL statement of the app's engines and every outbound httpx request (webhook
deliveries; the W3C ``traceparent`` header goes with them), and stamps log lines with the
trace and span ids. What opens spans above that:

- each event-socket event (``web/event_metrics.py``): ``event CatalogState.load``;
- each ``/api`` request (``api/metrics.py``), continuing a caller's ``traceparent``;
- each job a worker runs (``jobs/queue.py``);
- the steps that leave the process without httpx: GitHub's and Git's MCP servers (stdio),
  OpenID Providers (Authlib speaks httpx2), SAML responses;
- the services those call, through :func:`span`.

When tracing is off, :func:`span` is the API's no-op span (about a microsecond) and nothing is
instrumented: the SQL path carries no listener.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import Span, Status, StatusCode
from sqlalchemy.engine import Engine

from aixplore.core.settings import get_settings

log = logging.getLogger(__name__)

_lock = threading.Lock()
_provider: TracerProvider | None = None
_instrumented: set[int] = set()  # ids of engines that carry the SQL listeners
_NOOP = trace.NoOpTracer()
P = ParamSpec("P")
R = TypeVar("R")


def enabled() -> bool:
    """Whether this process records spans."""
    return _provider is not None


def tracer() -> trace.Tracer:
    """The app's tracer (a no-op one while tracing is off)."""
    provider = _provider
    return provider.get_tracer("aixplore") if provider is not None else _NOOP


@contextmanager
def span(name: str, **attributes: Any) -> Iterator[Span]:
    """A span around a block, child of the current one; an exception marks it failed.

    Attribute values that are ``None`` are left out (OpenTelemetry refuses them).
    """
    clean = {f"aixplore.{k}": v for k, v in attributes.items() if v is not None}
    with tracer().start_as_current_span(name, attributes=clean) as current:
        yield current


def traced(name: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a service function so that each call is a span called ``name``."""

    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        @wraps(fn)
        def call(*args: P.args, **kwargs: P.kwargs) -> R:
            if _provider is None:
                return fn(*args, **kwargs)
            with span(name):
                return fn(*args, **kwargs)

        return call

    return decorate


def mark_failed(current: Span, error: BaseException) -> None:
    """Record ``error`` on ``current`` (for spans whose failure is not an exception escaping)."""
    current.record_exception(error)
    current.set_status(Status(StatusCode.ERROR, type(error).__name__))


def configure_tracing(processor: SpanProcessor | None = None) -> bool:
    """Start tracing in this process when configured (or with ``processor``, for tests).

    Idempotent. Returns whether tracing is on. ``processor`` replaces the OTLP exporter: the
    tests pass a simple processor over the SDK's in-memory exporter.
    """
    global _provider
    endpoint = get_settings().otlp_endpoint
    if processor is None and not endpoint:
        return enabled()
    with _lock:
        if _provider is None:
            settings = get_settings()
            resource = Resource.create(
                {
                    "service.name": settings.otlp_service_name,
                    "service.instance.id": f"{socket.gethostname()}:{os.getpid()}",
                    "deployment.environment.name": settings.env,
                }
            )
            provider = TracerProvider(resource=resource)
            if processor is None:
                # Imported here: the exporter pulls protobuf, which a process without tracing
                # never needs.
                from opentelemetry.exporter.otlp.proto.http.trace_exporter import (
                    OTLPSpanExporter,
                )

                processor = BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint, timeout=5))
            provider.add_span_processor(processor)
            _provider = provider
            _instrument_httpx(provider)
            from aixplore.core.db import engines  # engines opened before tracing started

            for engine in engines():
                instrument_engine(engine)
            log.info("tracing on: spans go to %s", endpoint or type(processor).__name__)
    return True


def shutdown_tracing() -> None:
    """Flush and stop tracing (tests; a worker that exits flushes through atexit)."""
    global _provider
    with _lock:
        provider, _provider = _provider, None
        if provider is None:
            return
        from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
        from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer

        HTTPXClientInstrumentor().uninstrument()
        EngineTracer.remove_all_event_listeners()
        _instrumented.clear()
        provider.shutdown()


def instrument_engine(engine: Engine) -> None:
    """Trace ``engine``'s SQL statements (once per engine; nothing while tracing is off).

    The instrumentation's per-engine tracer is used directly: its instrumentor instruments one
    call's engines only, and this process opens engines lazily, after tracing starts.
    Statements go into spans with their parameters left out (values can be personal data).
    """
    provider = _provider
    if provider is None or id(engine) in _instrumented:
        return
    from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer
    from opentelemetry.metrics import NoOpMeter

    sql_tracer = provider.get_tracer("opentelemetry.instrumentation.sqlalchemy")
    # The app's pool gauges are Prometheus's (core/metrics.py): no OpenTelemetry meter.
    usage = NoOpMeter("aixplore").create_up_down_counter("db.client.connections.usage")
    EngineTracer(sql_tracer, engine, usage)
    _instrumented.add(id(engine))


def _instrument_httpx(provider: TracerProvider) -> None:
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

    HTTPXClientInstrumentor().instrument(tracer_provider=provider)


class TraceIds(logging.Filter):
    """Give each log record ``trace_id`` and ``span_id`` (hex) while a span is current."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = trace.get_current_span().get_span_context()
        if context.is_valid:
            record.trace_id = format(context.trace_id, "032x")
            record.span_id = format(context.span_id, "016x")
        return True
