"""The event socket's outgoing frames, encoded with orjson.

Every state delta Reflex sends goes through ``reflex.app._sio_dumps``, which encodes it with
the standard library's ``json`` (C encoder, ``ensure_ascii=False``, Reflex's serializers as
``default``). For the events page, whose delta is twelve cards (4.7 KB), that took 29 µs of
each event's time on the worker's one event loop; orjson writes the same JSON in 5 µs.

:func:`install` replaces ``_sio_dumps`` before the app creates its socket server. orjson
writes strings, numbers, lists, dicts (and their subclasses), tuples, sets and enums as
``json`` does; dates and times and dataclasses go to Reflex's own serializers (``default``),
as do values of any other type. Anything orjson refuses (an integer beyond 64 bits, a value
the serializers turn into something orjson cannot write) is encoded by Reflex's original
function, as are frames asked for with other options and every frame while Reflex's
OpenTelemetry export (which records their sizes) is on. Two differences are deliberate: a
float that is not a number is written as ``null`` where ``json`` writes ``NaN`` (not JSON:
the browser's ``JSON.parse`` rejects it and the whole frame is lost), and a dict keyed by
dates is written instead of refused.
"""

from __future__ import annotations

from typing import Any

import orjson
import reflex.app as reflex_app
from reflex_base import otel
from reflex_base.utils import serializers

_OPTIONS = (
    orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_NON_STR_KEYS
)
_COMPACT = (",", ":")
_original = reflex_app._sio_dumps


def dumps(obj: Any, **kwargs: Any) -> str:
    """Encode one outgoing Socket.IO payload (``kwargs`` as ``json.dumps`` takes them)."""
    if (kwargs and kwargs != {"separators": _COMPACT}) or otel.enabled:
        return _original(obj, **kwargs)
    try:
        return orjson.dumps(obj, default=serializers.serialize, option=_OPTIONS).decode()
    except (orjson.JSONEncodeError, TypeError):
        return _original(obj, **kwargs)


def install() -> None:
    """Encode the event socket's frames with :func:`dumps` (idempotent; call before
    ``rx.App`` is created)."""
    reflex_app._sio_dumps = dumps
