"""Prometheus metrics shared by the API and the web layer."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

HTTP_REQUESTS = Counter(
    "aixplore_http_requests_total", "HTTP requests served by the API", ["method", "route", "status"]
)
HTTP_LATENCY = Histogram(
    "aixplore_http_request_seconds", "HTTP request latency", ["method", "route"]
)
EVENTS = Counter(
    "aixplore_events_total", "Reflex event handler calls by outcome", ["handler", "outcome"]
)
SECURITY_REFUSALS = Counter(
    "aixplore_security_refusals_total", "Refused protected actions", ["reason"]
)
