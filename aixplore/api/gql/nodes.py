"""``node(id:)``: any object by its global id, authorized as the field that hands it out.

The global id names a type and a row; each type is read through the same function as its own
field (``solution``, ``event``, ``profile``, ``viewer.orders``...), so the caller gets exactly
what that field would give: another member's order or notification is null, a profile its
owner keeps from the caller is the same error as ``profile(handle:)``, an order without the
``orders:read`` scope is REST's refusal. An unknown type or a malformed id is refused before
any query.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool

from aixplore.api.gql.common import Context, kind_of, node_id
from aixplore.api.gql.events import event_of
from aixplore.api.gql.mine import own_notification, own_order, personal_caller
from aixplore.api.gql.people import profile_by_id, review_of
from aixplore.core.errors import ValidationFailed
from aixplore.domain.accounts.models import Actor


def _actor(context: Context) -> Actor | None:
    return context.caller.actor if context.caller else None


def _event(context: Context, row_id: int) -> Any:
    return event_of(_actor(context), node_id("Event", row_id))


def _order(context: Context, row_id: int) -> Any:
    return own_order(personal_caller(context, "orders").actor, row_id)


def _notification(context: Context, row_id: int) -> Any:
    return own_notification(personal_caller(context, "notifications").actor, row_id)


def _profile(context: Context, row_id: int) -> Any:
    return profile_by_id(_actor(context), row_id)


def _review(context: Context, row_id: int) -> Any:
    return review_of(_actor(context), row_id)


READERS: dict[str, Callable[[Context, int], Any]] = {
    "Event": _event,
    "Order": _order,
    "Notification": _notification,
    "Profile": _profile,
    "Review": _review,
}


async def node_of(context: Context, value: str, solution: Callable[[int], Any]) -> Any:
    """The object ``value`` names as the caller may see it (None when there is none).

    ``solution`` reads a published solution by row id (the schema module owns that type).
    """
    kind, row_id = kind_of(value)
    if kind == "Solution":
        return await run_in_threadpool(solution, row_id)
    reader = READERS.get(kind)
    if reader is None:
        raise ValidationFailed(f"Not a valid node id: no type {kind}.", field="id")
    return await run_in_threadpool(reader, context, row_id)
