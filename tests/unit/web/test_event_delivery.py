"""The state.js change of web/event_delivery.py against the pinned Reflex's own template."""

from __future__ import annotations

from pathlib import Path

import pytest
import reflex_base

from aixplore.web.event_delivery import MARKER, PatchError, patch_state_js

TEMPLATE = Path(reflex_base.__file__).parent / ".templates" / "web" / "utils" / "state.js"


def test_every_event_goes_out_with_an_acknowledgement_and_again_after_a_reconnect() -> None:
    original = TEMPLATE.read_text()
    patched = patch_state_js(original)
    assert MARKER in patched
    assert 'socket.emit("event", encodeFormDataArgs(routed_event))' not in patched
    assert "deliverEvent(socket, encodeFormDataArgs(routed_event));" in patched
    # Redelivery comes first on connect, before what was queued while offline.
    connect = patched.index('socket.current.on("connect"')
    redeliver = patched.index("redeliverEvents(socket.current);", connect)
    assert redeliver < patched.index("while (event_queue.length > 0)", connect)
    # The helpers are defined once, before their first use.
    assert patched.count("const deliverEvent = ") == 1
    assert patched.index("const deliverEvent = ") < patched.index("deliverEvent(socket, encode")


def test_patching_twice_changes_nothing() -> None:
    once = patch_state_js(TEMPLATE.read_text())
    assert patch_state_js(once) == once


def test_a_reflex_whose_lines_moved_fails_the_build_with_a_reason() -> None:
    moved = TEMPLATE.read_text().replace("socket.emit(", "socket.send(")
    with pytest.raises(PatchError, match="Reflex's front end changed"):
        patch_state_js(moved)
