"""POST /api/stripe/webhook: Stripe's signed events (fulfilment of card-paid orders)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from aixplore.core.db import session_scope
from aixplore.domain.orders.card import do_fulfill_checkout
from aixplore.integrations.stripe_checkout import verify_event

router = APIRouter()


@router.post("/api/stripe/webhook")
async def stripe_webhook(request: Request) -> dict[str, object]:
    """Verify the signature with the stripe SDK, then fulfil (idempotent per order)."""
    event = verify_event(await request.body(), request.headers.get("stripe-signature"))
    with session_scope() as db:
        outcome = do_fulfill_checkout(db, event)
    return {"received": True, "outcome": outcome}
