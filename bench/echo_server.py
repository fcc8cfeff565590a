"""A bare python-socketio server on aiohttp that answers like a Reflex backend, doing nothing else.

It listens where Reflex does (socket.io path and namespace ``/_event``, websocket only, handlers
run inline like Reflex's), answers the hydrate event in the CONNECT packet with a hydrated
root state, and answers every ``event`` with a one-var delta. It is the ceiling for a
socket.io server in Python on this machine: ``python bench/echo_server.py PORT``.
"""

from __future__ import annotations

import sys
from typing import Any

import socketio
from aiohttp import web

NAMESPACE = "/_event"
HYDRATED = {"delta": {"reflex___state____state": {"is_hydrated_rx_state_": True}}, "events": []}

sio = socketio.AsyncServer(async_mode="aiohttp", transports=["websocket"], async_handlers=False)


class EchoNamespace(socketio.AsyncNamespace):
    """Answers the hydrate event and echoes every event's name back as a delta."""

    async def on_connect(self, sid: str, environ: dict, auth: Any = None) -> None:
        """Answer the hydrate event that rides in the CONNECT packet."""
        if isinstance(auth, dict) and auth.get("event"):
            await self.emit("event", HYDRATED, to=sid)

    async def on_event(self, sid: str, data: Any) -> None:
        """Echo the event back as a state delta."""
        name = data.get("name", "") if isinstance(data, dict) else ""
        await self.emit(
            "event", {"delta": {"echo": {"last_rx_state_": name}}, "events": []}, to=sid
        )


async def ping(_request: web.Request) -> web.Response:
    """Readiness check, as Reflex's ``/ping``."""
    return web.Response(text="pong")


def main() -> None:
    """Serve on 127.0.0.1:PORT."""
    app = web.Application()
    sio.register_namespace(EchoNamespace(NAMESPACE))
    sio.attach(app, socketio_path=NAMESPACE)
    app.router.add_get("/ping", ping)
    web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)


if __name__ == "__main__":
    main()
