"""GraphQL subscriptions over a real WebSocket (graphql-transport-ws) against the API served
by uvicorn from this process: an order's status and the owner's notifications arrive live,
through the app's live channels (with Redis, from a change made in another process); bad
tokens, missing scopes, another member's order and bad messages are refused.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import simple_websocket
import uvicorn

from aixplore.api.app import build_api
from aixplore.api.routes import graphql
from aixplore.core import live
from aixplore.core.db import session_scope
from aixplore.core.settings import get_settings
from aixplore.domain.notifications import services as notifications
from aixplore.domain.orders import services as orders
from aixplore.domain.orders.lifecycle import lock_order, transition
from aixplore.domain.orders.models import OrderStatus
from tests.api_support import make_key
from tests.factories import actor_for, make_member, sign_in
from tests.support.backend import free_port

ORDER = "subscription($id: ID!) { orderStatus(id: $id) { number status } }"
NOTICES = "subscription($after: ID) { notifications(after: $after) { title } }"
OWN = ["orders:read", "notifications:read"]
# Run in another process: the change reaches this one only through Redis.
QUOTE = """import sys
from aixplore.core.db import session_scope
from aixplore.domain.orders.lifecycle import lock_order, transition
from aixplore.domain.orders.models import OrderStatus
with session_scope() as db:
    transition(db, lock_order(db, int(sys.argv[1])), OrderStatus.QUOTED)
"""


@pytest.fixture(scope="module")
def ws_url() -> Iterator[str]:
    """The API's GraphQL WebSocket, served over a real socket from this process."""
    port = free_port()
    config = uvicorn.Config(build_api(), host="127.0.0.1", port=port, log_level="warning")
    config.ws = "wsproto"
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    yield f"ws://127.0.0.1:{port}/api/graphql"
    server.should_exit = True
    thread.join(10)


def gid(kind: str, row_id: int) -> str:
    """The global id of ``kind`` row ``row_id``."""
    return base64.b64encode(f"{kind}:{row_id}".encode()).decode()


class Live:
    """A graphql-transport-ws client over a real socket."""

    def __init__(self, url: str, token: str = "", *, in_header: bool = False) -> None:
        auth = [(b"authorization", f"Bearer {token}".encode())]
        headers = auth if in_header and token else None
        self.ws = simple_websocket.Client.connect(
            url, subprotocols=["graphql-transport-ws"], headers=headers
        )
        payload = {"Authorization": f"Bearer {token}"} if token and not in_header else {}
        self.send({"type": "connection_init", "payload": payload})

    def send(self, message: dict[str, Any]) -> None:
        """Send one protocol message."""
        self.ws.send(json.dumps(message))

    def receive(self) -> dict[str, Any]:
        """The next message other than the server's pings (answered); fails after 10 s."""
        while True:
            data = self.ws.receive(timeout=10)
            assert data is not None, "nothing came within 10 s"
            message = json.loads(data)
            if message["type"] != "ping":
                return message
            self.send({"type": "pong"})

    def subscribe(self, op: str, query: str, variables: dict[str, Any] | None = None) -> None:
        """Start subscription ``op``."""
        payload = {"query": query, "variables": variables or {}}
        self.send({"id": op, "type": "subscribe", "payload": payload})

    def closed_with(self) -> int:
        """The close code the server ends the connection with (pings answered meanwhile)."""
        with pytest.raises(simple_websocket.ConnectionClosed) as closed:
            while True:
                self.receive()
        return closed.value.reason


def test_an_orders_status_and_notifications_arrive_live(ws_url: str) -> None:
    alice = make_member()
    actor = actor_for(sign_in(alice.email))
    with session_scope() as db:
        order = orders.do_create_draft(db, actor).id or 0
        seen = notifications.notify(db, alice.id, "order", "Seen already")
        seen_id = (seen.id if seen else 0) or 0
    client = Live(ws_url, make_key(alice.email, OWN))
    assert client.receive() == {"type": "connection_ack"}
    client.subscribe("o", ORDER, {"id": gid("Order", order)})
    client.subscribe("n", NOTICES, {"after": gid("Notification", seen_id)})
    first = client.receive()  # the order as it is now: it is subscribed to from here on
    assert (first["id"], first["type"]) == ("o", "next")
    assert first["payload"]["data"] == {"orderStatus": {"number": order, "status": "draft"}}
    if get_settings().redis_url:
        # Another process moves the order: only Redis pub/sub brings the news here.
        relay = live.relay()
        assert relay is not None and relay.connected.wait(10)
        subprocess.run([sys.executable, "-c", QUOTE, str(order)], check=True, timeout=60)
    else:
        with session_scope() as db:
            transition(db, lock_order(db, order), OrderStatus.QUOTED)
    got = {}
    for _ in range(2):
        message = client.receive()
        got[message["id"]] = message["payload"]["data"]
    assert got["o"] == {"orderStatus": {"number": order, "status": "quoted"}}
    assert got["n"] == {"notifications": {"title": f"Your order #{order} is now Quoted"}}
    client.send({"id": "o", "type": "complete"})
    client.ws.close()


def test_bad_tokens_scopes_and_other_members_orders_are_refused(ws_url: str) -> None:
    alice, bob = make_member(), make_member()
    with session_scope() as db:
        order = orders.do_create_draft(db, actor_for(sign_in(alice.email))).id or 0
    # No token, or a bad one: the connection closes with 4403 Forbidden.
    assert Live(ws_url).closed_with() == 4403
    assert Live(ws_url, "axp_not-a-real-key").closed_with() == 4403
    # Bob's own key (in the handshake's header): Alice's order does not exist for him.
    bobs = Live(ws_url, make_key(bob.email, OWN), in_header=True)
    assert bobs.receive()["type"] == "connection_ack"
    bobs.subscribe("1", ORDER, {"id": gid("Order", order)})
    refused = bobs.receive()
    assert refused["id"] == "1" and refused["type"] == "next"
    assert refused["payload"]["data"] is None
    assert refused["payload"]["errors"][0]["message"] == "No such order."
    # Without the scopes: REST's refusal, for each of the two.
    narrow = Live(ws_url, make_key(alice.email, ["solutions:read"]))
    assert narrow.receive()["type"] == "connection_ack"
    narrow.subscribe("1", ORDER, {"id": gid("Order", order)})
    narrow.subscribe("2", NOTICES)
    answers = [narrow.receive() for _ in range(4)]  # each op: its error, then complete
    messages = {m["payload"]["errors"][0]["message"] for m in answers if m["type"] == "next"}
    assert messages == {
        "This API key lacks the 'orders:read' scope.",
        "This API key lacks the 'notifications:read' scope.",
    }
    # A message that is not the protocol's closes the connection with 4400.
    narrow.send({"type": "nonsense"})
    assert narrow.closed_with() == 4400


def test_subscriptions_per_connection_and_idle_connections_are_limited(
    ws_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(graphql.subscriptions, "max_subscriptions_per_connection", 2)
    monkeypatch.setattr(graphql, "KEEPALIVE", 0.2)
    monkeypatch.setattr(graphql, "IDLE", 0.6)
    alice = make_member()
    client = Live(ws_url, make_key(alice.email, OWN))
    assert client.receive()["type"] == "connection_ack"
    for op in ("1", "2", "3"):
        client.subscribe(op, NOTICES)
    over = client.receive()
    assert over["id"] == "3" and over["type"] == "error"
    assert over["payload"][0]["message"] == "Subscription limit reached"
    # The server pings while subscriptions run; with none left, it closes the idle socket.
    assert json.loads(client.ws.receive(timeout=10) or "{}") == {"type": "ping"}
    client.send({"id": "1", "type": "complete"})
    client.send({"id": "2", "type": "complete"})
    assert client.closed_with() == 1000
