"""The client's address behind trusted reverse proxies, for every HTTP route.

Behind nginx or an ingress every request arrives from the proxy, so per-address limits (sign-in,
SSO, the API's anonymous and per-IP limits) and recorded addresses would all see the proxy.
Each proxy appends the address it received the request from to ``X-Forwarded-For``; with
``AIXPLORE_TRUSTED_PROXY_HOPS`` = N (the number of proxies in front of the app) the client is
the N-th entry from the end. Entries further left are whatever the client sent and are never
trusted. With 0 (direct exposure, the default) the header is ignored. The event socket does the
same through Reflex's own ``trusted_proxy_hops`` (rxconfig.py), from the same setting.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from aixplore.core.settings import get_settings


def forwarded_client(headers: list[tuple[bytes, bytes]], hops: int) -> str | None:
    """The address ``hops`` proxies saw the request come from, or None when there is none."""
    if hops <= 0:
        return None
    entries = [
        entry.strip()
        for name, value in headers
        if name.lower() == b"x-forwarded-for"
        for entry in value.decode("latin-1").split(",")
        if entry.strip()
    ]
    return entries[-hops] if len(entries) >= hops else None


class ForwardedClient:
    """ASGI middleware: put the client behind the trusted proxies into ``scope["client"]``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Plain HTTP only: the event socket's address is resolved by Reflex (see above).
        if scope["type"] == "http":
            client = forwarded_client(scope.get("headers") or [], get_settings().trusted_proxy_hops)
            if client is not None:
                port = scope["client"][1] if scope.get("client") else 0
                scope = {**scope, "client": (client, port)}
        await self.app(scope, receive, send)
