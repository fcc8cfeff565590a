"""``/api/graphql``: the GraphQL face of the read API, next to REST, and its subscriptions.

Queries: POST only (no queries over GET, so a link or an image cannot run one with the
visitor's cookies); GraphiQL is a page of its own (``routes/graphiql.py``: strawberry's loads
from a CDN). The caller is resolved as REST resolves it (API key or OAuth access token) and
counted in the same read rate limit; the route stays out of the OpenAPI document, which
describes REST.

Subscriptions: a WebSocket at the same path speaking graphql-transport-ws only. The key or
token comes in ``connection_init``'s payload (``{"Authorization": "Bearer ..."}``) or the
handshake's ``Authorization`` header; without a valid one the connection closes with 4403.
The connection and each subscription count one call of the read rate limit. Limits: the
protocol's (4400 for a bad message, 4408 without ``connection_init`` in
:data:`INIT_WAIT`, 4409 for a reused id, 4429 for a second init), at most
:data:`MAX_SUBSCRIPTIONS` at once per connection, a ping every :data:`KEEPALIVE` seconds so
proxies keep the socket open, and a connection holding no subscription for :data:`IDLE`
seconds is closed (1000).
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta
from typing import Annotated, Any

import orjson
from fastapi import Depends, WebSocket
from fastapi.routing import APIWebSocketRoute
from graphql import GraphQLError
from starlette.routing import BaseRoute
from strawberry.exceptions import ConnectionRejectionError
from strawberry.fastapi import GraphQLRouter
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import SubscribeMessage
from strawberry.types.unset import UNSET, UnsetType

from aixplore.api.auth import RateLimited, count_call, principal, resolve_bearer
from aixplore.api.gql.common import Context
from aixplore.api.gql.schema import schema
from aixplore.core.errors import DomainError, ServiceUnavailable
from aixplore.domain.apikeys.models import KeyPrincipal

MAX_SUBSCRIPTIONS = 10
INIT_WAIT = timedelta(seconds=10)
KEEPALIVE = 15.0  # seconds between the server's pings
IDLE = 60.0  # seconds a connection may hold no subscription


async def _context(caller: Annotated[KeyPrincipal | None, Depends(principal)]) -> Context:
    return Context(caller=caller)


async def _live_context(websocket: WebSocket) -> Context:
    # The caller is known only once connection_init arrives (LiveRouter.on_ws_connect).
    return Context(caller=None, ip=websocket.client.host if websocket.client else "unknown")


class LiveHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """graphql-transport-ws with server pings, an idle limit and a rate-limited subscribe."""

    keepalive: asyncio.Task[None] | None = None

    def on_request_accepted(self) -> None:
        """Start the protocol's init timer and this connection's keepalive."""
        super().on_request_accepted()
        self.keepalive = asyncio.create_task(self._keep_alive())

    async def shutdown(self) -> None:
        """End the keepalive with the connection's operations."""
        if self.keepalive is not None:
            self.keepalive.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.keepalive
        await super().shutdown()

    async def _keep_alive(self) -> None:
        loop = asyncio.get_running_loop()
        busy = loop.time()
        try:
            while True:
                await asyncio.sleep(min(KEEPALIVE, IDLE))
                if self.operations:
                    busy = loop.time()
                elif loop.time() - busy >= IDLE:
                    await self.websocket.close(code=1000, reason="Idle: no subscription")
                    return
                if self.connection_acknowledged:
                    await self.send_message({"type": "ping"})
        except Exception:  # the socket went away; the reader loop ends the connection
            return

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        """Count the subscription in the caller's read limit before running it."""
        context = self.context
        if self.connection_acknowledged and message.get("id") not in self.operations:
            try:
                await count_call("read", context.caller, context.ip)
            except (RateLimited, ServiceUnavailable) as exc:
                error = GraphQLError(exc.message, extensions={"code": "RATE_LIMITED"})
                await self.send_message(
                    {"id": message["id"], "type": "error", "payload": [error.formatted]}
                )
                return
        await super().handle_subscribe(message)


def _raw_token(context: Context) -> str:
    params: Any = getattr(context, "connection_params", None) or {}
    value = params.get("Authorization", params.get("authorization"))
    if value is None and context.request is not None:
        value = context.request.headers.get("authorization")
    if not isinstance(value, str):
        return ""
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


class LiveRouter(GraphQLRouter[Context, None]):
    """The WebSocket of ``/api/graphql``: subscriptions for a key's or token's owner."""

    graphql_transport_ws_handler_class = LiveHandler

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """Accept only a valid key or access token (else 4403), counted as one call."""
        raw = _raw_token(context)
        if not raw or len(raw) > 4096:
            raise ConnectionRejectionError({"message": "Send 'Authorization: Bearer <key>'."})
        try:
            caller = await resolve_bearer(raw, context.ip)
            await count_call("read", caller, context.ip)
        except DomainError as exc:
            raise ConnectionRejectionError({"message": exc.message}) from exc
        context.caller, context.token = caller, raw
        return UNSET


class QueryRouter(GraphQLRouter[Context, None]):
    """POST ``/api/graphql``, its answers encoded by orjson (strawberry's ``json.dumps`` took
    a page of 50 solutions 0.08 ms, a tenth of what its execution costs)."""

    def encode_json(self, data: object) -> str | bytes:
        """Compact JSON; what orjson refuses (an integer past 64 bits) the standard library's."""
        try:
            return orjson.dumps(data)
        except TypeError:
            return super().encode_json(data)


def _only(found: GraphQLRouter[Context, None], *, websocket: bool) -> list[BaseRoute]:
    return [r for r in found.routes if isinstance(r, APIWebSocketRoute) == websocket]


router: GraphQLRouter[Context, None] = QueryRouter(
    schema,
    path="/api/graphql",
    graphql_ide=None,
    allow_queries_via_get=False,
    subscription_protocols=(),
    context_getter=_context,
    include_in_schema=False,
)
# Its WebSocket route would answer every handshake with 4406: the subscriptions' router
# below takes the WebSocket (it has no HTTP routes, so POST stays rate limited here).
router.routes = _only(router, websocket=False)

subscriptions = LiveRouter(
    schema,
    path="/api/graphql",
    graphql_ide=None,
    allow_queries_via_get=False,
    subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
    connection_init_wait_timeout=INIT_WAIT,
    max_subscriptions_per_connection=MAX_SUBSCRIPTIONS,
    context_getter=_live_context,
    include_in_schema=False,
)
subscriptions.routes = _only(subscriptions, websocket=True)
