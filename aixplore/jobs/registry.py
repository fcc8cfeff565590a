"""Import every task module so a worker and the web process know the same tasks.

Every table module comes too: a job's flush checks foreign keys against tables that the
job's own imports may never name (a session's SSO connection, say).
"""

from aixplore.domain import tables
from aixplore.jobs import (
    analytics,
    api,
    audit,
    events,
    gdpr,
    mail,
    models3d,
    notifications,
    operations,
    orders,
    social,
    streams,
    trading,
    wallet,
    webhooks,
)

__all__ = [
    "analytics",
    "api",
    "audit",
    "events",
    "gdpr",
    "mail",
    "models3d",
    "notifications",
    "operations",
    "orders",
    "social",
    "streams",
    "tables",
    "trading",
    "wallet",
    "webhooks",
]
