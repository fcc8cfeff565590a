"""The many-tabs benchmark's pure pieces (``bench/tabs_chat.py``): percentiles, reading the
rows out of a socket frame, matching what a tab was shown against what was sent, and finding
which process holds the server end of a connection."""

from __future__ import annotations

import json
import os
import socket
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

# bench/ is not a package: found through the path above, which pyright does not follow.
from tabs_chat import (  # pyright: ignore[reportMissingImports]
    Chatter,
    Ledger,
    rows_in,
    summary,
    verdict,
    workers_by_port,
)

STATE = "reflex___state____state.messages_state"


def frame(rows: list[dict], state: str = STATE) -> str:
    """An ``event`` frame as the server sends a delta that changes the rows."""
    update = {"delta": {state: {"rows_rx_state_": rows}}, "events": [], "final": True}
    return f'42/_event,["event",{json.dumps(update)}]'


def test_summary_uses_nearest_rank() -> None:
    got = summary([float(n) for n in range(100, 0, -1)])
    assert got == {"n": 100, "p50": 50.0, "p95": 95.0, "max": 100.0}
    assert summary([7.0])["p95"] == 7.0
    assert summary([])["n"] == 0


def test_rows_in_reads_only_frames_that_change_the_rows() -> None:
    rows = [{"seq": 1, "body": "hi"}]
    assert rows_in(frame(rows), STATE) == rows
    assert rows_in(frame(rows, "other_state"), STATE) is None
    assert rows_in('42/_event,["event",{"delta":{},"events":[]}]', STATE) is None
    assert rows_in("3", STATE) is None


def _pair() -> tuple[Ledger, Chatter, Chatter]:
    ledger = Ledger()
    a = Chatter(SimpleNamespace(on_event=None, closed=False), 0, STATE, ledger)  # type: ignore[arg-type]
    b = Chatter(SimpleNamespace(on_event=None, closed=False), 1, STATE, ledger)  # type: ignore[arg-type]
    a.partner, b.partner = 1, 0
    return ledger, a, b


def test_a_message_counts_when_the_other_member_is_shown_it() -> None:
    ledger, a, b = _pair()
    ledger.sent["m0-1"] = (0.0, 1)  # sent by tab 0 for tab 1
    ledger.sent["m0-2"] = (0.0, 1)
    a.tab.on_event(frame([{"seq": 1, "body": "m0-1"}]))  # the sender's own tab: stored
    assert "m0-1" in ledger.stored and "m0-1" not in ledger.shown
    b.tab.on_event(frame([{"seq": 1, "body": "m0-1"}]))
    assert "m0-1" in ledger.shown
    shown, stored = ledger.samples()
    assert len(shown) == 1 and len(stored) == 1
    result = verdict([a, b], ledger)
    assert (result["sent"], result["shown_to_reader"], result["lost"]) == (2, 1, 1)
    assert result["lost_examples"] == ["m0-2"]
    assert result["duplicates_or_disorder"] == 0


def test_a_message_shown_twice_or_changed_is_a_problem() -> None:
    ledger, _, b = _pair()
    b.tab.on_event(frame([{"seq": 1, "body": "x"}, {"seq": 1, "body": "x"}]))
    b.tab.on_event(frame([{"seq": 1, "body": "y"}]))
    assert len(ledger.problems) == 2


def test_workers_by_port_finds_the_process_holding_the_server_end() -> None:
    if not Path("/proc/net/tcp").exists():
        pytest.skip("needs Linux's /proc")
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        with socket.create_connection(("127.0.0.1", port)) as client:
            accepted, _ = server.accept()
            with accepted:
                client_port = client.getsockname()[1]
                assert workers_by_port(port, {os.getpid()}).get(client_port) == os.getpid()
                assert client_port not in workers_by_port(port, {os.getppid()})


def test_seconds_put_the_slowest_moment_first() -> None:
    ledger = Ledger(counted_from=10.0)
    ledger.sent = {"early": (9.0, 1), "a": (10.2, 1), "b": (10.7, 1), "c": (12.5, 1)}
    ledger.shown = {"early": 900.0, "a": 20.0, "b": 40.0, "c": 300.0}
    seconds = ledger.seconds()
    assert [second for second, _ in seconds] == [2, 0]  # the warm-up send is left out
    assert seconds[0][1]["p95"] == 300.0 and seconds[1][1]["n"] == 2
