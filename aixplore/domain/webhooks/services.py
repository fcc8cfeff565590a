"""Registering webhook endpoints, the delivery log, replays and pings.

An endpoint belongs to a person, or to an organization (``org_id``): every service takes
``org_id`` (None for the actor's own endpoints) and then acts only on that organization's
endpoints, for its active admins; a personal call never reaches an organization's endpoint.

Events are queued by ``emit`` (:mod:`aixplore.domain.webhook_outbox.services`, importable from
here too) in the unit of work of the action itself.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import and_
from sqlmodel import Session, col, select

from aixplore.core.crypto import encrypt
from aixplore.core.errors import NotFound, ValidationFailed
from aixplore.core.events import publish_after_commit
from aixplore.core.settings import get_settings
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import Actor
from aixplore.domain.accounts.services import parse_input, require_actor
from aixplore.domain.audit_log.services import record as audit
from aixplore.domain.orgs.models import OrgRole
from aixplore.domain.orgs.services import require_org_role
from aixplore.domain.webhook_outbox.services import DELIVERY_QUEUED, queue_delivery
from aixplore.domain.webhook_outbox.services import emit as emit  # for the features above orgs
from aixplore.domain.webhooks.models import (
    EVENT_TYPES,
    ORG_EVENT_TYPES,
    DeliveryPublic,
    DeliveryStatus,
    EndpointInput,
    EndpointPublic,
    WebhookDelivery,
    WebhookEndpoint,
)
from aixplore.domain.webhooks.targets import check_url

MAX_ENDPOINTS_PER_USER = 10
LOG_SIZE = 50


def _id(value: Any, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value < 2**31:
        raise NotFound(f"No such {what}.")
    return value


def _new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def _public(endpoint: WebhookEndpoint) -> EndpointPublic:
    until = endpoint.previous_secret_until
    return EndpointPublic(
        id=endpoint.id or 0,
        url=endpoint.url,
        description=endpoint.description,
        event_types=endpoint.event_types.split(),
        enabled=endpoint.enabled,
        disabled_reason=endpoint.disabled_reason,
        consecutive_failures=endpoint.consecutive_failures,
        rotating=endpoint.previous_secret_enc is not None
        and until is not None
        and until > utcnow(),
        created_at=endpoint.created_at,
    )


def _owner(
    session: Session, actor: Actor | None, org_id: Any, action: str
) -> tuple[Actor, int | None]:
    """The actor, and the organization whose endpoints they manage (None: their own)."""
    if org_id is None:
        return require_actor(actor), None
    actor, org, _m = require_org_role(session, actor, org_id, OrgRole.ADMIN, f"webhooks.{action}")
    return actor, org.id


def _owned_by(actor: Actor, org_id: int | None) -> Any:
    """The condition selecting the endpoints of the actor, or of the organization."""
    if org_id is not None:
        return col(WebhookEndpoint.org_id) == org_id
    return and_(
        col(WebhookEndpoint.user_id) == actor.user_id, col(WebhookEndpoint.org_id).is_(None)
    )


def _belongs(endpoint: WebhookEndpoint | None, actor: Actor, owner_org: int | None) -> bool:
    if endpoint is None:
        return False
    if owner_org is not None:
        return endpoint.org_id == owner_org
    return endpoint.org_id is None and endpoint.user_id == actor.user_id


def _owned(
    session: Session, actor: Actor | None, org_id: Any, endpoint_id: Any, action: str
) -> tuple[Actor, WebhookEndpoint]:
    """One endpoint of the actor's (or of the organization's, for its admins)."""
    actor, owner_org = _owner(session, actor, org_id, action)
    endpoint = session.get(WebhookEndpoint, _id(endpoint_id, "endpoint"))
    if endpoint is None or not _belongs(endpoint, actor, owner_org):
        raise NotFound("No such endpoint.")
    return actor, endpoint


def _audit(
    session: Session,
    actor: Actor,
    action: str,
    endpoint: WebhookEndpoint,
    ip: str,
    detail: dict[str, Any] | None = None,
) -> None:
    audit(
        session,
        actor.user_id,
        action,
        target=f"webhook:{endpoint.id}",
        org_id=endpoint.org_id,
        ip=ip,
        detail=detail,
    )


def _form(data: Any, owner_org: int | None) -> EndpointInput:
    form: EndpointInput = parse_input(EndpointInput, data)
    unknown = sorted(set(form.event_types) - set(EVENT_TYPES))
    if unknown:
        raise ValidationFailed(f"Unknown event type: {unknown[0]}.", field="event_types")
    personal = sorted(set(form.event_types) - set(ORG_EVENT_TYPES))
    if owner_org is not None and personal:
        raise ValidationFailed(
            f"An organization's endpoints cannot receive {personal[0]}; choose among "
            f"{', '.join(ORG_EVENT_TYPES)}.",
            field="event_types",
        )
    check_url(form.url)
    return form


def do_create_endpoint(
    session: Session, actor: Actor | None, data: Any, *, ip: str = "", org_id: Any = None
) -> tuple[EndpointPublic, str]:
    """Register an endpoint; returns it and its signing secret, which is shown only now."""
    actor, owner_org = _owner(session, actor, org_id, "create")
    form = _form(data, owner_org)
    count = len(session.exec(select(WebhookEndpoint.id).where(_owned_by(actor, owner_org))).all())
    if count >= MAX_ENDPOINTS_PER_USER:
        raise ValidationFailed(f"You can register at most {MAX_ENDPOINTS_PER_USER} endpoints.")
    secret = _new_secret()
    endpoint = WebhookEndpoint(
        user_id=actor.user_id,
        org_id=owner_org,
        url=form.url,
        description=form.description,
        event_types=" ".join(t for t in EVENT_TYPES if t in form.event_types),
        secret_enc=encrypt(secret),
    )
    session.add(endpoint)
    session.flush()
    _audit(
        session,
        actor,
        "webhook.created",
        endpoint,
        ip,
        {"url": form.url, "events": endpoint.event_types},
    )
    return _public(endpoint), secret


def do_update_endpoint(
    session: Session,
    actor: Actor | None,
    endpoint_id: Any,
    data: Any,
    *,
    ip: str = "",
    org_id: Any = None,
) -> EndpointPublic:
    """Change an endpoint's URL, description or event types."""
    actor, endpoint = _owned(session, actor, org_id, endpoint_id, "update")
    form = _form(data, endpoint.org_id)
    endpoint.url, endpoint.description = form.url, form.description
    endpoint.event_types = " ".join(t for t in EVENT_TYPES if t in form.event_types)
    endpoint.updated_at = utcnow()
    session.add(endpoint)
    _audit(
        session,
        actor,
        "webhook.updated",
        endpoint,
        ip,
        {"url": form.url, "events": endpoint.event_types},
    )
    return _public(endpoint)


def do_set_enabled(
    session: Session,
    actor: Actor | None,
    endpoint_id: Any,
    enabled: Any,
    *,
    ip: str = "",
    org_id: Any = None,
) -> EndpointPublic:
    """Turn an endpoint off, or back on (after an automatic disabling, too)."""
    if not isinstance(enabled, bool):
        raise ValidationFailed("Invalid request.")
    actor, endpoint = _owned(session, actor, org_id, endpoint_id, "set_enabled")
    endpoint.enabled = enabled
    endpoint.disabled_reason = "" if enabled else "Turned off by its owner."
    endpoint.consecutive_failures = 0 if enabled else endpoint.consecutive_failures
    endpoint.updated_at = utcnow()
    session.add(endpoint)
    _audit(session, actor, "webhook.enabled" if enabled else "webhook.disabled", endpoint, ip)
    return _public(endpoint)


def do_rotate_secret(
    session: Session, actor: Actor | None, endpoint_id: Any, *, ip: str = "", org_id: Any = None
) -> tuple[EndpointPublic, str]:
    """A new secret, shown once; the old one keeps signing too for the overlap period."""
    actor, endpoint = _owned(session, actor, org_id, endpoint_id, "rotate")
    secret = _new_secret()
    hours = get_settings().webhook_secret_overlap_hours
    endpoint.previous_secret_enc = endpoint.secret_enc if hours else None
    endpoint.previous_secret_until = utcnow() + timedelta(hours=hours) if hours else None
    endpoint.secret_enc = encrypt(secret)
    endpoint.updated_at = utcnow()
    session.add(endpoint)
    _audit(session, actor, "webhook.secret_rotated", endpoint, ip)
    return _public(endpoint), secret


def do_delete_endpoint(
    session: Session, actor: Actor | None, endpoint_id: Any, *, ip: str = "", org_id: Any = None
) -> None:
    """Remove an endpoint and its delivery log."""
    actor, endpoint = _owned(session, actor, org_id, endpoint_id, "delete")
    _audit(session, actor, "webhook.deleted", endpoint, ip, {"url": endpoint.url})
    session.delete(endpoint)


def list_endpoints(
    session: Session, actor: Actor | None, *, org_id: Any = None
) -> list[EndpointPublic]:
    """The actor's endpoints, or the organization's (for its admins)."""
    actor, owner_org = _owner(session, actor, org_id, "list")
    rows = session.exec(
        select(WebhookEndpoint).where(_owned_by(actor, owner_org)).order_by(col(WebhookEndpoint.id))
    ).all()
    return [_public(e) for e in rows]


def _delivery_public(d: WebhookDelivery) -> DeliveryPublic:
    return DeliveryPublic(
        id=d.id or 0,
        endpoint_id=d.endpoint_id,
        event_type=d.event_type,
        status=d.status,
        attempts=d.attempts,
        last_status_code=d.last_status_code,
        last_error=d.last_error,
        last_duration_ms=d.last_duration_ms,
        created_at=d.created_at,
        next_attempt_at=d.next_attempt_at,
        finished_at=d.finished_at,
    )


def list_deliveries(
    session: Session,
    actor: Actor | None,
    endpoint_id: Any,
    *,
    before_id: int | None = None,
    org_id: Any = None,
) -> list[DeliveryPublic]:
    """An endpoint's newest deliveries (a page of 50, older ones by ``before_id``)."""
    _actor, endpoint = _owned(session, actor, org_id, endpoint_id, "deliveries")
    stmt = select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id)
    if before_id is not None:
        stmt = stmt.where(col(WebhookDelivery.id) < before_id)
    rows = session.exec(stmt.order_by(col(WebhookDelivery.id).desc()).limit(LOG_SIZE)).all()
    return [_delivery_public(d) for d in rows]


def do_replay(
    session: Session, actor: Actor | None, delivery_id: Any, *, org_id: Any = None
) -> DeliveryPublic:
    """Send a delivery again (same id and body), now, whatever its status."""
    actor, owner_org = _owner(session, actor, org_id, "replay")
    delivery = session.get(WebhookDelivery, _id(delivery_id, "delivery"))
    endpoint = session.get(WebhookEndpoint, delivery.endpoint_id) if delivery else None
    if delivery is None or endpoint is None or not _belongs(endpoint, actor, owner_org):
        raise NotFound("No such delivery.")
    if not endpoint.enabled:
        raise ValidationFailed("Turn the endpoint on before replaying deliveries to it.")
    delivery.status = DeliveryStatus.PENDING
    delivery.attempts = 0
    delivery.next_attempt_at = utcnow()
    delivery.finished_at = None
    session.add(delivery)
    publish_after_commit(session, DELIVERY_QUEUED, delivery.id)
    return _delivery_public(delivery)


def do_send_ping(
    session: Session, actor: Actor | None, endpoint_id: Any, *, org_id: Any = None
) -> DeliveryPublic:
    """Queue a test delivery to one of the actor's (or the organization's) endpoints."""
    _actor, endpoint = _owned(session, actor, org_id, endpoint_id, "ping")
    return _delivery_public(queue_delivery(session, endpoint, "ping", {"endpoint_id": endpoint.id}))


def event_data(event: Any) -> dict[str, Any]:
    """The webhook payload of a community event."""
    return {
        "event_id": event.id,
        "title": event.title,
        "starts_at": event.starts_at.isoformat(),
        "ends_at": event.ends_at.isoformat(),
        "status": str(event.status),
    }
