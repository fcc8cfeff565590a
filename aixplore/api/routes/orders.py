"""API v1 for orders: the key owner's own orders, by cursor, and one order with its history.

Orders are personal: a key acting for an organization is refused, and another person's order
is "not found" (never "forbidden", so ids reveal nothing). Secret environment values never
leave the server (``order_view`` masks them). Responses carry a weak ``ETag`` of the body.
"""

from __future__ import annotations

import hashlib
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import BaseModel, Field

from aixplore.api.auth import rate_limit, require_scope
from aixplore.api.writes import decode_cursor, encode_cursor, problem_responses
from aixplore.core.db import read_scope
from aixplore.core.errors import NotFound, PermissionDenied
from aixplore.domain.apikeys.models import KeyPrincipal
from aixplore.domain.orders import services as orders

router = APIRouter(prefix="/api/v1", tags=["orders"], dependencies=[Depends(rate_limit("read"))])

OrdersReader = Annotated[KeyPrincipal, Depends(require_scope("orders", "read"))]
OrderId = Annotated[int, Path(description="The order's number.", ge=1, le=2**31 - 1)]
NOT_MODIFIED: dict[int | str, dict[str, Any]] = {
    304: {"description": "Not modified: the `If-None-Match` ETag is still current."}
}


class OrderOut(BaseModel):
    """An order as its owner sees it (secret values masked)."""

    id: int
    status: str = Field(description="draft, quoted, paid, queued, analyzing, generating, ...")
    solution_slug: str
    repo_full_name: str
    base_branch: str
    template: str
    price_tokens: int
    pr_url: str
    pr_number: int
    failure_reason: str
    created_at: str
    requirements: dict[str, Any]
    configuration: dict[str, Any]
    env_vars: list[dict[str, Any]]
    quote: dict[str, Any]

    @classmethod
    def of(cls, view: dict[str, Any]) -> OrderOut:
        """Build from ``orders.order_view``."""
        return cls(**{name: view[name] for name in cls.model_fields})


class TransitionOut(BaseModel):
    """One recorded status change."""

    from_status: str
    to_status: str
    note: str
    at: str


class OrderDetailOut(OrderOut):
    """An order with its recorded status changes, oldest first."""

    history: list[TransitionOut]


class OrderCursorPage(BaseModel):
    """A page of orders, newest first; pass ``next_cursor`` as ``cursor`` for the next one."""

    items: list[OrderOut]
    next_cursor: str | None


def _personal(who: KeyPrincipal) -> None:
    if who.org_id is not None:
        raise PermissionDenied("Orders are personal: an organization's key cannot read them.")


def _with_etag(request: Request, model: BaseModel) -> Response:
    body = model.model_dump_json().encode()
    etag = 'W/"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
    wanted = request.headers.get("if-none-match", "")
    if any(tag.strip().removeprefix("W/") == etag[2:] for tag in wanted.split(",")):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)


@router.get(
    "/orders",
    response_model=OrderCursorPage,
    summary="My orders, newest first",
    responses={**NOT_MODIFIED, **problem_responses(400, 401, 403, 422, 429)},
)
def list_orders(
    request: Request,
    who: OrdersReader,
    cursor: Annotated[str, Query(description="From the previous page's next_cursor.")] = "",
    limit: Annotated[int, Query(ge=1, le=100, description="1 to 100 (default 20).")] = 20,
) -> Response:
    """The key owner's orders, by keyset cursor (stable while new orders arrive)."""
    _personal(who)
    position = decode_cursor(cursor, {"b": int})
    with read_scope() as db:
        rows, nxt = orders.list_my_orders_before(
            db, who.actor, None if position is None else position["b"], limit
        )
        items = [OrderOut.of(orders.order_view(o)) for o in rows]
    page = OrderCursorPage(
        items=items, next_cursor=None if nxt is None else encode_cursor({"b": nxt})
    )
    return _with_etag(request, page)


@router.get(
    "/orders/{order_id}",
    response_model=OrderDetailOut,
    summary="One of my orders, with its status history",
    responses={**NOT_MODIFIED, **problem_responses(401, 403, 404, 422, 429)},
)
def get_order(request: Request, who: OrdersReader, order_id: OrderId) -> Response:
    """Status, pull request, quote and every recorded status change."""
    _personal(who)
    with read_scope() as db:
        order = orders.get_order(db, who.actor, order_id)
        if order.user_id != who.actor.user_id:  # platform admins use the admin pages
            raise NotFound("No such order.")
        history = [
            TransitionOut(
                from_status=e.from_status,
                to_status=e.to_status,
                note=e.note,
                at=e.created_at.isoformat(timespec="seconds"),
            )
            for e in orders.order_history(db, who.actor, order_id)
        ]
        detail = OrderDetailOut(
            **OrderOut.of(orders.order_view(order)).model_dump(), history=history
        )
    return _with_etag(request, detail)
