"""GraphQL subscriptions: an order's status and the caller's new notifications, live.

Both listen on the app's live channels (``core/live.py``): in-process without Redis, Redis
pub/sub with it, so a subscriber on one worker hears what another worker (or a job) published.
A notice only says that something changed; the subscription then reads the record from the
database through the same functions as ``node(id:)`` and ``viewer`` (only the caller's own
rows), so nothing is shown that the caller may not read and nothing is lost between notices.
The caller's key or token is checked again at every notice and every :data:`RECHECK` seconds:
a revoked one ends the subscription with an error.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry
from starlette.concurrency import run_in_threadpool
from strawberry.types import Info

from aixplore.api.auth import resolve_bearer
from aixplore.api.gql.common import Context, row_id_of
from aixplore.api.gql.mine import Notification, Order, own_order, personal_caller
from aixplore.core import live
from aixplore.core.db import read_scope
from aixplore.core.errors import NotAuthenticated, NotFound
from aixplore.domain.accounts.models import Actor
from aixplore.domain.notifications import services as notifications
from aixplore.domain.orders.lifecycle import order_channel
from aixplore.domain.orders.models import TRANSITIONS

RECHECK = 30.0  # seconds between checks of the caller's key when nothing happens
ENDS = frozenset(s.value for s, moves in TRANSITIONS.items() if not moves)


async def recheck(context: Context) -> None:
    """Refuse to go on once the caller's key or token no longer resolves (revoked, expired)."""
    if context.token is None:
        raise NotAuthenticated("This needs an API key or access token.")
    await resolve_bearer(context.token, context.ip)


def _newest(actor: Actor) -> int:
    with read_scope() as db:
        return notifications.newest_notification_id(db, actor)


def _after(actor: Actor, after_id: int) -> list[tuple[int, Notification]]:
    with read_scope() as db:
        found = notifications.list_my_notifications_after(db, actor, after_id)
    return [(n.id, Notification.of(n)) for n in found]


@strawberry.type
class Subscription:
    """Live updates over WebSocket (graphql-transport-ws) at ``/api/graphql``."""

    @strawberry.subscription
    async def order_status(
        self, info: Info[Context, None], id: strawberry.ID
    ) -> AsyncGenerator[Order, None]:
        """One of the caller's orders now, then at each status change (``orders:read``).

        Completes once the order reaches an end (delivered or refunded).
        """
        context = info.context
        actor = personal_caller(context, "orders").actor
        row_id = row_id_of(str(id), "Order")
        async with live.subscribe(order_channel(row_id)) as sub:
            item: dict[str, object] | None = live.RESYNC  # the order as it is now, first
            shown = ""
            while True:
                if item is not None:
                    await recheck(context)
                    found = await run_in_threadpool(own_order, actor, row_id)
                    if found is None:
                        raise NotFound("No such order.")
                    if found.status != shown:
                        shown = found.status
                        yield found
                        if shown in ENDS:
                            return
                else:
                    await recheck(context)
                item = await sub.get(RECHECK)

    @strawberry.subscription
    async def notifications(
        self, info: Info[Context, None], after: strawberry.ID | None = None
    ) -> AsyncGenerator[Notification, None]:
        """Each new notification of the caller, as it arrives (``notifications:read``).

        ``after``: a notification's id; the ones newer than it come first (a client that
        reconnects misses nothing). Without it, only those made from now on.
        """
        context = info.context
        actor = personal_caller(context, "notifications").actor
        start = None if after is None else row_id_of(str(after), "Notification")
        async with live.subscribe(live.user_channel(actor.user_id)) as sub:
            # Subscribed first, then read: one made in between comes as a notice after this.
            last = start if start is not None else await run_in_threadpool(_newest, actor)
            item: dict[str, object] | None = live.RESYNC if start is not None else None
            while True:
                if item is None or item.get("kind") in ("notification", "resync"):
                    await recheck(context)
                if item is not None and item.get("kind") in ("notification", "resync"):
                    for row_id, found in await run_in_threadpool(_after, actor, last):
                        last = max(last, row_id)
                        yield found
                item = await sub.get(RECHECK)
