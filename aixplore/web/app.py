"""Build the Reflex app: pages, API routes, error handling and background work."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import reflex as rx

from aixplore.api.app import build_api
from aixplore.core import heap
from aixplore.core.logging import configure_logging
from aixplore.core.settings import get_settings
from aixplore.core.tracing import configure_tracing
from aixplore.jobs import registry  # noqa: F401 - tasks and after-commit hooks
from aixplore.jobs.queue import start_embedded_consumer, stop_embedded_consumer
from aixplore.web import event_metrics, lost_state, reflex_fixes, socket_json, tab_owner
from aixplore.web.errors import error_boundary
from aixplore.web.feedback import backend_exception_handler
from aixplore.web.link_preview import LinkPreview, absolute_url
from aixplore.web.live import LiveState
from aixplore.web.page_paths import PagePaths
from aixplore.web.routes import DESCRIPTION, ROUTES, guard
from aixplore.web.session import SessionState
from aixplore.web.state_expiry import expire_idle_states

configure_logging()
configure_tracing()  # spans over OTLP when AIXPLORE_OTLP_ENDPOINT is set (core/tracing.py)
# A published secret key never serves other machines (core/settings.py).
get_settings().check_listen_address(rx.config.get_config().backend_host)

# Almost every handler asks who is signed in: the session state comes with every read.
reflex_fixes.apply(SessionState)
# A tab whose state vanished (say, Redis restarted) loads its page again before its event.
lost_state.apply()
# A tab whose worker died keeps its token and state where it reconnects (web/tab_owner.py).
tab_owner.apply()
# Event-socket traffic in /metrics (web/event_metrics.py).
event_metrics.apply()
# State deltas leave through orjson (web/socket_json.py); before rx.App makes its socket server.
socket_json.install()


@contextlib.asynccontextmanager
async def _background_work() -> AsyncIterator[None]:
    if get_settings().run_embedded_worker:
        start_embedded_consumer()
    # Everything the worker loaded to get here lives as long as it does (core/heap.py).
    heap.settle()
    try:
        yield
    finally:
        stop_embedded_consumer()


app = rx.App(
    stylesheets=["/styles.css", "/showroom.css"],
    # The REST API in front of Reflex's backend; pages served at their own address; a
    # solution's page with its own title and link preview tags (web/link_preview.py).
    api_transformer=[build_api(), PagePaths, LinkPreview],
    backend_exception_handler=backend_exception_handler,
    html_lang="en",
    head_components=[rx.el.meta(name="theme-color", content="#6e56cf")],
)
app.app_wraps[(55, "ErrorBoundary")] = error_boundary
app.register_lifespan_task(_background_work)
app.register_lifespan_task(expire_idle_states)

NOINDEX = {"name": "robots", "content": "noindex"}
SITE_IMAGE = "/components3d/posters/card-rainbow.png"

for route in ROUTES:
    app.add_page(
        route.component,
        route=route.path,
        title=route.title,
        description=route.description or DESCRIPTION,
        # Pages behind sign-in are nobody's search result.
        meta=[NOINDEX] if any(handler is guard for handler in route.on_load) else [],
        # A link preview needs an absolute image URL (Reflex's default is "favicon.ico").
        image=absolute_url(get_settings().base_url, SITE_IMAGE),
        # Last: the tab's live listener (web/live.py), started again on every reconnect.
        on_load=[*route.on_load, LiveState.start],
    )
