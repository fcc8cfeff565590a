"""Send analytics events to the job queue, honouring Do-Not-Track and Global Privacy Control."""

from __future__ import annotations

import logging

import reflex as rx

from aixplore.domain.analytics.services import tracking_allowed, visitor_id
from aixplore.jobs.analytics import record_analytics
from aixplore.web.session import SessionState

log = logging.getLogger(__name__)


async def track(
    state: rx.State,
    kind: str,
    *,
    solution_id: int | None = None,
    detail: str = "",
    results: int | None = None,
) -> None:
    """Queue one event; never raises and never waits for the database."""
    try:
        if not tracking_allowed(state.router.headers.raw_headers):
            return
        session = await state.get_state(SessionState)
        ip, user_agent = session._client()
        record_analytics(
            {
                "kind": kind,
                "solution_id": solution_id,
                "user_id": session.viewer_id or None,
                "visitor": visitor_id(ip, user_agent),
                "detail": detail,
                "results": results,
            }
        )
    except Exception:  # analytics must never break the page it measures
        log.warning("analytics event dropped", exc_info=True)
