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

# ---- Event-socket traffic (aixplore/web/event_metrics.py) ----
# Handlers are labelled by their state class and method ("CatalogState.load"): a fixed set
# the code defines. An event naming no registered handler counts once under UNKNOWN_HANDLER,
# whatever name a browser made up, so the label set stays bounded.
UNKNOWN_HANDLER = "unknown"
EVENT_LATENCY = Histogram(
    "aixplore_event_seconds",
    "Event-socket events by handler: time from the start of processing to the end",
    ["handler"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1.0, 2.5, 5.0, 10.0),
)
EVENTS = Counter(
    "aixplore_events_total",
    "Event-socket events by handler and outcome (ok, error, cancelled, unknown_handler)",
    ["handler", "outcome"],
)
SOCKETS = Gauge(
    "aixplore_event_sockets",
    "Browser tabs connected to this worker's event socket",
    multiprocess_mode="livesum",
)
STATE_BYTES = Histogram(
    "aixplore_state_bytes",
    "Size of each browser-tab state written to Redis (pickled, per state class written)",
    buckets=(256, 1024, 4096, 16384, 65536, 262144, 1048576),
)

# ---- Cache (aixplore/core/cache/) ----
# Named by the first part of the key; parts not in CACHE_NAMES count as "other".
CACHE_NAMES = frozenset({"actor", "events", "home", "search", "wallet"})
CACHE_READS = Counter(
    "aixplore_cache_reads_total", "Cache reads by cache and result (hit, miss)", ["cache", "result"]
)

# ---- Read replica (aixplore/core/replica.py) ----
# source: replica or primary; reason: why (current, unset, behind, lag, down, failed).
CATALOG_READS = Counter(
    "aixplore_catalog_reads_total",
    "Catalog and search reads by source and reason",
    ["source", "reason"],
)
REPLICA_LAG = Gauge(
    "aixplore_replica_lag_seconds",
    "The read replica's replay lag at this process's last check (-1: unreachable)",
    multiprocess_mode="mostrecent",
)

# ---- Database pool (aixplore/core/db.py) ----
DB_CONNECTIONS_IN_USE = Gauge(
    "aixplore_db_connections_in_use",
    "Database connections checked out of the pools",
    multiprocess_mode="livesum",
)
DB_POOL_CAPACITY = Gauge(
    "aixplore_db_pool_capacity",
    "Connections the pools may open (pool size plus overflow)",
    multiprocess_mode="livesum",
)


def cache_name(key: str) -> str:
    """The bounded ``cache`` label of a cache key."""
    name = key.partition(":")[0]
    return name if name in CACHE_NAMES else "other"
