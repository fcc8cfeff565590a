"""GraphQL's ``viewer``: the caller's own profile basics, orders and notifications.

Only the caller's own, as REST and the site show them: orders need the ``orders:read`` scope
and a personal key or token (an organization's key is refused, as ``/api/v1/orders`` refuses
it), notifications need ``notifications:read``. The services read only the actor's rows, so
no argument can name someone else's.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from starlette.concurrency import run_in_threadpool
from strawberry.types import Info

from aixplore.api.gql.common import (
    Context,
    Node,
    PageInfo,
    before_cursor,
    before_of,
    check_first,
    keyset_page_info,
    node_id,
    require_caller,
)
from aixplore.core.db import read_scope, session_scope
from aixplore.core.errors import NotFound, PermissionDenied
from aixplore.domain.accounts.models import Actor
from aixplore.domain.apikeys.models import KeyPrincipal
from aixplore.domain.notifications import services as notifications
from aixplore.domain.notifications.models import NotificationPublic
from aixplore.domain.orders import services as orders
from aixplore.domain.social.publisher_handles import person_of

MAX_ORDERS = 100


@strawberry.type
class Order(Node):
    """One of the caller's orders (secret values never leave the server)."""

    number: int
    status: str
    solution_slug: str
    repo_full_name: str
    base_branch: str
    template: str
    price_tokens: int
    pr_url: str
    pr_number: int
    failure_reason: str
    created_at: datetime

    @classmethod
    def of(cls, view: dict[str, Any]) -> Order:
        """Build from ``orders.order_view``."""
        return cls(
            id=node_id("Order", view["id"]),
            number=view["id"],
            created_at=datetime.fromisoformat(view["created_at"]),
            **{
                name: view[name]
                for name in (
                    "status",
                    "solution_slug",
                    "repo_full_name",
                    "base_branch",
                    "template",
                    "price_tokens",
                    "pr_url",
                    "pr_number",
                    "failure_reason",
                )
            },
        )


@strawberry.type
class OrderEdge:
    """One order of a page."""

    cursor: str
    node: Order


@strawberry.type
class OrderConnection:
    """A page of the caller's orders, newest first."""

    edges: list[OrderEdge]
    page_info: PageInfo


@strawberry.type
class Notification(Node):
    """One of the caller's notifications."""

    kind: str
    title: str
    body: str
    link: str
    created_at: datetime
    read: bool

    @classmethod
    def of(cls, shown: NotificationPublic) -> Notification:
        """Build from a domain notification."""
        return cls(
            id=node_id("Notification", shown.id),
            kind=shown.kind,
            title=shown.title,
            body=shown.body,
            link=shown.link,
            created_at=shown.created_at,
            read=shown.read,
        )


@strawberry.type
class NotificationEdge:
    """One notification of a page."""

    cursor: str
    node: Notification


@strawberry.type
class NotificationConnection:
    """A page of the caller's notifications, newest first."""

    edges: list[NotificationEdge]
    page_info: PageInfo


def personal_caller(context: Context, resource: str) -> KeyPrincipal:
    """The caller holding ``resource:read`` with a personal key or token (orders, notices)."""
    caller = require_caller(context, resource)
    if caller.org_id is not None:
        raise PermissionDenied(
            f"{resource.capitalize()} are personal: an organization's key cannot read them."
        )
    return caller


def own_order(actor: Actor, row_id: int) -> Order | None:
    """One of the actor's own orders by number; None for anyone else's (admins' too)."""
    with read_scope() as db:
        try:
            found = orders.get_order(db, actor, row_id)
        except NotFound:
            return None
        if found.user_id != actor.user_id:
            return None
        return Order.of(orders.order_view(found))


def own_notification(actor: Actor, row_id: int) -> Notification | None:
    """One of the actor's own notifications; None for anyone else's."""
    with read_scope() as db:
        try:
            return Notification.of(notifications.get_my_notification(db, actor, row_id))
        except NotFound:
            return None


def _orders(actor: Actor, first: int, after: str | None) -> OrderConnection:
    check_first(first, MAX_ORDERS)
    before = before_of(after)
    with read_scope() as db:
        rows, nxt = orders.list_my_orders_before(db, actor, before, first)
        views = [orders.order_view(o) for o in rows]
    edges = [OrderEdge(cursor=before_cursor(v["id"]) or "", node=Order.of(v)) for v in views]
    return OrderConnection(
        edges=edges,
        page_info=keyset_page_info([e.cursor for e in edges], nxt is not None, before),
    )


def _notifications(actor: Actor, first: int, after: str | None) -> NotificationConnection:
    check_first(first, notifications.PAGE_MAX)
    before = before_of(after)
    with read_scope() as db:
        page = notifications.list_my_notifications(db, actor, before_id=before, limit=first)
    edges = [
        NotificationEdge(cursor=before_cursor(n.id) or "", node=Notification.of(n))
        for n in page.items
    ]
    return NotificationConnection(
        edges=edges, page_info=keyset_page_info([e.cursor for e in edges], page.more, before)
    )


@strawberry.type
class Viewer:
    """The caller: their profile basics, and their own orders and notifications."""

    handle: str
    display_name: str

    @strawberry.field
    async def orders(
        self, info: Info[Context, None], first: int = 20, after: str | None = None
    ) -> OrderConnection | None:
        """The caller's orders, newest first (``orders:read``, personal keys only)."""
        caller = personal_caller(info.context, "orders")
        return await run_in_threadpool(_orders, caller.actor, first, after)

    @strawberry.field
    async def notifications(
        self, info: Info[Context, None], first: int = 20, after: str | None = None
    ) -> NotificationConnection | None:
        """The caller's notifications, newest first (``notifications:read``)."""
        caller = personal_caller(info.context, "notifications")
        return await run_in_threadpool(_notifications, caller.actor, first, after)


def viewer_of(user_id: int) -> Viewer:
    """The viewer's basics (a missing profile is made on first need)."""
    with session_scope() as db:
        handle, name = person_of(db, user_id)
    return Viewer(handle=handle, display_name=name)
