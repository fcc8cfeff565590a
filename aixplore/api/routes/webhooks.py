"""API v1 webhooks: register endpoints, rotate secrets, read the delivery log, replay.

A personal key manages its owner's endpoints; an organization's key manages that
organization's endpoints, and nothing else.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import BaseModel
from sqlmodel import Session

from aixplore.api.auth import client_ip, rate_limit, require_scope
from aixplore.api.writes import (
    decode_cursor,
    encode_cursor,
    json_body_doc,
    json_object,
    problem_responses,
    run_write,
)
from aixplore.core.db import read_scope
from aixplore.domain.apikeys.models import KeyPrincipal
from aixplore.domain.webhooks import services as webhooks
from aixplore.domain.webhooks.models import DeliveryPublic, EndpointInput, EndpointPublic

router = APIRouter(prefix="/api/v1", tags=["webhooks"])

EndpointId = Annotated[int, Path(description="The endpoint's number.", ge=1, le=2**31 - 1)]
DeliveryId = Annotated[int, Path(description="The delivery's number.", ge=1, le=2**31 - 1)]
Reader = Annotated[KeyPrincipal, Depends(require_scope("webhooks", "read"))]
Writer = Annotated[KeyPrincipal, Depends(require_scope("webhooks", "write"))]
READ = [Depends(rate_limit("read"))]
WRITE = [Depends(rate_limit("write"))]
COMMON = (400, 401, 403, 413, 422, 429)


class EndpointWithSecret(BaseModel):
    """An endpoint and its signing secret, shown only in this answer."""

    endpoint: EndpointPublic
    secret: str


class EndpointList(BaseModel):
    """The caller's endpoints."""

    items: list[EndpointPublic]


class DeliveryPage(BaseModel):
    """Deliveries, newest first."""

    items: list[DeliveryPublic]
    next_cursor: str | None


@router.get(
    "/webhooks",
    response_model=EndpointList,
    dependencies=READ,
    summary="Your endpoints",
    responses=problem_responses(401, 403, 429),
)
def list_endpoints(who: Reader) -> EndpointList:
    """Every endpoint of the key's owner (the organization's, for an organization key)."""
    with read_scope() as db:
        return EndpointList(items=webhooks.list_endpoints(db, who.actor, org_id=who.org_id))


@router.post(
    "/webhooks",
    status_code=201,
    response_model=EndpointWithSecret,
    dependencies=WRITE,
    summary="Register an endpoint",
    openapi_extra=json_body_doc(EndpointInput),
    responses=problem_responses(*COMMON),
)
async def create_endpoint(request: Request, who: Writer) -> Response:
    """The answer holds the signing secret; it is not shown again (rotate to get a new one)."""
    body, data = await json_object(request)
    ip = client_ip(request)

    def action(db: Session) -> EndpointWithSecret:
        endpoint, secret = webhooks.do_create_endpoint(
            db, who.actor, data, ip=ip, org_id=who.org_id
        )
        return EndpointWithSecret(endpoint=endpoint, secret=secret)

    return await run_write(request, who, body, action, status=201)


@router.put(
    "/webhooks/{endpoint_id}",
    response_model=EndpointPublic,
    dependencies=WRITE,
    summary="Change an endpoint",
    openapi_extra=json_body_doc(EndpointInput),
    responses=problem_responses(*COMMON, 404),
)
async def update_endpoint(request: Request, endpoint_id: EndpointId, who: Writer) -> Response:
    """URL, description and event types at once."""
    body, data = await json_object(request)
    ip = client_ip(request)

    def action(db: Session) -> EndpointPublic:
        return webhooks.do_update_endpoint(
            db, who.actor, endpoint_id, data, ip=ip, org_id=who.org_id
        )

    return await run_write(request, who, body, action)


@router.delete(
    "/webhooks/{endpoint_id}",
    status_code=204,
    dependencies=WRITE,
    summary="Remove an endpoint",
    responses=problem_responses(401, 403, 404, 429),
)
async def delete_endpoint(request: Request, endpoint_id: EndpointId, who: Writer) -> Response:
    """The endpoint and its delivery log go."""
    ip = client_ip(request)

    def action(db: Session) -> None:
        webhooks.do_delete_endpoint(db, who.actor, endpoint_id, ip=ip, org_id=who.org_id)

    return await run_write(request, who, b"", action, status=204)


@router.post(
    "/webhooks/{endpoint_id}/rotate-secret",
    response_model=EndpointWithSecret,
    dependencies=WRITE,
    summary="Rotate the signing secret",
    responses=problem_responses(401, 403, 404, 429),
)
async def rotate_secret(request: Request, endpoint_id: EndpointId, who: Writer) -> Response:
    """A new secret, shown once; the previous one also signs for the overlap (24 h default)."""
    ip = client_ip(request)

    def action(db: Session) -> EndpointWithSecret:
        endpoint, secret = webhooks.do_rotate_secret(
            db, who.actor, endpoint_id, ip=ip, org_id=who.org_id
        )
        return EndpointWithSecret(endpoint=endpoint, secret=secret)

    return await run_write(request, who, b"", action)


@router.post(
    "/webhooks/{endpoint_id}/ping",
    response_model=DeliveryPublic,
    dependencies=WRITE,
    summary="Send a test delivery",
    responses=problem_responses(401, 403, 404, 429),
)
async def ping(request: Request, endpoint_id: EndpointId, who: Writer) -> Response:
    """Queue a ``ping`` event to the endpoint."""

    def action(db: Session) -> DeliveryPublic:
        return webhooks.do_send_ping(db, who.actor, endpoint_id, org_id=who.org_id)

    return await run_write(request, who, b"", action)


@router.get(
    "/webhooks/{endpoint_id}/deliveries",
    response_model=DeliveryPage,
    dependencies=READ,
    summary="The delivery log",
    responses=problem_responses(400, 401, 403, 404, 429),
)
def list_deliveries(
    endpoint_id: EndpointId,
    who: Reader,
    cursor: Annotated[str, Query(description="From the previous page.")] = "",
) -> DeliveryPage:
    """Status, last response code, timing and error of each delivery, newest first."""
    position = decode_cursor(cursor, {"before": int})
    before = None if position is None else position["before"]
    with read_scope() as db:
        items = webhooks.list_deliveries(
            db, who.actor, endpoint_id, before_id=before, org_id=who.org_id
        )
    full = len(items) == webhooks.LOG_SIZE
    return DeliveryPage(
        items=items, next_cursor=encode_cursor({"before": items[-1].id}) if full else None
    )


@router.post(
    "/webhook-deliveries/{delivery_id}/replay",
    response_model=DeliveryPublic,
    dependencies=WRITE,
    summary="Send a delivery again",
    responses=problem_responses(401, 403, 404, 422, 429),
)
async def replay(request: Request, delivery_id: DeliveryId, who: Writer) -> Response:
    """Same delivery id and body, sent now."""

    def action(db: Session) -> DeliveryPublic:
        return webhooks.do_replay(db, who.actor, delivery_id, org_id=who.org_id)

    return await run_write(request, who, b"", action)
