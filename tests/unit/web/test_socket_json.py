"""web.socket_json: the event socket's frames are the JSON Reflex's own encoder writes."""

from __future__ import annotations

import dataclasses
import enum
import json
import uuid
from collections import OrderedDict, defaultdict
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
import reflex.app as reflex_app
from socketio import packet

from aixplore.web import socket_json
from aixplore.web.app import app
from aixplore.web.events.state import EventsListState
from aixplore.web.wallet.state import TokenState

COMPACT = {"separators": (",", ":")}


class Word(str):
    pass


class Count(int):
    pass


class Kind(enum.Enum):
    GRANT = "grant"


class Tier(enum.StrEnum):
    GOLD = "gold"


class Level(enum.IntEnum):
    THREE = 3


@dataclasses.dataclass
class Line:
    amount: int
    when: datetime


VALUES = {
    "text": "Live demo – Inbox Autopilot · café",
    "escapes": 'quote " backslash \\ newline \n tab \t nul \x00 emoji 🚀',
    "numbers": [0, -1, 2**63 - 1, 1.0, 0.1, 1e-7, 1e16, 123456789.123],
    "flags": [True, False, None],
    "subclasses": [Word("w"), Count(5)],
    "enums": [Kind.GRANT, Tier.GOLD, Level.THREE],
    "times": [
        datetime(2026, 12, 3, 19, 0, 5),
        datetime(2026, 12, 3, 19, 0, tzinfo=UTC),
        date(2026, 12, 3),
        time(17, 30),
        timedelta(minutes=90),
    ],
    "uuid": uuid.UUID(int=5),
    "decimal": Decimal("1.5"),
    "containers": [(1, 2), {3}, OrderedDict(a=1), defaultdict(list, b=[1])],
    "dataclass": Line(640, datetime(2026, 12, 3, 19, 0)),
    "keys": {7: "int", 2.5: "float", True: "bool", None: "none"},
    "deep": [{"a": [{"b": [{"c": ["d"]}]}]}],
    "empty": [[], {}, ""],
}


def reflex_json(obj: object) -> str:
    return socket_json._original(obj, **COMPACT)


@pytest.mark.parametrize("name", sorted(VALUES))
def test_each_kind_of_value_is_written_as_reflex_writes_it(name: str) -> None:
    payload = ["event", {"delta": {"state": {name: VALUES[name]}}}]
    # Floats may be spelled differently (1e-7 for 1e-07): the same numbers once parsed.
    assert json.loads(socket_json.dumps(payload, **COMPACT)) == json.loads(reflex_json(payload))


def test_a_real_delta_is_written_as_reflex_writes_it() -> None:
    delta = {
        TokenState.get_full_name(): {"balance_rx_state_": 640, "statement_rx_state_": []},
        EventsListState.get_full_name(): {
            "items_rx_state_": [("Hands-on", "/events/1", False, 300, "")] * 12
        },
    }
    payload = ["event", {"delta": delta, "final": True, "events": []}]
    assert socket_json.dumps(payload, **COMPACT) == reflex_json(payload)


def test_what_orjson_refuses_is_written_by_reflex() -> None:
    payload = {"huge": 2**70}
    assert socket_json.dumps(payload, **COMPACT) == '{"huge":1180591620717411303424}'


def test_other_options_are_left_to_reflex() -> None:
    assert socket_json.dumps({"a": 1}, indent=2) == '{\n  "a": 1\n}'


def test_a_float_that_is_not_a_number_is_null_not_invalid_json() -> None:
    payload = {"ratio": float("nan"), "top": float("inf")}
    assert "NaN" in reflex_json(payload)  # what the browser's JSON.parse would refuse
    assert json.loads(socket_json.dumps(payload, **COMPACT)) == {"ratio": None, "top": None}


def test_the_app_socket_sends_its_frames_through_it() -> None:
    assert app.sio is not None
    assert reflex_app._sio_dumps is socket_json.dumps
    delta = {"x": Tier.GOLD, "y": float("nan")}
    frame = packet.Packet(packet.EVENT, ["event", {"delta": delta}], namespace="/_event")
    assert frame.encode() == '2/_event,["event",{"delta":{"x":"gold","y":null}}]'
