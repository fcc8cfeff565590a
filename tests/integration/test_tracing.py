"""Tracing: a REST request, a job and its outbound call are each one trace down to the SQL.

Spans go to the SDK's in-memory exporter; the OTLP export itself, from a running backend's
event socket, is checked in ``test_event_metrics.py``.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import anyio
import pytest
from fastapi.testclient import TestClient
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from aixplore.api.app import build_api
from aixplore.api.routes import solutions as solution_routes
from aixplore.core import tracing
from aixplore.core.db import read_scope
from aixplore.core.logging import make_handler
from aixplore.domain.orders.scan import scan_repository
from aixplore.integrations import local_git
from aixplore.jobs.queue import huey
from aixplore.jobs.webhooks import deliver_webhook
from tests.factories import make_small_catalog
from tests.integration.test_webhooks import Receiver, _deliveries, _owner_with_endpoint, _publish

CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    assert tracing.configure_tracing(SimpleSpanProcessor(exporter))
    yield exporter
    tracing.shutdown_tracing()


def _hex(span: ReadableSpan) -> str:
    return format(span.context.trace_id, "032x")  # pyright: ignore[reportOptionalMemberAccess]


def _scope(span: ReadableSpan) -> str:
    return span.instrumentation_scope.name if span.instrumentation_scope else ""


def _ancestors(span: ReadableSpan, by_id: dict[int, ReadableSpan]) -> list[str]:
    names = []
    while span.parent is not None and span.parent.span_id in by_id:
        span = by_id[span.parent.span_id]
        names.append(span.name)
    return names


def test_a_rest_search_is_one_trace_from_the_caller_down_to_each_statement(
    spans: InMemorySpanExporter, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_small_catalog()
    solution_routes.response_cache.clear()
    monkeypatch.setattr(solution_routes.response_cache, "seconds", 0)
    client = TestClient(build_api())
    spans.clear()
    answer = client.get(
        "/api/v1/solutions",
        params={"q": "translation"},
        headers={"traceparent": f"00-{CALLER_TRACE}-00f067aa0ba902b7-01"},
    )
    assert answer.status_code == 200
    finished = spans.get_finished_spans()
    by_id = {s.context.span_id: s for s in finished if s.context}
    (server,) = [s for s in finished if s.kind == SpanKind.SERVER]
    # Named by its route template (one name per endpoint), continuing the caller's trace.
    assert server.name == "GET /api/v1/solutions"
    assert server.attributes and server.attributes["http.response.status_code"] == 200
    assert server.parent is not None and server.parent.span_id == 0x00F067AA0BA902B7
    (search,) = [s for s in finished if s.name == "solutions search"]
    assert _ancestors(search, by_id) == ["GET /api/v1/solutions"]
    # Work the request waited for is in its trace; background refreshes it started (the
    # per-worker search columns) are traces of their own.
    ours = [s for s in finished if _hex(s) == CALLER_TRACE]
    statements = [s for s in ours if s.attributes and "db.statement" in s.attributes]
    assert any("solutions search" in _ancestors(s, by_id) for s in statements)
    for span in ours:
        assert span is server or _ancestors(span, by_id)[-1] == "GET /api/v1/solutions"


def test_a_webhook_job_traces_its_delivery_and_the_receiver_gets_the_trace(
    spans: InMemorySpanExporter, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aixplore.core.settings import get_settings

    monkeypatch.setattr(get_settings(), "webhook_allow_private_targets", True)
    receiver = Receiver()
    try:
        email, _endpoint, _secret = _owner_with_endpoint(receiver.url, ["solution.published"])
        _publish(email)
        (delivery,) = _deliveries()
        spans.clear()
        huey.execute(deliver_webhook.s(delivery.id))
        _path, headers, _body = receiver.requests[0]
    finally:
        receiver.close()
    finished = spans.get_finished_spans()
    by_id = {s.context.span_id: s for s in finished if s.context}
    (job,) = [s for s in finished if s.name == "job deliver_webhook"]
    (outbound,) = [s for s in finished if _scope(s) == "opentelemetry.instrumentation.httpx"]
    assert outbound.kind == SpanKind.CLIENT and outbound.name == "POST"
    assert _ancestors(outbound, by_id) == ["job deliver_webhook"]
    # The receiver can join its own spans to ours: the W3C header carries the trace.
    version, trace_id, span_id, _flags = headers["traceparent"].split("-")
    assert (version, trace_id) == ("00", _hex(job))
    assert int(span_id, 16) == outbound.context.span_id  # pyright: ignore[reportOptionalMemberAccess]
    assert any(s.attributes and "db.statement" in s.attributes for s in finished)
    assert {_hex(s) for s in finished} == {_hex(job)}


def test_a_failing_job_marks_its_span_failed(spans: InMemorySpanExporter) -> None:
    @huey.task()
    def broken_job() -> None:
        raise RuntimeError("boom")

    huey.execute(broken_job.s())
    (job,) = [s for s in spans.get_finished_spans() if s.name == "job broken_job"]
    assert job.status.status_code == StatusCode.ERROR
    assert any(event.name == "exception" for event in job.events)


def test_log_lines_inside_a_span_carry_its_trace_id(spans: InMemorySpanExporter) -> None:
    lines = {True: io.StringIO(), False: io.StringIO()}
    logger = logging.getLogger("aixplore.tests.tracing")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    for json_lines, stream in lines.items():
        handler = make_handler(json_lines)
        handler.setStream(stream)  # pyright: ignore[reportAttributeAccessIssue]
        logger.addHandler(handler)
    try:
        logger.info("outside any span")
        with tracing.span("work") as current:
            logger.info("inside the span")
    finally:
        logger.handlers.clear()
    trace_id = format(current.get_span_context().trace_id, "032x")
    outside, inside = (json.loads(line) for line in lines[True].getvalue().splitlines())
    assert "trace_id" not in outside
    assert inside["trace_id"] == trace_id and len(inside["span_id"]) == 16
    plain = lines[False].getvalue().splitlines()
    assert "trace_id" not in plain[0] and plain[1].endswith(f"trace_id={trace_id}")


def test_with_tracing_off_nothing_is_recorded_and_statements_carry_no_listener() -> None:
    assert not tracing.enabled()
    with tracing.span("nothing") as current:
        assert not current.get_span_context().is_valid
    from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer

    with read_scope() as db:
        db.connection()
    assert not EngineTracer._remove_event_listener_params  # pyright: ignore[reportAttributeAccessIssue]


def test_calls_to_an_mcp_server_are_spans_of_the_trace_that_made_them(
    spans: InMemorySpanExporter, local_repos: Path
) -> None:
    async def scan() -> dict:
        async with local_git.open_repositories() as host:
            return await scan_repository(host, "shop", "main")

    with tracing.span("order scan"):
        assert anyio.run(scan)["file_count"] > 0
    finished = spans.get_finished_spans()
    by_id = {s.context.span_id: s for s in finished if s.context}
    calls = [s for s in finished if s.name.startswith("mcp git ")]
    assert calls, "each tool call on the Git MCP server is a span"
    for call in calls:
        assert _ancestors(call, by_id) == ["order scan"]
        assert call.attributes and call.attributes["aixplore.mcp_server"] == "git"
