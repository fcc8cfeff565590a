"""Stripe Checkout through the stripe SDK: sessions, signature-verified webhooks, refunds.

``AIXPLORE_STRIPE_SECRET_KEY`` and ``AIXPLORE_STRIPE_WEBHOOK_SECRET`` enable it;
``AIXPLORE_STRIPE_API_BASE`` points the SDK at another API (the tests' Stripe-compatible
server). Fulfilment happens only from a webhook whose signature the SDK has verified.
"""

from __future__ import annotations

from typing import Any

import stripe

from aixplore.core.errors import ServiceUnavailable, ValidationFailed
from aixplore.core.settings import get_settings


def enabled() -> bool:
    """Whether Stripe is configured."""
    settings = get_settings()
    return bool(settings.stripe_secret_key and settings.stripe_webhook_secret)


def _client() -> stripe.StripeClient:
    settings = get_settings()
    if not settings.stripe_secret_key:
        raise ValidationFailed("Card payments are not configured; pay with ECE tokens.")
    bases: Any = {"api": settings.stripe_api_base} if settings.stripe_api_base else None
    return stripe.StripeClient(
        settings.stripe_secret_key, base_addresses=bases, max_network_retries=2
    )


def create_checkout(
    order_id: int, amount_cents: int, currency: str, success_url: str, cancel_url: str
) -> tuple[str, str]:
    """A hosted Checkout session for one order; returns its id and URL."""
    try:
        session = _client().v1.checkout.sessions.create(
            params={
                "mode": "payment",
                "client_reference_id": str(order_id),
                "metadata": {"order_id": str(order_id)},
                "success_url": success_url,
                "cancel_url": cancel_url,
                "line_items": [
                    {
                        "quantity": 1,
                        "price_data": {
                            "currency": currency.lower(),
                            "unit_amount": amount_cents,
                            "product_data": {"name": f"AiXplore order {order_id}"},
                        },
                    }
                ],
            },
            options={"idempotency_key": f"order-{order_id}-checkout-{amount_cents}"},
        )
    except stripe.StripeError as exc:
        raise ServiceUnavailable("The card payment could not start; try again.") from exc
    return str(session.id), str(session.url)


def verify_event(payload: bytes, signature: str | None) -> dict[str, Any]:
    """The webhook's event if its Stripe signature is valid; ValidationFailed otherwise."""
    secret = get_settings().stripe_webhook_secret
    if not secret:
        raise ValidationFailed("Stripe webhooks are not configured.")
    try:
        event = stripe.Webhook.construct_event(payload, signature, secret)
    except (ValueError, stripe.SignatureVerificationError) as exc:
        raise ValidationFailed("The webhook signature is not valid.") from exc
    return event.to_dict()


ALREADY_REFUNDED = "already-refunded"  # recorded when Stripe says the payment was refunded


def refund(payment_intent: str, order_id: int) -> str:
    """Refund a paid Checkout session's payment; Stripe's refund id.

    Idempotent per order: a repeat within Stripe's idempotency window returns the first
    refund, and a later one finds the payment refunded (:data:`ALREADY_REFUNDED`).
    """
    try:
        made = _client().v1.refunds.create(
            params={"payment_intent": payment_intent},
            options={"idempotency_key": f"order-{order_id}-refund"},
        )
    except stripe.InvalidRequestError as exc:
        if exc.code == "charge_already_refunded":
            return ALREADY_REFUNDED
        raise ServiceUnavailable("The card refund failed; it will be retried.") from exc
    except stripe.StripeError as exc:
        raise ServiceUnavailable("The card refund failed; it will be retried.") from exc
    return str(made.id)


def create_token_checkout(
    purchase_id: int,
    description: str,
    amount_cents: int,
    currency: str,
    success_url: str,
    cancel_url: str,
) -> tuple[str, str]:
    """A hosted Checkout session for one token pack purchase; returns its id and URL.

    The metadata names the purchase (the webhook credits it from there); the idempotency key
    is the purchase's, so a retried request never opens a second session for it.
    """
    try:
        session = _client().v1.checkout.sessions.create(
            params={
                "mode": "payment",
                "client_reference_id": f"token-purchase-{purchase_id}",
                "metadata": {"token_purchase_id": str(purchase_id)},
                "success_url": success_url,
                "cancel_url": cancel_url,
                "line_items": [
                    {
                        "quantity": 1,
                        "price_data": {
                            "currency": currency.lower(),
                            "unit_amount": amount_cents,
                            "product_data": {"name": description},
                        },
                    }
                ],
            },
            options={"idempotency_key": f"token-purchase-{purchase_id}-{amount_cents}"},
        )
    except stripe.StripeError as exc:
        raise ServiceUnavailable("The card payment could not start; try again.") from exc
    return str(session.id), str(session.url)
