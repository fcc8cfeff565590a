"""Reflex configuration, built from AiXplore's settings (no secrets here)."""

import os
from pathlib import Path

import reflex as rx
from reflex.constants import StateManagerMode

from aixplore.core.settings import get_settings
from aixplore.web.chunking import ChunkingPlugin
from aixplore.web.event_delivery import EventDeliveryPlugin

_settings = get_settings()
# scripts/lib.sh installs bun from npm here (Reflex's own bun installer needs the internet).
_local_bun = Path(__file__).parent / ".tools" / "node_modules" / ".bin" / "bun"
if _local_bun.exists():
    os.environ.setdefault("REFLEX_BUN_PATH", str(_local_bun))
_port = int(os.environ.get("AIXPLORE_PORT", "3000"))

config = rx.Config(
    app_name="aixplore",
    app_module_import="aixplore.web.app",
    telemetry_enabled=False,
    # Reflex's own database helpers stay off: the app opens its own engine (aixplore.core.db).
    db_url=None,
    redis_url=_settings.redis_url,
    state_manager_mode=StateManagerMode.REDIS if _settings.redis_url else StateManagerMode.MEMORY,
    frontend_port=_port,
    backend_port=_port,
    api_url=os.environ.get("AIXPLORE_API_URL", f"http://localhost:{_port}"),
    deploy_url=_settings.base_url,
    # Behind nginx or an ingress: the event socket's client address (aixplore/api/forwarded.py).
    trusted_proxy_hops=_settings.trusted_proxy_hops,
    show_built_with_reflex=False,
    default_color_mode="system",
    plugins=[
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(accent_color="violet", gray_color="slate", radius="large")
        ),
        rx.plugins.SitemapPlugin(),
        # Events the server did not acknowledge go again after a reconnect.
        EventDeliveryPlugin(),
        # Fewer, larger chunks on first load (icons together, Radix by the pages using it).
        ChunkingPlugin(),
    ],
)
