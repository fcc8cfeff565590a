"""Where webhooks may go: http(s) URLs without credentials, never private networks (SSRF).

Addresses are checked when an endpoint is saved and again, after DNS resolution, before every
delivery (a name may start pointing elsewhere). Private, loopback, link-local, multicast and
reserved addresses are refused unless ``AIXPLORE_WEBHOOK_ALLOW_PRIVATE_TARGETS`` (the default
in development only).
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from aixplore.core.errors import ValidationFailed
from aixplore.core.settings import get_settings


class BlockedTarget(Exception):
    """The URL resolves to an address webhooks may not reach."""


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_url(url: str) -> str:
    """Validate a webhook URL's form (and a literal IP's range); return it."""
    parts = urlsplit(url)
    settings = get_settings()
    schemes = {"https"} if settings.env == "production" else {"https", "http"}
    if parts.scheme not in schemes or not parts.hostname:
        want = "an https://" if schemes == {"https"} else "an http:// or https://"
        raise ValidationFailed(f"Enter {want} URL.", field="url")
    if parts.username or parts.password:
        raise ValidationFailed("The URL may not contain a user name or password.", field="url")
    try:
        _port = parts.port
    except ValueError as exc:
        raise ValidationFailed("The URL's port is invalid.", field="url") from exc
    host = parts.hostname
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if (
        (literal is not None and not _is_public(str(literal)))
        or host in {"localhost"}
        or host.endswith((".localhost", ".local", ".internal"))
    ) and not settings.webhooks_may_target_private:
        raise ValidationFailed("Webhooks cannot target private or local addresses.", field="url")
    return url


def resolve_allowed(url: str) -> None:
    """Resolve the URL's host; raise BlockedTarget if any address is not allowed."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise BlockedTarget(f"cannot resolve {host}") from exc
    if get_settings().webhooks_may_target_private:
        return
    for info in infos:
        address = str(info[4][0])
        if not _is_public(address):
            raise BlockedTarget(f"{host} resolves to a blocked address ({address})")
