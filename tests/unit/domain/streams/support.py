"""Helpers for the stream tests: a scheduled stream and a stream key."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import Actor
from aixplore.domain.streams import services as streams
from tests.unit.domain.messaging.support import run


def schedule(actor: Actor, **change: Any) -> int:
    """Schedule an RTMP stream an hour from now; returns its id."""
    data: dict[str, Any] = {
        "title": "Building an agent live",
        "starts_at": (utcnow() + timedelta(hours=1)).replace(tzinfo=None).isoformat("T", "minutes"),
        "timezone": "UTC",
        "source": "rtmp",
        **change,
    }
    return run(streams.do_schedule, actor, data).id


def key_parts(actor: Actor) -> tuple[str, str]:
    """A new stream key of ``actor`` as nginx sees it: (name, key)."""
    shown = run(streams.do_new_stream_key, actor)
    name, _, secret = shown.stream_key.partition("?key=")
    return name, secret
