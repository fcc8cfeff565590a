"""A click is not lost when the connection under it dies: unacknowledged events go again.

Reflex's front end (``.web/utils/state.js``, pinned reflex 0.10.1) sends each event on the
tab's socket and forgets it. When the instance holding the socket dies (``kill -9``, a crash,
a lost network path), the browser notices only when the connection closes, which through a
load balancer can take seconds; every event sent in between goes into a dead connection and is
lost: the member clicks "Bookmark" and nothing happens.

This plugin changes the compiled ``state.js`` (Reflex's ``add_modify_task`` hook, run at every
build) so that each event is sent with a socket.io acknowledgement, which python-socketio
returns once the server has taken the event into its queue. Events without one when the socket
disconnects are sent again, in their order and before anything queued since, as soon as the
tab is connected again (to the same instance or, behind nginx, another one).

Delivery is at least once: an event whose acknowledgement alone was lost (the connection died
in the milliseconds between the server queueing it and the browser reading the answer) is
handled twice. The alternative, at most once, loses every event sent while the browser has not
yet seen the connection die, which is the common case; handlers that must not run twice check
the database (a bookmark is set or not, a review exists or not) rather than a tab's memory.

A Reflex upgrade that moves the lines patched here fails the build with a clear message
instead of shipping a front end that loses clicks again.
"""

from __future__ import annotations

from typing import Any

from reflex_base.plugins.base import Plugin

STATE_JS = "utils/state.js"
MARKER = "// aixplore: acknowledged event delivery"

HELPERS = f"""{MARKER}
// Events sent but not yet acknowledged by the server, oldest first (web/event_delivery.py).
const unacknowledgedEvents = new Map();
let lastDeliveryId = 0;
const deliverEvent = (socket, payload) => {{
  const id = ++lastDeliveryId;
  unacknowledgedEvents.set(id, payload);
  socket.emit("event", payload, () => unacknowledgedEvents.delete(id));
}};
// After a reconnect: what the old connection may have dropped goes again, in order.
const redeliverEvents = (socket) => {{
  const pending = [...unacknowledgedEvents.values()];
  unacknowledgedEvents.clear();
  for (const payload of pending) {{
    deliverEvent(socket, payload);
  }}
}};

"""

# (anchor, replacement) pairs; each anchor must occur exactly once in Reflex's state.js.
PATCHES: tuple[tuple[str, str], ...] = (
    ("let warmSocket = null;\n", HELPERS + "let warmSocket = null;\n"),
    (
        '    socket.emit("event", encodeFormDataArgs(routed_event));\n',
        "    deliverEvent(socket, encodeFormDataArgs(routed_event));\n",
    ),
    (
        "    // Drain any initial events from the queue.\n",
        "    redeliverEvents(socket.current);\n    // Drain any initial events from the queue.\n",
    ),
)


class PatchError(RuntimeError):
    """Reflex's state.js no longer has a line this plugin changes."""


def patch_state_js(source: str) -> str:
    """``source`` with acknowledged delivery; unchanged if it has it already."""
    if MARKER in source:
        return source
    for anchor, replacement in PATCHES:
        count = source.count(anchor)
        if count != 1:
            raise PatchError(
                f"{STATE_JS}: expected the line {anchor.strip()!r} once, found it {count} times; "
                "Reflex's front end changed, update aixplore/web/event_delivery.py"
            )
        source = source.replace(anchor, replacement)
    return source


class EventDeliveryPlugin(Plugin):
    """Registers the state.js change with Reflex's compiler (rxconfig.py's plugins)."""

    def pre_compile(self, **context: Any) -> None:
        """Change state.js after Reflex has written it."""
        context["add_modify_task"](STATE_JS, patch_state_js)
