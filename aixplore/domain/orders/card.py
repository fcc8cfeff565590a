"""Card payment through Stripe Checkout: start a session, fulfil only from a verified webhook.

The order stays ``quoted`` while the customer is on Stripe's page; the signature-verified
``checkout.session.completed`` event pays and queues it. The row is locked while fulfilling,
so the same event delivered twice, even at the same moment, pays the order once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from aixplore.core.errors import Conflict, ValidationFailed
from aixplore.core.events import publish_after_commit
from aixplore.domain.accounts.models import Actor
from aixplore.domain.accounts.services import require_actor
from aixplore.domain.orders.lifecycle import ORDER_QUEUED, lock_order, transition
from aixplore.domain.orders.models import OrderStatus
from aixplore.domain.orders.payment import check_payable, lock_own_order

CARD = "stripe"
Checkout = Callable[[int, int, str], tuple[str, str]]  # (order id, cents, currency) -> (id, url)


@dataclass(frozen=True)
class CardGateway:
    """The card processor's adapter, registered by the composition root (Stripe Checkout)."""

    enabled: Callable[[], bool]
    # (order id, cents, currency, success URL, cancel URL) -> (session id, payment page URL)
    create_checkout: Callable[[int, int, str, str, str], tuple[str, str]]


_gateway: list[CardGateway] = []


def register_card_gateway(gateway: CardGateway) -> None:
    """Make ``gateway`` the way card payments are taken."""
    _gateway[:] = [gateway]


def card_gateway() -> CardGateway | None:
    """The registered card processor, if any."""
    return _gateway[0] if _gateway else None


def card_payments_enabled() -> bool:
    """Whether the wizard offers card payment (a processor is registered and configured)."""
    gateway = card_gateway()
    return gateway is not None and gateway.enabled()


def do_start_card_payment(
    session: Session, actor: Actor | None, order_id: Any, approve_write: Any, checkout: Checkout
) -> str:
    """Open a Checkout session for the quoted order; return the URL to send the browser to."""
    order = lock_own_order(session, require_actor(actor), order_id)
    check_payable(order, approve_write)
    assert order.quote is not None
    session_id, url = checkout(
        order.id or 0, int(order.quote["money_cents"]), order.quote["currency"]
    )
    order.payment_method = CARD
    order.payment_reference = session_id
    order.write_approved = True
    session.add(order)
    session.flush()
    return url


def do_fulfill_checkout(session: Session, event: dict[str, Any]) -> str:
    """Pay and queue the order of a verified ``checkout.session.completed`` event, once."""
    if event.get("type") != "checkout.session.completed":
        return "ignored"
    checkout = event.get("data", {}).get("object", {})
    raw_id = str((checkout.get("metadata") or {}).get("order_id", ""))
    if not raw_id.isdigit():
        raise ValidationFailed("The checkout session names no order.")
    order = lock_order(session, int(raw_id))
    if order.status != OrderStatus.QUOTED or order.payment_method != CARD:
        return "duplicate"
    if order.payment_reference != checkout.get("id"):
        raise Conflict("That checkout session is not this order's.")
    if checkout.get("payment_status") != "paid":
        return "unpaid"
    if int(checkout.get("amount_total") or 0) != int((order.quote or {}).get("money_cents", -1)):
        raise Conflict("The amount paid does not match the quote.")
    order.payment_reference = str(checkout.get("payment_intent") or checkout.get("id"))
    transition(session, order, OrderStatus.PAID, note="Stripe Checkout.")
    transition(session, order, OrderStatus.QUEUED)
    publish_after_commit(session, ORDER_QUEUED, order.id)
    return "paid"
