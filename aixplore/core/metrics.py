"""Prometheus metrics shared by the API and the web layer."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

HTTP_REQUESTS = Counter(
    "aixplore_http_requests_total", "HTTP requests served by the API", ["method", "route", "status"]
)
HTTP_LATENCY = Histogram(
    "aixplore_http_request_seconds", "HTTP request latency", ["method", "route"]
)
SECURITY_EVENTS = Counter(
    "aixplore_security_events_total", "Security-relevant events (refusals, sign-ins)", ["event"]
)
TAB_STATES = Gauge(
    "aixplore_tab_states",
    "Browser tabs' states held in this worker's memory (memory state manager only)",
    multiprocess_mode="livesum",
)
TAB_STATES_EXPIRED = Counter(
    "aixplore_tab_states_expired_total", "Idle tabs' states dropped from this worker's memory"
)
