"""REST routes see the client behind trusted proxies, and never a forged X-Forwarded-For."""

from __future__ import annotations

import asyncio

import pytest

from aixplore.api.forwarded import ForwardedClient, forwarded_client
from aixplore.core.settings import get_settings

FORGED_AND_PROXIED = [(b"x-forwarded-for", b"203.0.113.9, 198.51.100.4")]


def test_the_client_is_the_entry_as_many_from_the_end_as_there_are_proxies() -> None:
    assert forwarded_client(FORGED_AND_PROXIED, 0) is None  # no proxy: the header is ignored
    assert forwarded_client(FORGED_AND_PROXIED, 1) == "198.51.100.4"  # what the proxy saw
    assert forwarded_client(FORGED_AND_PROXIED, 2) == "203.0.113.9"
    assert forwarded_client(FORGED_AND_PROXIED, 3) is None  # fewer entries than proxies
    # Several headers count as one list, in order (RFC 9110, 5.3).
    split = [(b"X-Forwarded-For", b"203.0.113.9"), (b"x-forwarded-for", b" 198.51.100.4 ")]
    assert forwarded_client(split, 1) == "198.51.100.4"
    assert forwarded_client([], 1) is None


def _client_seen(scope_type: str, monkeypatch: pytest.MonkeyPatch, hops: int) -> object:
    monkeypatch.setattr(get_settings(), "trusted_proxy_hops", hops)
    seen: dict[str, object] = {}

    async def app(scope, _receive, _send) -> None:
        seen["client"] = scope["client"]

    scope = {"type": scope_type, "headers": FORGED_AND_PROXIED, "client": ("10.0.0.2", 5123)}
    asyncio.run(ForwardedClient(app)(scope, None, None))  # type: ignore[arg-type]
    return seen["client"]


def test_the_middleware_puts_the_client_into_the_request(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _client_seen("http", monkeypatch, 1) == ("198.51.100.4", 5123)
    assert _client_seen("http", monkeypatch, 0) == ("10.0.0.2", 5123)  # direct: the peer
    # The event socket's address is Reflex's to resolve (rxconfig.py's trusted_proxy_hops).
    assert _client_seen("websocket", monkeypatch, 1) == ("10.0.0.2", 5123)
