"""Prometheus metrics shared by the API and the web layer."""

from __future__ import annotations

import os
from pathlib import Path

from prometheus_client import Counter, Gauge, Histogram

# In multiprocess mode every process writes its values to files in this folder: a process
# that finds it missing (a job worker's or a one-off command's container) would fail at its
# first counted event, so each process makes sure it exists.
if _folder := os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    Path(_folder).mkdir(parents=True, exist_ok=True)

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
